// In-process closed-loop load: `concurrency` lanes each run the next call when the previous ends.
import { performance } from 'node:perf_hooks';

export interface InProcessLoadResult {
  latenciesMs: number[];
  failures: number;
  errors: string[];
  elapsedMs: number;
}

export async function closedLoop(count: number, concurrency: number, call: (i: number) => Promise<void>): Promise<InProcessLoadResult> {
  const latenciesMs = new Array<number>(count).fill(NaN);
  const errors: string[] = [];
  let failures = 0;
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t = performance.now();
      try {
        await call(i);
      } catch (err) {
        failures++;
        if (errors.length < 5) errors.push((err as Error).message);
      }
      latenciesMs[i] = performance.now() - t;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { latenciesMs, failures, errors, elapsedMs: performance.now() - start };
}

/** Epoch milliseconds with sub-millisecond precision (comparable across threads). */
export const nowEpochMs = () => performance.timeOrigin + performance.now();
