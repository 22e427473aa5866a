// A buyer's media on the full stack: the worker fetches it through the Graph API (the simulator
// serves media as Meta does: metadata, then a download URL with the access token), keeps it, and an
// agent downloads the same bytes; a download that never works is recorded on the message.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, messagesChangeBody, postWebhook } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({});
});
afterAll(async () => {
  await s?.stop();
});

let n = 0;
function mediaMessage(from: string, type: 'image' | 'document', part: Record<string, unknown>) {
  const id = `wamid.MEDIA.${Date.now()}.${n++}`;
  return {
    id,
    body: messagesChangeBody({
      contacts: [{ profile: { name: 'Media Buyer' }, wa_id: from }],
      messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type, [type]: part }],
    }),
  };
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('media from buyers', () => {
  it('an image and a document are kept and an agent downloads the same bytes (sha256)', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(40_000)]);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(120_000)]);
    const img = s.simulator.uploadMedia(png, 'image/png');
    const doc = s.simulator.uploadMedia(pdf, 'application/pdf', { filename: 'invoice-1042.pdf' });
    const from = '966544500001';
    const m1 = mediaMessage(from, 'image', { id: img.id, mime_type: 'image/png', sha256: Buffer.from(img.sha256, 'hex').toString('base64'), caption: 'this one is broken' });
    const m2 = mediaMessage(from, 'document', { id: doc.id, mime_type: 'application/pdf', filename: 'invoice-1042.pdf' });
    for (const m of [m1, m2]) expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);

    for (const [m, bytes, type] of [[m1, png, 'image/png'], [m2, pdf, 'application/pdf']] as const) {
      const msg = await eventually(async () => {
        const r = await s.api(`/api/v1/messages/${m.id}`);
        return r.status === 200 && r.json.mediaRef ? r.json : undefined;
      }, 20_000);
      const res = await fetch(`${s.baseUrl}/api/v1/media/${msg.mediaRef}`, { headers: s.auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
      const got = Buffer.from(await res.arrayBuffer());
      expect(sha(got)).toBe(sha(bytes));
      expect(res.headers.get('x-content-sha256')).toBe(sha(bytes));
    }
    // Without a token: 401; unknown: 404.
    expect((await fetch(`${s.baseUrl}/api/v1/media/00000000-0000-4000-8000-000000000000`)).status).toBe(401);
    expect((await s.api('/api/v1/media/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('a download that never succeeds is retried, then recorded on the message; the conversation goes on', async () => {
    const from = '966544500002';
    // Media WhatsApp announced but the Graph API does not have: every attempt fails.
    const m = mediaMessage(from, 'image', { id: '999000111222333', mime_type: 'image/jpeg' });
    expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
    const msg = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${m.id}`);
      return r.status === 200 && r.json.mediaError ? r.json : undefined;
    }, 45_000);
    expect(msg.mediaError).toMatch(/media not downloaded after retries/);
    expect(msg.mediaRef).toBeNull();
    // Routed as usual.
    const conv = await eventually(async () => {
      const r = await s.api(`/api/v1/conversations/${msg.conversationId}`);
      return r.json.timeline.some((e: any) => e.kind === 'decision') ? r.json : undefined;
    }, 20_000);
    expect(conv.status).toBe('open');
  }, 90_000);

  it("an agent's image reply: uploaded, sent through the outbox, and the simulator holds the same bytes", async () => {
    const from = '966544500003';
    const text = mediaMessage(from, 'image', { id: s.simulator.uploadMedia(Buffer.from('GIF89a-hello'), 'image/gif').id, mime_type: 'image/gif' });
    expect((await postWebhook(s.baseUrl, text.body, s.appSecret)).status).toBe(200);
    const msg = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${text.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    const jpeg = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), randomBytes(30_000)]);
    const up = await fetch(`${s.baseUrl}/api/v1/media`, { method: 'POST', headers: { ...s.auth, 'content-type': 'image/jpeg' }, body: jpeg });
    expect(up.status).toBe(201);
    const uploaded = (await up.json()) as { id: string; sha256: string; size: number };
    expect(uploaded).toMatchObject({ sha256: sha(jpeg), size: jpeg.length, mimeType: 'image/jpeg' });
    // Bad uploads: JSON is not a file; an unknown media id in a reply is 422.
    expect((await fetch(`${s.baseUrl}/api/v1/media`, { method: 'POST', headers: { ...s.auth, 'content-type': 'application/json' }, body: '{}' })).status).toBe(415);
    const unknown = await s.api(`/api/v1/conversations/${msg.conversationId}/reply`, { method: 'POST', body: JSON.stringify({ mediaId: '00000000-0000-4000-8000-000000000000' }) });
    expect(unknown.status).toBe(422);

    const r = await s.api(`/api/v1/conversations/${msg.conversationId}/reply`, { method: 'POST', body: JSON.stringify({ mediaId: uploaded.id, text: 'Here is the replacement part' }) });
    expect(r.status).toBe(201);
    const sent = s.simulator.sent({ to: from }).find((m) => m.id === r.json.waMessageId);
    expect(sent).toMatchObject({ type: 'image' });
    const held = s.simulator.media(sent!.mediaId!);
    expect(held?.sha256).toBe(sha(jpeg));
  });
});
