// The dependency walls of DESIGN.md hold (`npm run lint:walls`, dependency-cruiser with
// .dependency-cruiser.cjs), and the check does fail on a wrong import: tests/fixtures/walls/ breaks
// each wall once, on purpose.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(repoRoot, 'tests/fixtures/walls');
const depcruise = path.join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function run(file: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: 50_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

describe('import walls', () => {
  it('the repo keeps them (npm run lint:walls)', async () => {
    const r = await run('npm', ['run', '--silent', 'lint:walls'], repoRoot);
    expect(r.out).toMatch(/no dependency violations found/);
    expect(r.code, r.out).toBe(0);
  });

  it('a wrong import fails the check, named by its rule; allowed ones pass', async () => {
    const config = path.join(repoRoot, '.dependency-cruiser.cjs');
    const r = await run(process.execPath, [depcruise, 'domain', 'workflows', 'activities', 'db', 'server', 'whatsapp', '--config', config], fixture);
    expect(r.code).not.toBe(0);
    const found = [...r.out.matchAll(/^\s*error ([\w-]+): (\S+) → (\S+)$/gm)].map((m) => `${m[1]}: ${m[2]} -> ${m[3]!.replace(/^.*node_modules\//, '')}`);
    expect(found.sort()).toEqual(
      [
        'domain-imports-nothing-of-ours: domain/bad-imports-db.ts -> db/store.ts',
        'db-imports-domain-only: db/bad-imports-policy.ts -> workflows/policy/decide.ts',
        'whatsapp-no-storage-no-temporal: whatsapp/bad-imports-temporal.ts -> @temporalio/common/lib/index.js',
        'policy-whatsapp-types-only: workflows/policy/bad-runs-whatsapp.ts -> whatsapp/bad-imports-temporal.ts',
        'workflow-no-io: workflows/conversation/bad-runs-activities.ts -> activities/index.ts',
        'workflow-no-node-modules: workflows/conversation/bad-imports-node.ts -> fs',
        'server-no-workflow-internals: server/bad-imports-state.ts -> workflows/conversation/state.ts',
      ].sort(),
    );
  });
});
