import { describe, expect, it } from 'vitest';
import { percentileCont } from '../../db/analytics.js';

describe("percentileCont (Postgres' percentile_cont, computed over merged sorted response times)", () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.9, 7],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.9, 3.7],
    [[10, 20, 30], 0.5, 20],
    [[10, 20, 30], 0, 10],
    [[10, 20, 30], 1, 30],
  ])('%j at %f is %s', (xs, p, expected) => {
    const got = percentileCont(xs, p);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 9);
  });
});
