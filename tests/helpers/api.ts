// What the HTTP scenario tests share: a buyer's text through the signed webhook (waited for until
// stored), a JSON POST with the admin token or another one, an agent with its own token.
import { expect } from 'vitest';
import type { Stack } from './stack.js';
import { eventually, postWebhook, textMessageBody } from './webhooks.js';

/** A buyer's text through the webhook; resolves with the stored message (`conversationId` among its fields). */
export async function inbound(s: Stack, from: string, text: string) {
  const m = textMessageBody({ from, text });
  expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
  return eventually(async () => {
    const r = await s.api(`/api/v1/messages/${m.id}`);
    return r.status === 200 ? r.json : undefined;
  });
}

/** POST a JSON body, with the admin token or `token`. */
export const post = (s: Stack, path: string, body: unknown, token?: string) =>
  s.api(path, { method: 'POST', body: JSON.stringify(body), ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });

/** An agent of team sales and an agent token for it. */
export async function agentWithToken(s: Stack, name: string) {
  const r = await post(s, '/api/v1/agents', { name, team: 'sales', languages: ['ar', 'en'], capacity: 5 });
  expect(r.status).toBe(201);
  const id = (r.json.data ?? r.json).id as string;
  const t = await post(s, '/api/v1/tokens', { role: 'agent', agentId: id });
  expect(t.status).toBe(201);
  return { id, token: t.json.token as string };
}
