// GET /metrics on the full stack: the series an operator needs move when traffic flows; from
// elsewhere than loopback it takes an admin token.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { agentWithToken, inbound, post } from '../helpers/api.js';
import { eventually } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({});
});
afterAll(async () => {
  await s?.stop();
});

/** The value of one series (labels in any order), 0 when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{\s]+)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries((m[3] ?? '').split(',').filter(Boolean).map((p) => {
      const [k, v] = p.split('=');
      return [k, v!.replace(/^"|"$/g, '')];
    }));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[4]);
  }
  return total;
}
const scrape = async () => {
  const r = await fetch(`${s.baseUrl}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/text\/plain/);
  return r.text();
};

describe('GET /metrics', () => {
  it('webhook latency and status, events handed, activity latency, outbox sends, queue depth move with traffic', async () => {
    const before = await scrape();
    const msg = await inbound(s, '966544500001', 'How much for 12 chairs?');
    expect((await post(s, `/api/v1/conversations/${msg.conversationId}/reply`, { text: '12 chairs are 1,200 SAR.' })).status).toBe(201);
    const bad = await fetch(`${s.baseUrl}/webhooks/whatsapp`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(401);
    const after = await eventually(async () => {
      const t = await scrape();
      const grew = (name: string, labels: Record<string, string>) => value(t, name, labels) > value(before, name, labels);
      // The worker core's figures arrive through its metrics buffer, drained every second.
      return grew('threadline_outbox_sends_total', { kind: 'reply', result: 'sent' }) && grew('threadline_workflow_task_duration_seconds_count', { phase: 'execution' })
        ? t
        : undefined;
    });
    const moved = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
    expect(moved('threadline_webhook_duration_seconds_count', { status: '200' })).toBeGreaterThanOrEqual(1);
    expect(moved('threadline_webhook_duration_seconds_count', { status: '401' })).toBe(1);
    expect(moved('threadline_webhook_duration_seconds_bucket', { status: '200', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    expect(moved('threadline_webhook_events_total', { kind: 'message', outcome: 'handed' })).toBeGreaterThanOrEqual(1);
    expect(moved('threadline_activity_duration_seconds_count', { activity: 'ingest', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(moved('threadline_activity_duration_seconds_count', { activity: 'send', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(moved('threadline_outbox_sends_total', { kind: 'reply', result: 'sent' })).toBe(1);
    expect(moved('threadline_messages_stored_total', {})).toBe(1);
    expect(moved('threadline_workflow_task_duration_seconds_count', { phase: 'execution' })).toBeGreaterThanOrEqual(1);
    expect(moved('threadline_workflow_task_duration_seconds_count', { phase: 'schedule_to_start' })).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^threadline_workflow_cache_size [1-9]/m);
    expect(after).toMatch(/^# TYPE threadline_team_queue_depth gauge$/m);
    expect(after).toMatch(/^# TYPE threadline_sla_breaches_total counter$/m);
    expect(after).toMatch(/^threadline_process_resident_memory_bytes \d+/m);
  });

  it('a failing send is counted by its failure type', async () => {
    const before = await scrape();
    const msg = await inbound(s, '966544500002', 'Do you have it in blue?');
    s.simulator.failNext(131026);
    expect((await post(s, `/api/v1/conversations/${msg.conversationId}/reply`, { text: 'Yes, in blue.' })).status).toBeGreaterThanOrEqual(400);
    const after = await scrape();
    const failed = value(after, 'threadline_activity_failures_total', { activity: 'send' }) - value(before, 'threadline_activity_failures_total', { activity: 'send' });
    expect(failed).toBeGreaterThanOrEqual(1);
  });

  it('every series the Grafana dashboard (ops/grafana-dashboard.json) plots is one this process exports', async () => {
    const dash = JSON.parse(readFileSync(new URL('../../ops/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const names = new Set(dash.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/threadline_[a-z0-9_]+/g) ?? [])).map((n) => n.replace(/_(bucket|count|sum)$/, '')));
    expect(names.size).toBeGreaterThanOrEqual(8);
    const text = await scrape();
    for (const n of names) expect(text, n).toMatch(new RegExp(`^# TYPE ${n} `, 'm'));
  });

  it('from elsewhere than loopback: 401 without a token, 403 for an agent, 200 for an admin', async () => {
    const from = { remoteAddress: '10.1.2.3' };
    expect((await s.app.inject({ method: 'GET', url: '/metrics', ...from })).statusCode).toBe(401);
    const agent = await agentWithToken(s, 'Metrics Agent');
    expect((await s.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${agent.token}` }, ...from })).statusCode).toBe(403);
    const ok = await s.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${s.apiToken}` }, ...from });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/threadline_webhook_duration_seconds_bucket/);
  });
});
