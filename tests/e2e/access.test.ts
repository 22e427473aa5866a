// Access on the whole app over real HTTP: no spelling of a path walks around the token check (every
// documented operation, read from the OpenAPI document); stored tokens with roles; an agent token
// sees and acts on its own team's conversations only; the actor of an action is the token's.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens } from '../../db/schema.js';
import { rawRequest } from '../helpers/http.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.stop();
});

/** A request with exactly this path (and a JSON body when given). */
const rawApi = (method: string, path: string, opts: { token?: string; body?: string } = {}) =>
  rawRequest(s.baseUrl, method, path, {
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: opts.body,
  });

/** Seven spellings of one path that the router (or a lax proxy) may read as the same operation. */
function spellings(path: string): string[] {
  const segs = path.split('/'); // ['', 'api', 'v1', ...]
  const last = segs.length - 1;
  const encodedLast = [...segs];
  const ch = encodedLast[last]!;
  encodedLast[last] = `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}${ch.slice(1)}`;
  return [
    path.replace(/^\/api/, '/%61pi'),
    path.replace(/^\/api/, '/ap%69'),
    path.replace(/^\/api\/v1/, '/api/%76%31'),
    `/${path}`,
    path.replace(/^\/api\/v1/, '/api//v1'),
    path.replace(/^\/api\/v1/, '/api/./v1'),
    encodedLast.join('/'),
  ];
}

const isErrorShape = (j: any) => typeof j?.error?.code === 'string' && typeof j?.error?.message === 'string';

describe('the token check on the resolved path', () => {
  it('every documented operation, in seven spellings of its path, answers 401 without a token', async () => {
    const doc = (await (await fetch(`${s.baseUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/'))
      .flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => [m.toUpperCase(), p] as const));
    // New routes are covered by themselves; these are only the ones that must be among them.
    expect(operations.length).toBeGreaterThan(25);
    expect(operations.map(([m, p]) => `${m} ${p}`)).toEqual(expect.arrayContaining(['POST /api/v1/tokens', 'GET /api/v1/conversations', 'POST /api/v1/conversations/{id}/take-over']));
    const failures: string[] = [];
    for (const [method, template] of operations) {
      const path = template.replace(/\{[^}]+\}/g, '0b5e1c0e-5a3a-4b8e-9d8e-2f1a0c9b7d61');
      for (const spelled of [path, ...spellings(path)]) {
        const r = await rawApi(method, spelled, { body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
        if (r.status !== 401 || !isErrorShape(r.json)) failures.push(`${method} ${spelled} -> ${r.status} ${JSON.stringify(r.json).slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the same spellings with a valid token reach the route (or a 404 in the same error shape), never another', async () => {
    const ok = await rawApi('GET', '/%61pi//v1/conversations/', { token: s.apiToken });
    expect(ok.status).toBe(200);
    expect(Array.isArray(ok.json.data)).toBe(true);
    // The router does not resolve dot segments: a 404, after the token check, in the one shape.
    const dotted = await rawApi('GET', '/api/./v1/conversations', { token: s.apiToken });
    expect(dotted.status).toBe(404);
    expect(isErrorShape(dotted.json)).toBe(true);
    const unknown = await rawApi('GET', '/api/v1/nope', { token: s.apiToken });
    expect(unknown.status).toBe(404);
    expect(isErrorShape(unknown.json)).toBe(true);
    // Unknown paths under /api are behind the token too.
    expect((await rawApi('GET', '/api/v1/nope')).status).toBe(401);
    expect((await rawApi('GET', '/%2561pi/v1/conversations')).status).toBe(401);
    // Public routes stay public.
    expect((await rawApi('GET', '/healthz')).status).toBe(200);
  });
});

describe('tokens and roles', () => {
  const admin = () => ({ authorization: `Bearer ${s.apiToken}` });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  let sales: { id: string; token: string; tokenId: string };
  let support: { id: string; token: string };
  let salesConversation: string;
  let supportConversation: string;

  beforeAll(async () => {
    const agent = async (name: string, team: string) => {
      const r = await s.api('/api/v1/agents', { method: 'POST', body: JSON.stringify({ name, team, languages: ['ar', 'en'], capacity: 5 }) });
      expect(r.status).toBe(201);
      const id = (r.json.data ?? r.json).id as string;
      const t = await s.api('/api/v1/tokens', { method: 'POST', body: JSON.stringify({ role: 'agent', agentId: id, label: `${name}'s laptop` }) });
      expect(t.status).toBe(201);
      return { id, token: t.json.token as string, tokenId: t.json.id as string };
    };
    sales = await agent('Salma', 'sales');
    support = await agent('Samir', 'support');
    // Two buyers: one asks a price (sales), one complains (support); routing places them.
    const placed = async (from: string, text: string, team: string) => {
      const m = textMessageBody({ from, text });
      expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
      return eventually(
        async () => {
          const r = await s.api(`/api/v1/messages/${m.id}`);
          if (r.status !== 200) return undefined;
          const c = await s.api(`/api/v1/conversations/${r.json.conversationId}`);
          return c.json.team === team ? (c.json.id as string) : undefined;
        },
        20_000,
        200,
      );
    };
    salesConversation = await placed('966578100001', 'How much for 20 units of the 5L bottle?', 'sales');
    supportConversation = await placed('966578100002', 'My order arrived broken and nobody answers, this is unacceptable', 'support');
  });

  it('a created token is shown once; the list never shows one; lastUsedAt follows use', async () => {
    const created = await s.api('/api/v1/tokens', { method: 'POST', body: JSON.stringify({ role: 'admin', label: 'ci' }) });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ role: 'admin', agentId: null, label: 'ci' });
    expect(created.json.token).toMatch(/^tl_[A-Za-z0-9_-]{40,}$/);
    const list = await s.api('/api/v1/tokens');
    expect(list.status).toBe(200);
    const item = list.json.data.find((t: any) => t.id === created.json.id);
    expect(item).toMatchObject({ role: 'admin', label: 'ci', lastUsedAt: null });
    expect(JSON.stringify(list.json)).not.toContain(created.json.token);
    // Stored hashed: the database holds no token.
    const rows = await s.db.db.select().from(apiTokens).where(eq(apiTokens.id, created.json.id));
    expect(rows[0]!.tokenHash).toBe(createHash('sha256').update(created.json.token).digest('hex'));
    // The new admin token works, and its use is recorded.
    expect((await s.api('/api/v1/rules', { headers: as(created.json.token) })).status).toBe(200);
    const after = await eventually(async () => {
      const l = await s.api('/api/v1/tokens');
      const t = l.json.data.find((x: any) => x.id === created.json.id);
      return t.lastUsedAt ? t : undefined;
    });
    expect(Date.parse(after.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a revoked token answers 401 from the next request on; revoking again changes nothing', async () => {
    const created = await s.api('/api/v1/tokens', { method: 'POST', body: JSON.stringify({ role: 'agent', agentId: sales.id }) });
    expect((await s.api('/api/v1/conversations', { headers: as(created.json.token) })).status).toBe(200);
    expect((await s.api(`/api/v1/tokens/${created.json.id}`, { method: 'DELETE' })).status).toBe(204);
    const refused = await s.api('/api/v1/conversations', { headers: as(created.json.token) });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('unauthorized');
    expect((await s.api(`/api/v1/tokens/${created.json.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await s.api('/api/v1/tokens/0b5e1c0e-5a3a-4b8e-9d8e-2f1a0c9b7d61', { method: 'DELETE' })).status).toBe(404);
    expect((await s.api('/api/v1/tokens')).json.data.map((t: any) => t.id)).not.toContain(created.json.id);
  });

  it('token creation checks its input: agent needs an existing agentId, roles are known', async () => {
    const cases: [unknown, number, string][] = [
      [{ role: 'agent' }, 422, 'agentId'],
      [{ role: 'agent', agentId: '0b5e1c0e-5a3a-4b8e-9d8e-2f1a0c9b7d61' }, 422, 'agentId'],
      [{ role: 'owner' }, 422, 'role'],
      [{ role: 'admin', agentId: sales.id }, 422, 'agentId'],
      [{ role: 'admin', label: 'x'.repeat(201) }, 422, 'label'],
    ];
    for (const [body, status, field] of cases) {
      const r = await s.api('/api/v1/tokens', { method: 'POST', body: JSON.stringify(body) });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(r.json.error)).toContain(field);
    }
  });

  it("an agent token: its team's conversations 200, another team's 403 and absent from its lists", async () => {
    const mine = await s.api(`/api/v1/conversations/${salesConversation}`, { headers: as(sales.token) });
    expect(mine.status).toBe(200);
    expect(mine.json.team).toBe('sales');
    const other = await s.api(`/api/v1/conversations/${supportConversation}`, { headers: as(sales.token) });
    expect(other.status).toBe(403);
    expect(other.json.error.code).toBe('forbidden');
    const list = await s.api('/api/v1/conversations?limit=200', { headers: as(sales.token) });
    const ids = list.json.data.map((c: any) => c.id);
    expect(ids).toContain(salesConversation);
    expect(ids).not.toContain(supportConversation);
    // The admin sees both.
    const all = (await s.api('/api/v1/conversations?limit=200')).json.data.map((c: any) => c.id);
    expect(all).toEqual(expect.arrayContaining([salesConversation, supportConversation]));
    // Messages follow their conversation.
    const supportMsg = (await s.api(`/api/v1/conversations/${supportConversation}`)).json.timeline.find((e: any) => e.kind === 'message');
    expect((await s.api(`/api/v1/messages/${supportMsg.waMessageId}`, { headers: as(sales.token) })).status).toBe(403);
    expect((await s.api(`/api/v1/messages/${supportMsg.waMessageId}`, { headers: as(support.token) })).status).toBe(200);
    // Acting on another team's conversation: 403, and nothing changes.
    const act = await s.api(`/api/v1/conversations/${supportConversation}/pause`, { method: 'POST', body: '{}', headers: as(sales.token) });
    expect(act.status).toBe(403);
    expect((await s.api(`/api/v1/conversations/${supportConversation}`)).json.paused).toBe(false);
    // Contacts are readable.
    expect((await s.api('/api/v1/contacts', { headers: as(sales.token) })).status).toBe(200);
  });

  it('an agent token gets 403 on writes to rules, agents, tokens and merges; reads of rules and agents are allowed', async () => {
    const h = as(sales.token);
    const rules = await s.api('/api/v1/rules', { headers: h });
    expect(rules.status).toBe(200);
    const checks: [string, string, unknown][] = [
      ['PUT', '/api/v1/rules', rules.json],
      ['POST', '/api/v1/agents', { name: 'X', team: 'sales', languages: ['en'], capacity: 1 }],
      ['PATCH', `/api/v1/agents/${sales.id}`, { capacity: 50 }],
      ['POST', '/api/v1/tokens', { role: 'admin' }],
      ['GET', '/api/v1/tokens', undefined],
      ['DELETE', `/api/v1/tokens/${sales.tokenId}`, undefined],
      ['POST', `/api/v1/contacts/0b5e1c0e-5a3a-4b8e-9d8e-2f1a0c9b7d61/merge`, { otherContactId: '0b5e1c0e-5a3a-4b8e-9d8e-2f1a0c9b7d62' }],
      ['GET', '/api/v1/dead-letters', undefined],
    ];
    for (const [method, path, body] of checks) {
      const r = await s.api(path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.json.error.code).toBe('forbidden');
    }
    expect((await s.api('/api/v1/agents', { headers: h })).status).toBe(200);
    // Nothing changed: the agent's capacity is what it was, its token still works.
    expect((await s.api(`/api/v1/agents/${sales.id}`)).json.capacity).toBe(5);
    expect((await s.api('/api/v1/conversations', { headers: h })).status).toBe(200);
  });

  it("the actor of an action is the token's agent, whatever the body says", async () => {
    const r = await s.api(`/api/v1/conversations/${salesConversation}/pause`, {
      method: 'POST',
      body: JSON.stringify({ by: 'agent:someone-else', reason: 'checking stock' }),
      headers: as(sales.token),
    });
    expect(r.status).toBe(200);
    expect(r.json.paused).toBe(true);
    // An agent token takes a conversation over for itself only.
    const steal = await s.api(`/api/v1/conversations/${salesConversation}/take-over`, {
      method: 'POST',
      body: JSON.stringify({ agentId: support.id }),
      headers: as(sales.token),
    });
    expect(steal.status).toBe(403);
    const take = await s.api(`/api/v1/conversations/${salesConversation}/take-over`, { method: 'POST', body: '{}', headers: as(sales.token) });
    expect(take.status).toBe(200);
    expect(take.json.takenOverBy).toBe(sales.id);
    const actions = await eventually(async () => {
      const d = await s.api(`/api/v1/conversations/${salesConversation}`);
      const a = d.json.timeline.filter((e: any) => e.kind === 'action');
      return a.length >= 2 ? a : undefined;
    });
    expect(actions[0]).toMatchObject({ action: 'pause', by: sales.id, reason: 'checking stock', before: { paused: false }, after: { paused: true } });
    expect(actions[1]).toMatchObject({ action: 'take_over', by: sales.id, after: { takenOverBy: sales.id, assignee: sales.id } });
    // An admin token's actions are recorded as admin:<token id>.
    const resumed = await s.api(`/api/v1/conversations/${salesConversation}/resume`, { method: 'POST', body: JSON.stringify({ by: 'sales-lead' }) });
    expect(resumed.status).toBe(200);
    const envId = `env_${createHash('sha256').update(s.apiToken).digest('hex').slice(0, 12)}`;
    await eventually(async () => {
      const d = await s.api(`/api/v1/conversations/${salesConversation}`);
      return d.json.timeline.some((e: any) => e.kind === 'action' && e.action === 'resume' && e.by === `admin:${envId}`) ? true : undefined;
    });
    void admin;
  });
});

describe('npm run token', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/token-cli.ts', ...args], { cwd: path.resolve(import.meta.dirname, '..', '..'), env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('creates a token against DATABASE_URL, printed once; list and revoke; refuses what it cannot do', async () => {
    const env = { DATABASE_URL: s.db.url };
    const created = await run(['create', '--role', 'admin', '--label', 'deploy bot'], env);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^tl_[A-Za-z0-9_-]{40,}$/);
    // The app on the same database takes it at once.
    expect((await s.api('/api/v1/tokens', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const listed = await run(['list'], env);
    const item = listed.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((t) => t.label === 'deploy bot');
    expect(item).toMatchObject({ role: 'admin', agentId: null });
    expect(listed.stdout).not.toContain(token);
    expect((await run(['revoke', item.id], env)).code).toBe(0);
    expect((await s.api('/api/v1/tokens', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    // Clear refusals.
    const noAgent = await run(['create', '--role', 'agent'], env);
    expect(noAgent.code).not.toBe(0);
    expect(noAgent.stderr).toMatch(/--agent/);
    const unknownAgent = await run(['create', '--role', 'agent', '--agent', '0b5e1c0e-5a3a-4b8e-9d8e-2f1a0c9b7d61'], env);
    expect(unknownAgent.code).not.toBe(0);
    expect(unknownAgent.stderr).toMatch(/no agent/);
    const noDb = await run(['create', '--role', 'admin'], { DATABASE_URL: '' });
    expect(noDb.code).not.toBe(0);
    expect(noDb.stderr).toMatch(/DATABASE_URL/);
  }, 60_000);
});
