import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, REQUIRED } from '../../server/config.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'tl-config-'));

describe('configuration', () => {
  it('dev needs nothing: it generates secrets, keeps them in the data dir and reuses them', () => {
    const dir = tmp();
    const a = loadConfig('dev', { THREADLINE_DATA_DIR: dir });
    expect(a.port).toBe(3000);
    expect(a.temporal).toMatchObject({ namespace: 'default', taskQueue: 'threadline', devPort: 7233, uiPort: 8233 });
    expect(a.whatsapp.simulatorPort).toBe(3001);
    expect(a.generated.map((g) => g.split('=')[0])).toEqual(['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'API_TOKENS', 'WHATSAPP_SIMULATOR_TOKEN']);
    expect(a.host).toBe('127.0.0.1');
    const saved = JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8'));
    expect(a.apiTokens).toEqual([saved.apiToken]);
    const b = loadConfig('dev', { THREADLINE_DATA_DIR: dir });
    expect(b.whatsapp.appSecrets).toEqual(a.whatsapp.appSecrets);
    expect(b.apiTokens).toEqual(a.apiTokens);
  });

  it('takes several app secrets for rotation and several API tokens', () => {
    const c = loadConfig('dev', {
      THREADLINE_DATA_DIR: tmp(),
      WHATSAPP_APP_SECRET: 'new, old',
      API_TOKENS: 'a,b',
      WHATSAPP_VERIFY_TOKEN: 'v',
      WHATSAPP_SIMULATOR_TOKEN: 'sim-token-of-16-chars',
    });
    expect(c.whatsapp.appSecrets).toEqual(['new', 'old']);
    expect(c.apiTokens).toEqual(['a', 'b']);
    expect(c.generated).toEqual([]);
  });

  it('names a bad variable', () => {
    expect(() => loadConfig('dev', { THREADLINE_DATA_DIR: tmp(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig('dev', { THREADLINE_DATA_DIR: tmp(), DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig('dev', { THREADLINE_DATA_DIR: tmp(), TEMPORAL_UI_PORT: '70000' })).toThrow(/TEMPORAL_UI_PORT/);
  });

  it('production generates nothing and names every missing variable', () => {
    let err: unknown;
    try {
      loadConfig('production', { THREADLINE_DATA_DIR: tmp(), DATABASE_URL: 'postgres://x@h/db' }, REQUIRED.api);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of ['TEMPORAL_ADDRESS', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'API_TOKENS']) expect(msg).toContain(name);
    expect(msg).not.toContain('DATABASE_URL');
    // The worker needs only the database and Temporal.
    const w = loadConfig('production', { DATABASE_URL: 'postgres://x@h/db', TEMPORAL_ADDRESS: 't:7233', WHATSAPP_ACCESS_TOKEN: 'EAAG' }, REQUIRED.worker);
    expect(w.generated).toEqual([]);
    expect(w.host).toBe('0.0.0.0');
    expect(() => loadConfig('production', { DATABASE_URL: 'postgres://x@h/db', TEMPORAL_ADDRESS: 't:7233' }, REQUIRED.worker)).toThrow(/WHATSAPP_ACCESS_TOKEN/);
    expect(() => loadConfig('production', { DATABASE_URL: 'postgres://x@h/db' }, REQUIRED.worker)).toThrow(/TEMPORAL_ADDRESS/);
  });
});
