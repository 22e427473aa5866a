// How a worker process is started for memory: its V8 heaps capped (WORKER_HEAP_MB, per isolate:
// the main thread and the workflow thread each), and glibc's malloc held to two arenas. Uncapped,
// V8 sizes its heaps from the machine (about 4 GiB here) and lets the activations' garbage pile up
// between major collections (the main heap swung between 110 and 350 MiB with 10,000 conversations,
// most of the 1 GiB peak); capped, it collects sooner, for no measurable throughput cost. Used by
// `npm run worker` (package.json repeats the flags: keep them equal, tests/unit/worker-memory.test.ts
// checks), by `npm run dev`'s worker process and by the footprint benchmark.
import v8 from 'node:v8';

export const WORKER_DEFAULT_HEAP_MB = 512;
/** What one cached conversation holds in the workflow thread's heap, generously (measured: under 0.6 MiB). */
export const CACHED_WORKFLOW_MB = 0.75;
/** The workflow thread's own base (bundle, shared policy modules) before any conversation. */
const WORKFLOW_THREAD_BASE_MB = 96;

export function heapMbFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WORKER_HEAP_MB;
  if (raw === undefined || raw === '') return WORKER_DEFAULT_HEAP_MB;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 192 || n > 65_536) throw new Error(`WORKER_HEAP_MB must be an integer of MiB from 192 to 65536, got '${raw}'`);
  return n;
}

/** Node flags for a worker process. */
export function workerNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [`--max-old-space-size=${heapMbFromEnv(env)}`];
}

/** Environment for a worker process: two malloc arenas unless set (fewer half-empty arenas across the SDK's threads). */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || '2' };
}

/** The most conversations a heap of this size caches safely. */
export function maxCachedFor(heapMb: number): number {
  return Math.max(10, Math.floor((heapMb - WORKFLOW_THREAD_BASE_MB) / CACHED_WORKFLOW_MB));
}

/**
 * The cache size in force: WORKER_CACHED_WORKFLOWS, else 500 or what this process's heap holds
 * when less. A cache the heap cannot hold is a start-up error naming both settings, not an
 * out-of-memory crash an hour later.
 */
export function cachedWorkflowsFor(requested: number | undefined, heapLimitMb = v8.getHeapStatistics().heap_size_limit / 2 ** 20): number {
  const fits = maxCachedFor(heapLimitMb);
  if (requested === undefined) return Math.min(500, fits);
  if (requested > fits) {
    throw new Error(
      `WORKER_CACHED_WORKFLOWS=${requested} needs about ${Math.ceil(WORKFLOW_THREAD_BASE_MB + requested * CACHED_WORKFLOW_MB)} MiB of heap; this worker has ${Math.round(heapLimitMb)} (raise WORKER_HEAP_MB, or cache fewer)`,
    );
  }
  return requested;
}
