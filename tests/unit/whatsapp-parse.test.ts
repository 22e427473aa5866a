// The Cloud API webhook parser against realistic bodies (tests/fixtures/webhooks, built from Meta's
// webhook reference): every event found, with its type, text, sender and extra fields.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InboundMessageEvent, StatusEvent } from '../../whatsapp/events.js';
import { conversationWorkflowId } from '../../whatsapp/events.js';
import { parseWebhook, syntheticMessageId, textOf, uniqueEvents, WebhookBodyError } from '../../whatsapp/parse.js';

const FIXTURES = new URL('../fixtures/webhooks/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));

const PNID = '106540352242922';
const USER = '16505551234';
const SHEENA = { waId: USER, profileName: 'Sheena Nelson' };

function messages(name: string): InboundMessageEvent[] {
  const parsed = parseWebhook(fixture(name));
  expect(parsed.invalid).toEqual([]);
  return parsed.events.filter((e): e is InboundMessageEvent => e.kind === 'message');
}
function onlyMessage(name: string): InboundMessageEvent {
  const parsed = parseWebhook(fixture(name));
  expect(parsed.invalid).toEqual([]);
  expect(parsed.events).toHaveLength(1);
  const ev = parsed.events[0]!;
  expect(ev.kind).toBe('message');
  return ev as InboundMessageEvent;
}
function onlyStatus(name: string): StatusEvent {
  const parsed = parseWebhook(fixture(name));
  expect(parsed.invalid).toEqual([]);
  expect(parsed.events).toHaveLength(1);
  const ev = parsed.events[0]!;
  expect(ev.kind).toBe('status');
  return ev as StatusEvent;
}

describe('every fixture', () => {
  const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  it.each(names)('%s parses; every message keeps its original object as raw', (name) => {
    const body = fixture(name) as any;
    const parsed = parseWebhook(body);
    const rawMessages: unknown[] = [];
    let statusCount = 0;
    for (const entry of body.entry) {
      for (const change of entry.changes ?? []) {
        if (change.field !== 'messages') continue;
        rawMessages.push(...(change.value.messages ?? []));
        statusCount += (change.value.statuses ?? []).length;
      }
    }
    const msgs = parsed.events.filter((e) => e.kind === 'message');
    expect(msgs.map((m) => m.raw)).toEqual(rawMessages);
    msgs.forEach((m, i) => expect(m.raw).toBe(rawMessages[i]));
    expect(parsed.events.length + parsed.invalid.length).toBe(rawMessages.length + statusCount);
    // Plain data: survives the JSON round trip of a Temporal signal unchanged.
    expect(JSON.parse(JSON.stringify(parsed.events))).toEqual(parsed.events);
  });
});

describe('message types', () => {
  it('text', () => {
    const ev = onlyMessage('text');
    expect(ev).toMatchObject({
      kind: 'message',
      waMessageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      phoneNumberId: PNID,
      displayPhoneNumber: '15550783881',
      type: 'text',
      text: 'Does it come in another color?',
      at: new Date(1749416383 * 1000).toISOString(),
    });
    expect(ev.sender).toEqual(SHEENA);
    expect(ev.syntheticId).toBeUndefined();
    expect(ev.unsupportedReason).toBeUndefined();
    expect(conversationWorkflowId(ev.phoneNumberId, ev.sender)).toBe(`wa:${PNID}:${USER}`);
  });

  it('image: caption as text, media fields', () => {
    const ev = onlyMessage('image');
    expect(ev).toMatchObject({
      type: 'image',
      text: 'This is the damaged box',
      mediaId: '1003383421387256',
      mimeType: 'image/jpeg',
      sha256: 'SfInY0gHcJ4xKfC0oTd6ZmAbs6FzT7DVbeKMpGxrC7A=',
    });
    expect(ev.mediaUrl).toMatch(/^https:\/\/lookaside\.fbsbx\.com\//);
    expect(ev.sender).toEqual(SHEENA);
  });

  it('audio: a voice note, no text', () => {
    const ev = onlyMessage('audio');
    expect(ev).toMatchObject({ type: 'audio', text: null, mediaId: '1931488947626185', mimeType: 'audio/ogg; codecs=opus', voice: true });
  });

  it('video', () => {
    expect(onlyMessage('video')).toMatchObject({ type: 'video', text: 'How it arrived', mediaId: '1132149785287398', mimeType: 'video/mp4' });
  });

  it('document: caption, filename', () => {
    expect(onlyMessage('document')).toMatchObject({
      type: 'document',
      text: 'Invoice for order 4417',
      mediaId: '1266426304788224',
      mimeType: 'application/pdf',
      filename: 'invoice-4417.pdf',
    });
  });

  it('document without caption: the filename is the text', () => {
    const body = fixture('document') as any;
    delete body.entry[0].changes[0].value.messages[0].document.caption;
    expect(parseWebhook(body).events[0]).toMatchObject({ type: 'document', text: 'invoice-4417.pdf' });
  });

  it('sticker', () => {
    expect(onlyMessage('sticker')).toMatchObject({ type: 'sticker', text: null, mediaId: '1288563625651229', mimeType: 'image/webp', animated: false });
  });

  it('location: name and address as text', () => {
    const ev = onlyMessage('location');
    expect(ev).toMatchObject({ type: 'location', text: 'Philz Coffee, 101 Forest Ave, Palo Alto, CA 94301' });
    expect(ev.location).toEqual({
      latitude: 37.44216251868683,
      longitude: -122.16153582049394,
      name: 'Philz Coffee',
      address: '101 Forest Ave, Palo Alto, CA 94301',
      url: 'https://philzcoffee.com',
    });
  });

  it('contacts: the names as text, phones and wa_ids kept', () => {
    const ev = onlyMessage('contacts');
    expect(ev).toMatchObject({ type: 'contacts', text: 'Barbara J. Johnson, Pablo Morales' });
    expect(ev.sharedContacts).toEqual([
      { name: 'Barbara J. Johnson', phones: ['+1 (940) 555-1234', '+1 (650) 555-1234'], waIds: ['19405551234'] },
      { name: 'Pablo Morales', phones: ['+1 (415) 555-0123'], waIds: ['14155550123'] },
    ]);
    expect(ev.sender).toEqual(SHEENA);
  });

  it('interactive button_reply: the title as text, a reply to the business message', () => {
    const ev = onlyMessage('interactive-button-reply');
    expect(ev).toMatchObject({ type: 'interactive', text: 'Yes, deliver it' });
    expect(ev.interactive).toEqual({ type: 'button_reply', id: 'confirm-delivery', title: 'Yes, deliver it' });
    expect(ev.context).toEqual({ replyToFrom: '15550783881', replyToId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIyRjk4N0I2QjU2NDQ4Rjg5QjIA' });
  });

  it('interactive list_reply', () => {
    const ev = onlyMessage('interactive-list-reply');
    expect(ev).toMatchObject({ type: 'interactive', text: 'Express Shipping' });
    expect(ev.interactive).toEqual({ type: 'list_reply', id: 'priority_express', title: 'Express Shipping', description: 'Next Day to 2 Days' });
  });

  it('interactive nfm_reply (Flows)', () => {
    const ev = onlyMessage('interactive-nfm-reply');
    expect(ev).toMatchObject({ type: 'interactive', text: 'Sent' });
    expect(ev.interactive?.type).toBe('nfm_reply');
    expect(ev.interactive?.flowName).toBe('flow');
    expect(JSON.parse(ev.interactive!.responseJson!)).toMatchObject({ screen_0_Notes_1: 'Leave at the door' });
  });

  it('button (template quick reply)', () => {
    const ev = onlyMessage('button');
    expect(ev).toMatchObject({ type: 'button', text: 'Stop promotions', button: { payload: 'STOP_PROMOTIONS', text: 'Stop promotions' } });
    expect(ev.context?.replyToId).toBe('wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA');
  });

  it('reaction, and a removed reaction (no emoji)', () => {
    const [added, removed] = messages('reaction');
    const target = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJDQkYzN0U1NjQ5NzYyQUExQTUA';
    expect(added).toMatchObject({ type: 'reaction', text: '\u{1F44D}', reaction: { messageId: target, emoji: '\u{1F44D}' } });
    expect(removed).toMatchObject({ type: 'reaction', text: null });
    expect(removed!.reaction).toEqual({ messageId: target });
  });

  it('order', () => {
    const ev = onlyMessage('order');
    expect(ev).toMatchObject({ type: 'order', text: 'Please deliver before 6 pm' });
    expect(ev.order).toEqual({
      catalogId: '194836987003835',
      text: 'Please deliver before 6 pm',
      items: [
        { productRetailerId: 'di9ozbzfi4', quantity: 2, itemPrice: 30, currency: 'USD' },
        { productRetailerId: 'nqryix03ez', quantity: 1, itemPrice: 25.5, currency: 'USD' },
      ],
    });
  });

  it('system: user_changed_number, no contacts array', () => {
    const ev = onlyMessage('system-user-changed-number');
    expect(ev).toMatchObject({
      type: 'system',
      text: `User Sheena Nelson changed from ${USER} to 12195555358`,
      systemType: 'user_changed_number',
      newWaId: '12195555358',
    });
    expect(ev.sender).toEqual({ waId: USER }); // the old number: its conversation learns the new one
  });

  it('system: user_changed_number with new_wa_id', () => {
    const body = fixture('system-user-changed-number') as any;
    const sys = body.entry[0].changes[0].value.messages[0].system;
    sys.new_wa_id = sys.wa_id;
    delete sys.wa_id;
    expect(parseWebhook(body).events[0]).toMatchObject({ type: 'system', newWaId: '12195555358' });
  });

  it('system: user_changed_user_id', () => {
    const ev = onlyMessage('system-user-changed-user-id');
    expect(ev).toMatchObject({ type: 'system', systemType: 'user_changed_user_id', newUserId: 'US.20597331480027714455' });
    expect(ev.sender).toEqual({ userId: 'US.13491208655302741918' });
  });

  it('unsupported (from WhatsApp) with its errors', () => {
    const ev = onlyMessage('unsupported');
    expect(ev).toMatchObject({ type: 'unsupported', text: null, sender: SHEENA });
    expect(ev.errors).toEqual([
      { code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' },
    ]);
    expect(ev.unsupportedReason).toContain('131051');
    expect(ev.declaredType).toBeUndefined();
  });

  it('unknown (older name of unsupported)', () => {
    const ev = onlyMessage('unknown');
    expect(ev).toMatchObject({ type: 'unsupported', declaredType: 'unknown', text: null });
    expect(ev.errors?.[0]).toMatchObject({ code: 131051, title: 'Unsupported message type' });
  });

  it('referral (click-to-WhatsApp ad)', () => {
    const ev = onlyMessage('referral');
    expect(ev).toMatchObject({ type: 'text', text: 'Can I get more info about this?' });
    expect(ev.referral).toEqual({
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      sourceId: '120226305854810726',
      sourceType: 'ad',
      headline: 'Chat with us',
      body: 'Summer succulents are here! Order before Friday for free delivery.',
      mediaType: 'image',
      imageUrl: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/518949200_n.png',
      ctwaClid: expect.stringMatching(/^Aff-/),
      welcomeMessageText: 'Hi there! Let us know how we can help.',
    });
  });

  it('context: reply, forwarded, frequently forwarded, product inquiry', () => {
    const [reply, fwd, freq, product] = messages('context');
    expect(reply!.context).toEqual({ replyToId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3MDQzMzVFRTdBNDBBQUE3RjAA', replyToFrom: '15550783881' });
    expect(reply!.text).toBe('Yes, the blue one please');
    expect(fwd!.context).toEqual({ forwarded: true });
    expect(freq!).toMatchObject({ type: 'image', text: null, context: { frequentlyForwarded: true } });
    expect(product!.context).toEqual({
      replyToId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI4Q0Y5OTFEQ0FGNzJGMzA5NjEA',
      replyToFrom: '15550783881',
      referredProduct: { catalogId: '194836987003835', productRetailerId: 'di9ozbzfi4' },
    });
  });
});

describe('statuses', () => {
  const OUT = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3NkQ0MkIwNUNFODk3MUExMzQA';

  it('sent, with conversation and pricing', () => {
    const ev = onlyStatus('status-sent');
    expect(ev).toMatchObject({
      kind: 'status',
      waMessageId: OUT,
      phoneNumberId: PNID,
      status: 'sent',
      recipientId: USER,
      at: new Date(1750263773 * 1000).toISOString(),
      bizOpaqueCallbackData: 'campaign=summer-26',
    });
    expect(ev.conversation).toEqual({
      id: 'CONVERSATION_ID_6a1d9c35f2d4e1b8',
      originType: 'marketing',
      expiresAt: new Date(1750350180 * 1000).toISOString(),
    });
    expect(ev.pricing).toEqual({ billable: true, pricingModel: 'PMP', category: 'marketing', type: 'regular' });
    expect(ev.recipient).toEqual({ waId: USER, userId: 'US.13491208655302741918' });
    expect(ev.errorCode).toBeUndefined();
  });

  it('delivered', () => {
    const ev = onlyStatus('status-delivered');
    expect(ev).toMatchObject({ status: 'delivered', recipientId: USER, conversation: { originType: 'marketing' } });
    expect(ev.conversation?.expiresAt).toBeUndefined();
  });

  it('read, with the recipient user id and username', () => {
    const ev = onlyStatus('status-read');
    expect(ev).toMatchObject({ status: 'read', recipientId: USER });
    expect(ev.recipient).toEqual({ waId: USER, userId: 'US.13491208655302741918', username: '@sheena', profileName: 'Sheena Nelson' });
  });

  it('failed, with its errors', () => {
    const ev = onlyStatus('status-failed');
    expect(ev).toMatchObject({ status: 'failed', errorCode: 131050 });
    expect(ev.errorTitle).toMatch(/^Unable to deliver the message/);
    expect(ev.errors).toHaveLength(1);
    expect(ev.errors![0]).toMatchObject({
      code: 131050,
      details: expect.stringMatching(/stop receiving marketing messages/),
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    });
  });
});

describe('senders', () => {
  it('user_id only (business-scoped user id, username, no phone)', () => {
    const ev = onlyMessage('user-id-only');
    expect(ev.sender).toEqual({
      userId: 'US.13491208655302741918',
      parentUserId: 'US.ENT.11815799212886844830',
      username: '@maria.lopez',
      profileName: 'Maria Lopez',
    });
    expect(ev.text).toBe('Hi! Saw your shop on Instagram');
    expect(conversationWorkflowId(ev.phoneNumberId, ev.sender)).toBe(`wa:${PNID}:US.13491208655302741918`);
  });

  it('both phone and user id', () => {
    const ev = onlyMessage('user-id-and-phone');
    expect(ev.sender).toEqual({ waId: '5215512345678', userId: 'MX.8890123456789012345', username: '@jorge.r', profileName: 'Jorge Ramírez' });
  });

  it('a message is matched to its own contacts[] entry (by wa_id or user_id)', () => {
    const body = fixture('mixed');
    const [a, b] = parseWebhook(body).events as InboundMessageEvent[];
    expect(a!.sender).toEqual(SHEENA);
    expect(b!.sender).toEqual({ waId: '19405551234', profileName: 'Barbara Johnson' });

    const byUserId = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: {
        metadata: { phone_number_id: PNID },
        contacts: [
          { user_id: 'US.1', profile: { name: 'One', username: '@one' } },
          { user_id: 'US.2', wa_id: '222', profile: { name: 'Two' } },
        ],
        messages: [
          { from_user_id: 'US.2', id: 'm2', timestamp: '1780000000', type: 'text', text: { body: 'two' } },
          { from_user_id: 'US.1', id: 'm1', timestamp: '1780000000', type: 'text', text: { body: 'one' } },
        ],
      } }] }],
    };
    const [two, one] = parseWebhook(byUserId).events as InboundMessageEvent[];
    expect(two!.sender).toEqual({ userId: 'US.2', waId: '222', profileName: 'Two' });
    expect(one!.sender).toEqual({ userId: 'US.1', username: '@one', profileName: 'One' });
  });

  it('the only contact is not taken when it names someone else', () => {
    const body = fixture('text') as any;
    body.entry[0].changes[0].value.contacts[0].wa_id = '19999999999';
    expect((parseWebhook(body).events[0] as InboundMessageEvent).sender).toEqual({ waId: USER });
  });

  it('a username at the top of the contact is read too', () => {
    const body = fixture('user-id-only') as any;
    const c = body.entry[0].changes[0].value.contacts[0];
    delete c.profile.username;
    c.username = '@top.level';
    expect((parseWebhook(body).events[0] as InboundMessageEvent).sender.username).toBe('@top.level');
  });
});

describe('bodies', () => {
  it('multi-entry: every message of every change of every entry, other fields acknowledged', () => {
    const parsed = parseWebhook(fixture('multi-entry'));
    expect(parsed.invalid).toEqual([]);
    expect(parsed.otherFields).toEqual(['message_template_status_update']);
    const evs = parsed.events as InboundMessageEvent[];
    expect(evs.map((e) => [e.phoneNumberId, e.type, e.text, e.sender.waId])).toEqual([
      [PNID, 'text', 'First entry, first message', USER],
      ['114773921512334', 'text', 'Second entry, first message', '447700900123'],
      ['114773921512334', 'image', 'and a photo', '447700900123'],
    ]);
    expect(evs[1]!.displayPhoneNumber).toBe('447700900000');
    expect(evs[1]!.sender.profileName).toBe('Oliver Smith');
  });

  it('mixed: messages and statuses, repeats returned; uniqueEvents drops them', () => {
    const parsed = parseWebhook(fixture('mixed'));
    expect(parsed.invalid).toEqual([]);
    expect(parsed.otherFields).toEqual(['phone_number_quality_update']);
    expect(parsed.events.map((e) => `${e.kind}:${e.kind === 'status' ? e.status : e.type}`)).toEqual([
      'message:text', 'message:text', 'message:text', 'status:delivered', 'status:read', 'status:read',
    ]);
    const unique = uniqueEvents(parsed.events);
    expect(unique.map((e) => `${e.kind}:${e.waMessageId}:${e.kind === 'status' ? e.status : ''}`)).toEqual([
      'message:wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTExMTExMTExMTExMTExMTExMQA=:',
      'message:wamid.HBgLMTk0MDU1NTEyMzQVAgASGBQzQTIyMjIyMjIyMjIyMjIyMjIyMgA=:',
      'status:wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3NkQ0MkIwNUNFODk3MUExMzQA:delivered',
      'status:wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3NkQ0MkIwNUNFODk3MUExMzQA:read',
    ]);
    expect(unique[0]).toBe(parsed.events[0]); // first wins
    const delivered = parsed.events[3] as StatusEvent;
    expect(delivered.pricing).toEqual({ billable: false, pricingModel: 'PMP', category: 'service', type: 'free_customer_service' });
  });

  it('other fields only: acknowledged, no events, nothing invalid', () => {
    expect(parseWebhook(fixture('other-fields'))).toEqual({
      events: [],
      preferences: [],
      otherFields: ['account_update', 'message_template_status_update', 'phone_number_quality_update'],
      invalid: [],
    });
  });

  it('user_preferences: marketing stop and resume become preferences; an unreadable item is kept as invalid', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA',
          changes: [
            {
              field: 'user_preferences',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: 'Sara' }, wa_id: '966501234567' }],
                user_preferences: [
                  { wa_id: '966501234567', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: 1764000000 },
                  { wa_id: '966501234567', category: 'marketing_messages', value: 'resume', timestamp: 1764000100 },
                  { detail: 'no wa_id' },
                ],
              },
            },
          ],
        },
      ],
    };
    const parsed = parseWebhook(body);
    expect(parsed.preferences).toEqual([
      { phoneNumberId: '106540352242922', waId: '966501234567', category: 'marketing_messages', value: 'stop', at: '2025-11-24T16:00:00.000Z' },
      { phoneNumberId: '106540352242922', waId: '966501234567', category: 'marketing_messages', value: 'resume', at: '2025-11-24T16:01:40.000Z' },
    ]);
    expect(parsed.invalid).toHaveLength(1);
    expect(parsed.otherFields).toEqual([]);
  });

  it('malformed: everything kept, as unsupported or invalid', () => {
    const body = fixture('malformed') as any;
    const raw = body.entry[0].changes[0].value;
    const parsed = parseWebhook(body, { now: () => new Date('2026-01-01T00:00:00Z') });
    const evs = parsed.events as InboundMessageEvent[];
    expect(evs).toHaveLength(5);
    evs.forEach((e, i) => expect(e.raw).toBe(raw.messages[i]));

    const [noId, badImage, badType, noSender, notObject] = evs;
    expect(noId).toMatchObject({ type: 'text', text: 'I have no id', syntheticId: true, sender: { waId: USER } });
    expect(noId!.waMessageId).toBe(syntheticMessageId(raw.messages[0]));
    expect(noId!.waMessageId).toMatch(/^synthetic:[0-9a-f]{32}$/);
    expect(badImage).toMatchObject({ waMessageId: 'wamid.MALFORMED.IMAGE', type: 'unsupported', declaredType: 'image', text: null });
    expect(badImage!.unsupportedReason).toMatch(/^image\.id: /);
    expect(badType).toMatchObject({ type: 'unsupported', declaredType: 'hologram', unsupportedReason: "unknown message type 'hologram'" });
    expect(noSender).toMatchObject({ waMessageId: 'wamid.NO.SENDER', type: 'text', text: 'who am I?', sender: {} });
    expect(notObject).toMatchObject({ type: 'unsupported', syntheticId: true, sender: {}, at: '2026-01-01T00:00:00.000Z' });

    expect(parsed.invalid).toEqual([
      { reason: 'entry[0].changes[0].value.statuses[0]: a status needs an id', raw: raw.statuses[0] },
      { reason: 'entry[0].changes[0].value.statuses[1]: a status needs a status', raw: raw.statuses[1] },
      { reason: 'entry[0].changes[0].value.statuses[2]: not an object', raw: 42 },
    ]);
  });

  it('a synthetic id is the same on redelivery (key order does not matter)', () => {
    const a = parseWebhook(fixture('malformed')).events[0]!;
    const body = fixture('malformed') as any;
    const m = body.entry[0].changes[0].value.messages[0];
    body.entry[0].changes[0].value.messages[0] = Object.fromEntries(Object.entries(m).reverse());
    const b = parseWebhook(body).events[0]!;
    expect(b.waMessageId).toBe(a.waMessageId);
    const other = { ...m, text: { body: 'another text' } };
    expect(syntheticMessageId(other)).not.toBe(a.waMessageId);
  });

  it('broken entries, changes and values are reported, the rest is read', () => {
    const good = (fixture('text') as any).entry[0];
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        'nope',
        { id: '1', changes: 'nope' },
        { id: '2', changes: [null, { value: {} }, { field: 'messages', value: 'nope' }, { field: 'messages', value: { messages: {}, statuses: [] } }] },
        good,
      ],
    };
    const parsed = parseWebhook(body);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.events[0]).toMatchObject({ type: 'text', text: 'Does it come in another color?' });
    expect(parsed.invalid.map((i) => i.reason)).toEqual([
      'entry[0]: not an object',
      expect.stringMatching(/^entry\[1\]: changes: /),
      'entry[2].changes[0]: not an object',
      expect.stringMatching(/^entry\[2\]\.changes\[1\]: field: /),
      'entry[2].changes[2].value: not an object',
      'entry[2].changes[3].value.messages: not an array',
    ]);
  });

  it('an unusable timestamp falls back to now; phone number id unknown stays readable', () => {
    const now = () => new Date('2026-03-04T05:06:07Z');
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ changes: [{ field: 'messages', value: { messages: [
        { from: '1', id: 'a', timestamp: '1e300', type: 'text', text: { body: 'x' } },
        { from: '1', id: 'b', timestamp: 'yesterday', type: 'text', text: { body: 'y' } },
        { from: '1', id: 'c', timestamp: 1749416383, type: 'text', text: { body: 'z' } },
      ] } }] }],
    };
    const evs = parseWebhook(body, { now }).events;
    expect(evs.map((e) => e.at)).toEqual(['2026-03-04T05:06:07.000Z', '2026-03-04T05:06:07.000Z', new Date(1749416383000).toISOString()]);
    expect(evs[0]!.phoneNumberId).toBe('unknown');
  });

  it('statuses with a status WhatsApp may add later are kept as they are', () => {
    const body = fixture('status-read') as any;
    body.entry[0].changes[0].value.statuses[0].status = 'played';
    expect(parseWebhook(body).events[0]).toMatchObject({ kind: 'status', status: 'played' });
  });
});

describe('not a Cloud API body', () => {
  it.each([
    ['null', null, /\(root\)/],
    ['a string', 'hello', /\(root\)/],
    ['an array', [{ object: 'x', entry: [] }], /\(root\)/],
    ['no entry', { object: 'whatsapp_business_account' }, /entry/],
    ['entry not an array', { object: 'whatsapp_business_account', entry: {} }, /entry/],
    ['object not a string', { object: 1, entry: [] }, /object/],
  ])('%s -> WebhookBodyError naming the problem', (_name, body, pattern) => {
    let err: unknown;
    try {
      parseWebhook(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WebhookBodyError);
    expect((err as Error).message).toMatch(/^not a WhatsApp Cloud API webhook body: /);
    expect((err as Error).message).toMatch(pattern);
  });

  it('an empty entry list is a valid (empty) body', () => {
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: [] })).toEqual({ events: [], preferences: [], otherFields: [], invalid: [] });
  });
});

describe('textOf', () => {
  it('reads the human part of each type, null when malformed', () => {
    expect(textOf('text', { text: { body: 'hi' } })).toBe('hi');
    expect(textOf('button', { button: { payload: 'P' } })).toBe('P');
    expect(textOf('interactive', { interactive: { type: 'list_reply', list_reply: { id: '1', title: 'T' } } })).toBe('T');
    expect(textOf('system', { system: { body: 'changed' } })).toBe('changed');
    expect(textOf('text', { text: 'hi' })).toBeNull();
    expect(textOf('sticker', { sticker: { id: '1' } })).toBeNull();
    expect(textOf('nonsense', {})).toBeNull();
  });
});
