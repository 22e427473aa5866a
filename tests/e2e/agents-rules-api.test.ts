// The routing half of the agent API over HTTP on a real Postgres: the rules document (defaults,
// versions, 422 with reasons, 409 on a stale version) and agents (create, change, list with load).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { currentRules } from '../../db/routing/rules.js';
import { contacts, conversations } from '../../db/schema.js';
import { appWithoutWorker } from '../helpers/stack.js';
import { DEFAULT_RULES } from '../../domain/rules.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

let db: TestDb;
let app: FastifyInstance;
let connection: Connection;
const token = `tok_${randomBytes(8).toString('hex')}`;

beforeAll(async () => {
  db = await createTestDb();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  const temporal = new Client({ connection, namespace: 'default' });
  app = await appWithoutWorker(db, temporal, token);
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
  await db?.drop();
});

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) {
  const r = await app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : undefined };
}
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('auth', () => {
  it('answers 401 without or with a bad bearer token', async () => {
    for (const h of [{}, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const r = await api('GET', '/rules', undefined, h);
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('unauthorized');
      expect((await api('GET', '/agents', undefined, h)).status).toBe(401);
    }
  });
});

describe('rules', () => {
  it('serves the defaults as version 1 on a fresh install, stored once', async () => {
    const r = await api('GET', '/rules');
    expect(r.status).toBe(200);
    expect(r.json.version).toBe(1);
    const { version: _v, ...doc } = r.json;
    expect(doc).toEqual(clone(DEFAULT_RULES));
    const again = await api('GET', '/rules');
    expect(again.json).toEqual(r.json);
  });

  it('rejects an invalid document with 422 and the reasons, storing nothing', async () => {
    const bad = clone(DEFAULT_RULES) as any;
    bad.teams = [];
    bad.sla.urgent.firstResponseSec = -5;
    bad.businessHours.timezone = 'Mars/Olympus';
    const r = await api('PUT', '/rules', bad);
    expect(r.status, JSON.stringify(r.json)).toBe(422);
    expect(r.json.error.code).toBe('validation_failed');
    expect(Array.isArray(r.json.error.details)).toBe(true);
    const details: string[] = r.json.error.details;
    expect(details.some((d) => d.includes('teams'))).toBe(true);
    expect(details.some((d) => d.includes('sla'))).toBe(true);
    expect(details.some((d) => d.includes('timezone'))).toBe(true);
    expect(r.json.error.message).toContain('teams');
    expect((await api('GET', '/rules')).json.version).toBe(1);
    // Not even an object / not JSON.
    expect((await api('PUT', '/rules', '[1,2]')).status).toBe(422);
    expect((await api('PUT', '/rules', '{"teams": ')).status).toBe(400);
  });

  it('stores a change as the next version; a stale version is 409; loadRules sees the newest', async () => {
    const cur = (await api('GET', '/rules')).json;
    const next = { ...cur, burstQuietGapSec: 5, teams: [...cur.teams, { name: 'vip', intents: ['order'], languages: ['en'] }] };
    const put = await api('PUT', '/rules', next);
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect(put.json).toEqual({ version: 2 });
    const got = (await api('GET', '/rules')).json;
    expect(got.version).toBe(2);
    expect(got.burstQuietGapSec).toBe(5);
    expect(got.teams.map((t: { name: string }) => t.name)).toEqual(['sales', 'support', 'vip']);

    // The same edit based on version 1 again: someone changed it meanwhile.
    const stale = await api('PUT', '/rules', { ...next, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('version_conflict');
    // Without a version: last writer wins.
    const third = await api('PUT', '/rules', { ...got, version: undefined, burstQuietGapSec: 3 });
    expect(third.json).toEqual({ version: 3 });
    // Wrapped in { data }.
    const wrapped = await api('PUT', '/rules', { data: { ...got, version: 3, burstQuietGapSec: 4 } });
    expect(wrapped.json).toEqual({ version: 4 });

    const loaded = await currentRules(db.db);
    expect(loaded.version).toBe(4);
    expect(loaded.rules.burstQuietGapSec).toBe(4);
    expect(loaded.rules.teams.map((t) => t.name)).toContain('vip');
  });
});

describe('agents', () => {
  let alice: any;

  it('creates an agent of a team from the rules (active by default)', async () => {
    const r = await api('POST', '/agents', { name: 'Alice', team: 'sales', languages: ['en', 'AR'], capacity: 2 });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    alice = r.json;
    expect(alice).toMatchObject({ id: expect.any(String), name: 'Alice', team: 'sales', languages: ['en', 'ar'], capacity: 2, active: true, load: 0 });
    const wrapped = await api('POST', '/agents', { data: { name: 'Vic', team: 'vip', languages: ['en'], capacity: 0, active: false } });
    expect(wrapped.status).toBe(201);
    expect(wrapped.json).toMatchObject({ name: 'Vic', team: 'vip', capacity: 0, active: false });
  });

  it('refuses an unknown team, no languages, a bad capacity with 422 naming the field', async () => {
    const team = await api('POST', '/agents', { name: 'X', team: 'nope', languages: ['en'], capacity: 1 });
    expect(team.status).toBe(422);
    expect(team.json.error.code).toBe('validation_failed');
    expect(team.json.error.message).toContain('team');
    expect(team.json.error.details).toEqual([expect.objectContaining({ path: '/team' })]);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'X', team: 'sales', languages: [], capacity: 1 }, '/languages'],
      [{ name: 'X', team: 'sales', languages: ['en'], capacity: -1 }, '/capacity'],
      [{ name: 'X', team: 'sales', languages: ['en'], capacity: 1.5 }, '/capacity'],
      [{ name: 'X', team: 'sales', languages: ['en'] }, 'capacity'],
      [{ name: 'X', team: 'sales', languages: ['!!'], capacity: 1 }, '/languages/0'],
    ];
    for (const [body, path] of cases) {
      const r = await api('POST', '/agents', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    expect((await api('GET', '/agents')).json.data).toHaveLength(2);
  });

  it('lists agents with load = open conversations assigned to them', async () => {
    const [c] = await db.db.insert(contacts).values({ name: 'Buyer' }).returning();
    const rows = ['open', 'waiting', 'resolved'].map((status, i) => ({
      workflowId: `wa:api:${i}`,
      phoneNumberId: 'api',
      sender: `9665000000${i}`,
      contactId: c!.id,
      status,
      assignee: alice.id,
      team: 'sales',
    }));
    await db.db.insert(conversations).values(rows);
    const list = await api('GET', '/agents');
    expect(list.status).toBe(200);
    const a = list.json.data.find((x: any) => x.id === alice.id);
    expect(a).toMatchObject({ id: alice.id, name: 'Alice', team: 'sales', languages: ['en', 'ar'], capacity: 2, active: true, load: 2 });
    expect(list.json.data.find((x: any) => x.name === 'Vic').load).toBe(0);
    const one = await api('GET', `/agents/${alice.id}`);
    expect(one.status).toBe(200);
    expect(one.json.load).toBe(2);
    const bySales = await api('GET', '/agents?team=sales');
    expect(bySales.json.data.map((x: any) => x.name)).toEqual(['Alice']);
  });

  it('changes an agent with PATCH; unknown ids are 404', async () => {
    const r = await api('PATCH', `/agents/${alice.id}`, { active: false, capacity: 5, languages: ['en', 'fr'], name: 'Alice B' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ id: alice.id, name: 'Alice B', active: false, capacity: 5, languages: ['en', 'fr'], team: 'sales', load: 2 });
    const t = await api('PATCH', `/agents/${alice.id}`, { team: 'vip' });
    expect(t.json.team).toBe('vip');
    const badTeam = await api('PATCH', `/agents/${alice.id}`, { team: 'ghosts' });
    expect(badTeam.status).toBe(422);
    expect((await api('PATCH', `/agents/${alice.id}`, { capacity: -2 })).status).toBe(422);
    expect((await api('GET', `/agents/${alice.id}`)).json).toMatchObject({ name: 'Alice B', team: 'vip', capacity: 5, active: false });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await api('PATCH', `/agents/${unknown}`, { active: true })).status).toBe(404);
    expect((await api('GET', `/agents/${unknown}`)).status).toBe(404);
    const notUuid = await api('GET', '/agents/not-an-id');
    expect(notUuid.status).toBe(404);
    expect(notUuid.json.error.code).toBe('not_found');
  });
});
