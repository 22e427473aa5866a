// The modules every workflow in a worker thread shares (evaluated once, not per workflow) must hold
// no per-workflow state: only the pure decision policies (the import walls keep workflows/policy free
// of Temporal and I/O), with their shared defaults frozen so no workflow can change another's.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOLLOW_UP, DEFAULT_FOLLOW_UP_TEXTS, DEFAULT_RULES } from '../../domain/rules.js';
import { SHARED_WORKFLOW_MODULES, workflowsPath } from '../../server/worker-runner.js';

const policyDir = path.join(path.dirname(workflowsPath), 'policy');

function frozenAllTheWay(value: unknown, at = '$'): string[] {
  if (!value || typeof value !== 'object') return [];
  const problems = Object.isFrozen(value) ? [] : [at];
  for (const [k, v] of Object.entries(value)) problems.push(...frozenAllTheWay(v, `${at}.${k}`));
  return problems;
}

describe('modules shared by the workflows of a worker thread', () => {
  it('are decision policies that exist, and none of them imports Temporal or keeps mutable module state', () => {
    expect(SHARED_WORKFLOW_MODULES.length).toBeGreaterThan(0);
    for (const file of SHARED_WORKFLOW_MODULES) {
      expect(path.dirname(file), file).toBe(policyDir);
      expect(existsSync(file), file).toBe(true);
      const src = readFileSync(file, 'utf8');
      expect(src, file).not.toMatch(/from '@temporalio\//);
      // A module-level `let` is state that would outlive one workflow (a lazily made cache is the one kind allowed).
      const lets = [...src.matchAll(/^let (\w+)/gm)].map((m) => m[1]);
      expect(lets.filter((n) => !/Formatter$/.test(n!)), file).toEqual([]);
    }
  });

  it('the defaults they share are frozen all the way down', () => {
    expect(frozenAllTheWay(DEFAULT_RULES)).toEqual([]);
    expect(frozenAllTheWay(DEFAULT_FOLLOW_UP)).toEqual([]);
    expect(frozenAllTheWay(DEFAULT_FOLLOW_UP_TEXTS)).toEqual([]);
    expect(() => {
      (DEFAULT_RULES.sla.normal as { firstResponseSec: number }).firstResponseSec = 1;
    }).toThrow(TypeError);
  });
});
