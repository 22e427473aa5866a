import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/group-commit.js';

/** A run whose batches the test releases by hand. */
function manualRun<I>() {
  const calls: { inputs: I[]; release: (fail?: Error) => void }[] = [];
  const run = (inputs: I[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ inputs, release: (fail) => (fail ? reject(fail) : resolve(inputs.map((i) => `out:${String(i)}`))) });
    });
  return { calls, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('a caller alone goes at once, in a batch of its own', async () => {
    const { calls, run } = manualRun<number>();
    const g = new GroupCommit(run);
    const p = g.submit(1);
    expect(calls.map((c) => c.inputs)).toEqual([[1]]);
    calls[0]!.release();
    await expect(p).resolves.toBe('out:1');
  });

  it('callers arriving while batches run go together, each answered with its own output, in order', async () => {
    const { calls, run } = manualRun<number>();
    const g = new GroupCommit(run, { maxInFlight: 1 });
    const first = g.submit(1);
    const rest = [2, 3, 4, 5].map((i) => g.submit(i));
    expect(calls.map((c) => c.inputs)).toEqual([[1]]);
    calls[0]!.release();
    await first;
    await tick();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2, 3, 4, 5]]);
    calls[1]!.release();
    await expect(Promise.all(rest)).resolves.toEqual(['out:2', 'out:3', 'out:4', 'out:5']);
    expect(g.stats).toEqual({ inputs: 5, batches: 2 });
  });

  it('runs at most maxInFlight batches, and a batch holds at most maxBatch inputs', async () => {
    const { calls, run } = manualRun<number>();
    const g = new GroupCommit(run, { maxInFlight: 2, maxBatch: 3 });
    const all = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => g.submit(i));
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2]]);
    calls[0]!.release();
    await tick();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2], [3, 4, 5]]);
    calls[1]!.release();
    calls[2]!.release();
    await tick();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2], [3, 4, 5], [6, 7, 8]]);
    calls[3]!.release();
    await expect(Promise.all(all)).resolves.toHaveLength(8);
  });

  it('a batch stops growing at maxWeight, and an input heavier than that still goes alone', async () => {
    const { calls, run } = manualRun<number>();
    const g = new GroupCommit(run, { maxInFlight: 1, maxWeight: 10, weight: (i) => i });
    const all = [1, 4, 5, 2, 30, 3].map((i) => g.submit(i));
    // Released one by one: each next batch forms from what waits.
    for (let k = 0; k < 5; k++) {
      calls[k]!.release();
      await tick();
    }
    expect(calls.map((c) => c.inputs)).toEqual([[1], [4, 5], [2], [30], [3]]);
    await expect(Promise.all(all)).resolves.toHaveLength(6);
  });

  it('a batch the database refuses is run again one input at a time: only the bad input fails', async () => {
    const batches: number[][] = [];
    const g = new GroupCommit<number, string>(
      async (inputs) => {
        batches.push(inputs);
        await tick();
        if (inputs.includes(3)) throw new Error('refused: 3');
        return inputs.map((i) => `ok:${i}`);
      },
      { maxInFlight: 1 },
    );
    const first = g.submit(0);
    const rest = [1, 2, 3, 4].map((i) => g.submit(i));
    await first;
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['ok:1', 'ok:2', 'refused: 3', 'ok:4']);
    expect(batches).toEqual([[0], [1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it('a run that answers the wrong number of outputs fails its callers instead of mismatching them', async () => {
    const g = new GroupCommit<number, number>(async () => [1]);
    await expect(g.submit(7)).resolves.toBe(1);
    const g2 = new GroupCommit<number, number>(async () => [], { maxInFlight: 1 });
    await expect(g2.submit(7)).rejects.toThrow(/0 outputs for 1 inputs/);
  });

  it('keeps going after failures (the queue is never stuck)', async () => {
    let fail = true;
    const g = new GroupCommit<number, number>(async (inputs) => {
      if (fail) throw new Error('down');
      return inputs;
    });
    await expect(g.submit(1)).rejects.toThrow('down');
    fail = false;
    await expect(g.submit(2)).resolves.toBe(2);
  });
});
