import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cachedWorkflowsFor, heapMbFromEnv, maxCachedFor, WORKER_DEFAULT_HEAP_MB, workerEnv, workerNodeArgs } from '../../server/worker-memory.js';

describe('worker memory settings', () => {
  it('npm run worker starts node with the same heap cap and malloc arenas as the worker process of npm run dev', () => {
    const script = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts.worker as string;
    expect(script).toContain(`--max-old-space-size=\${WORKER_HEAP_MB:-${WORKER_DEFAULT_HEAP_MB}}`);
    expect(script).toContain('MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}');
    expect(workerNodeArgs({})).toEqual([`--max-old-space-size=${WORKER_DEFAULT_HEAP_MB}`]);
    expect(workerNodeArgs({ WORKER_HEAP_MB: '1024' })).toEqual(['--max-old-space-size=1024']);
    expect(workerEnv({ A: '1' })).toEqual({ A: '1', MALLOC_ARENA_MAX: '2' });
    expect(workerEnv({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4');
  });

  it('WORKER_HEAP_MB out of range is refused by name', () => {
    expect(() => heapMbFromEnv({ WORKER_HEAP_MB: '100' })).toThrow(/WORKER_HEAP_MB/);
    expect(() => heapMbFromEnv({ WORKER_HEAP_MB: 'lots' })).toThrow(/WORKER_HEAP_MB/);
    expect(heapMbFromEnv({ WORKER_HEAP_MB: '' })).toBe(WORKER_DEFAULT_HEAP_MB);
  });

  it('the cache defaults to 500 when the heap holds it, less when it does not; an explicit one that does not fit is an error', () => {
    expect(cachedWorkflowsFor(undefined, 560)).toBe(500);
    expect(cachedWorkflowsFor(undefined, 4096)).toBe(500);
    expect(cachedWorkflowsFor(undefined, 256)).toBe(maxCachedFor(256));
    expect(maxCachedFor(256)).toBeLessThan(500);
    expect(cachedWorkflowsFor(250, 560)).toBe(250);
    expect(() => cachedWorkflowsFor(5000, 560)).toThrow(/WORKER_CACHED_WORKFLOWS=5000 needs about \d+ MiB.*raise WORKER_HEAP_MB/);
  });
});
