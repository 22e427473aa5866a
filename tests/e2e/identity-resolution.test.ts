// Identity on real parts: contacts created through the API with phones as people type them are
// found by the first WhatsApp message from any form of the number; Brazil's two forms end in one
// contact and one conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPED_CASES } from '../fixtures/phone-cases.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';
import { phoneVariants } from '../../domain/phone.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.stop();
});

async function stored(id: string) {
  return eventually(async () => {
    const r = await s.api(`/api/v1/messages/${id}`);
    return r.status === 200 ? r.json : undefined;
  }, 10_000);
}

/** One contact per distinct number; every typed form of that number and its wa_id forms must reach it. */
const groups = new Map<string, typeof TYPED_CASES>();
for (const c of TYPED_CASES) groups.set(c.e164, [...(groups.get(c.e164) ?? []), c]);

describe('typed phones and WhatsApp ids resolve to the expected contact', () => {
  it(`covers at least 40 cases across at least 10 countries`, () => {
    expect(TYPED_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(TYPED_CASES.map((c) => c.iso)).size).toBeGreaterThanOrEqual(10);
  });

  it('each typed form finds its contact, and the first WhatsApp message from any form of the number joins it', async () => {
    let checked = 0;
    for (const [e164, cases] of groups) {
      // Created from a form whose country (if any) is the number's own, so the `country` filter agrees.
      const first = cases.find((c) => !c.country || c.country.toUpperCase() === c.iso) ?? cases[0]!;
      const created = await s.api('/api/v1/contacts', {
        method: 'POST',
        body: JSON.stringify({ name: `Buyer ${e164}`, phone: first.input, ...(first.country ? { country: first.country } : {}) }),
      });
      expect(created.status, `${first.input}: ${JSON.stringify(created.json)}`).toBe(201);
      const contact = created.json.data ?? created.json;
      expect(contact.phone, first.input).toBe(e164);

      for (const c of cases) {
        if (c.country && c.country.toUpperCase() !== (contact.country ?? c.iso)) continue; // typed from abroad: a filter on country would exclude it
        const q = new URLSearchParams({ phone: c.input, ...(c.country ? { country: c.country } : {}) });
        const found = await s.api(`/api/v1/contacts?${q}`);
        expect(found.status, c.input).toBe(200);
        expect(found.json.data.map((x: any) => x.id), `${c.input} (${c.note ?? c.iso})`).toContain(contact.id);
        checked++;
      }

      // WhatsApp may send any form of the number (Brazil's missing 9, Mexico's 521...).
      const variants = phoneVariants(e164);
      const waId = variants[variants.length - 1]!;
      const msg = textMessageBody({ from: waId, text: `hello from ${waId}` });
      expect((await postWebhook(s.baseUrl, msg.body, s.appSecret)).status).toBe(200);
      const m = await stored(msg.id);
      expect(m.contactId, `${e164} via wa_id ${waId}`).toBe(contact.id);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(40);
  });

  it("Brazil's two forms of one number: one contact, one conversation", async () => {
    const withNine = textMessageBody({ from: '5521987651234', text: 'oi, quanto custa?' });
    const withoutNine = textMessageBody({ from: '552187651234', text: 'para 20 unidades' });
    expect((await postWebhook(s.baseUrl, withNine.body, s.appSecret)).status).toBe(200);
    const a = await stored(withNine.id);
    expect((await postWebhook(s.baseUrl, withoutNine.body, s.appSecret)).status).toBe(200);
    const b = await stored(withoutNine.id);
    expect(b.contactId).toBe(a.contactId);
    expect(b.conversationId).toBe(a.conversationId);
    const contact = await s.api(`/api/v1/contacts/${a.contactId}`);
    const ids = (contact.json.data ?? contact.json).identities.filter((i: any) => i.kind === 'wa_id').map((i: any) => i.value).sort();
    expect(ids).toEqual(['552187651234', '5521987651234']);
  });

  it('a contact typed as a local number with its country is matched by its first WhatsApp message', async () => {
    const created = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: 'Omar', phone: '010 2345 6789', country: 'EG' }) });
    expect(created.status).toBe(201);
    const id = (created.json.data ?? created.json).id;
    const msg = textMessageBody({ from: '201023456789', text: 'السلام عليكم' });
    expect((await postWebhook(s.baseUrl, msg.body, s.appSecret)).status).toBe(200);
    expect((await stored(msg.id)).contactId).toBe(id);
  });

  it('a local number without a country is refused with 422 naming country', async () => {
    const r = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: 'No Country', phone: '050 123 4567' }) });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.json.error)).toContain('country');
  });
});
