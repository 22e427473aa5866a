// The worker's sizing knobs from the environment: unset means the defaults; nonsense stops the start.
import { describe, expect, it } from 'vitest';
import { cachedWorkflowsFromEnv, taskSlotsFromEnv } from '../../server/worker-runner.js';

describe('worker sizing from the environment', () => {
  it('unset or empty: the defaults', () => {
    expect(taskSlotsFromEnv({})).toBeUndefined();
    expect(taskSlotsFromEnv({ WORKER_TASK_SLOTS: '' })).toBeUndefined();
    expect(cachedWorkflowsFromEnv({})).toBeUndefined();
  });
  it('a positive integer is taken as it is', () => {
    expect(taskSlotsFromEnv({ WORKER_TASK_SLOTS: '4' })).toBe(4);
    expect(cachedWorkflowsFromEnv({ WORKER_CACHED_WORKFLOWS: '250' })).toBe(250);
  });
  it.each(['0', '-3', '2.5', 'four', '1e9'])('%s is refused, naming the variable', (v) => {
    expect(() => taskSlotsFromEnv({ WORKER_TASK_SLOTS: v })).toThrow(/WORKER_TASK_SLOTS must be an integer/);
    expect(() => cachedWorkflowsFromEnv({ WORKER_CACHED_WORKFLOWS: v })).toThrow(/WORKER_CACHED_WORKFLOWS must be an integer/);
  });
});
