// The simulator's memory is bounded: sent messages, reads, deliveries and media keep their latest
// entries only, at caps a test can lower. Also what a sent item shows (template, media id).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MediaTooLargeError, SimulatorState, sentExtras, sentView } from '../../whatsapp/simulator/state.js';

const sendTo = (state: SimulatorState, to: string, body: Record<string, unknown> = { type: 'text', text: { body: 'hi' } }) =>
  state.record({ id: state.newMessageId(), phoneNumberId: '1', to, waId: to, type: String(body.type), text: 'hi', ...sentExtras(body), body, at: new Date().toISOString() });

describe('SimulatorState limits', () => {
  it('defaults: 10,000 sent / reads / deliveries, 128 MiB of media, 16 MiB an item', () => {
    expect(DEFAULT_LIMITS).toEqual({
      sentMessages: 10_000,
      reads: 10_000,
      deliveries: 10_000,
      mediaBytes: 128 * 1024 * 1024,
      mediaItems: 10_000,
      mediaItemBytes: 16 * 1024 * 1024,
    });
    expect(new SimulatorState().limits).toEqual(DEFAULT_LIMITS);
    expect(() => new SimulatorState({ sentMessages: 0 })).toThrow(/sentMessages must be a positive integer/);
    expect(() => new SimulatorState({ mediaBytes: 1.5 })).toThrow(/mediaBytes/);
  });

  it('keeps the latest sent messages; seq keeps counting; evicted ones are not found', () => {
    const state = new SimulatorState({ sentMessages: 3 });
    const sent = Array.from({ length: 5 }, (_, i) => sendTo(state, i % 2 ? '966500000001' : '966500000002'));
    expect(state.sent().map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(state.sent({ since: 3 }).map((m) => m.seq)).toEqual([4, 5]);
    expect(state.sent({ to: '+966 50 000 0002' }).map((m) => m.seq)).toEqual([3, 5]);
    expect(state.find(sent[0]!.id)).toBeUndefined();
    expect(state.find(sent[1]!.id)).toBeUndefined();
    expect(state.find(sent[4]!.id)).toBe(sent[4]);
    expect(sendTo(state, '1').seq).toBe(6);
  });

  it('keeps the latest reads and deliveries', () => {
    const state = new SimulatorState({ reads: 2, deliveries: 3 });
    for (let i = 0; i < 5; i++) {
      state.recordRead({ phoneNumberId: '1', messageId: `wamid.${i}`, typingIndicator: false, at: '' });
      state.recordDelivery({ url: 'u', what: `inbound:${i}`, attempts: 1, httpStatus: 200, ok: true, at: '' });
    }
    expect(state.reads().map((r) => r.messageId)).toEqual(['wamid.3', 'wamid.4']);
    expect(state.deliveries().map((d) => d.what)).toEqual(['inbound:2', 'inbound:3', 'inbound:4']);
  });

  it('media: hex sha256 and size; the oldest is evicted for room, by bytes and by count; one item is capped', () => {
    const state = new SimulatorState({ mediaBytes: 1000, mediaItems: 3, mediaItemBytes: 600 });
    const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);
    const a = state.putMedia(bytes(400, 1), 'image/jpeg');
    expect(a).toMatchObject({ mimeType: 'image/jpeg', size: 400, sha256: createHash('sha256').update(bytes(400, 1)).digest('hex') });
    expect(a.id).toMatch(/^[1-9]\d{15}$/);
    const b = state.putMedia(bytes(400, 2), 'image/png', 'b.png');
    expect(state.mediaUsage()).toEqual({ items: 2, bytes: 800 });
    const c = state.putMedia(bytes(400, 3), 'image/png');
    // 1200 > 1000: the oldest (a) goes.
    expect(state.media(a.id)).toBeUndefined();
    expect(state.media(b.id)?.filename).toBe('b.png');
    expect(state.media(c.id)?.bytes.equals(bytes(400, 3))).toBe(true);
    expect(state.mediaUsage()).toEqual({ items: 2, bytes: 800 });

    expect(() => state.putMedia(bytes(601, 4), 'image/png')).toThrow(MediaTooLargeError);
    expect(state.mediaUsage()).toEqual({ items: 2, bytes: 800 });

    // By count: three small ones push b and c out.
    const small = [1, 2, 3].map((i) => state.putMedia(bytes(10, i), 'text/plain'));
    expect(state.media(b.id)).toBeUndefined();
    expect(state.media(c.id)).toBeUndefined();
    expect(small.every((m) => state.media(m.id))).toBe(true);
    expect(state.mediaUsage()).toEqual({ items: 3, bytes: 30 });

    expect(state.deleteMedia(small[0]!.id)).toBe(true);
    expect(state.deleteMedia(small[0]!.id)).toBe(false);
    expect(state.mediaUsage()).toEqual({ items: 2, bytes: 20 });
    state.reset();
    expect(state.mediaUsage()).toEqual({ items: 0, bytes: 0 });
  });

  it('stores its own copy of the bytes', () => {
    const state = new SimulatorState();
    const buf = Buffer.from('original');
    const m = state.putMedia(buf, 'text/plain');
    buf.write('mutated!');
    expect(state.media(m.id)!.bytes.toString()).toBe('original');
  });
});

describe('sent items', () => {
  it('a template send carries the template; a media send its media id; text only when there is one', () => {
    const state = new SimulatorState();
    const tpl = { name: 'order_update', language: { code: 'ar', policy: 'deterministic' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }] };
    expect(sentExtras({ type: 'template', template: tpl })).toEqual({ template: tpl });
    expect(sentExtras({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })).toEqual({
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    for (const type of ['image', 'document', 'audio', 'video', 'sticker']) {
      expect(sentExtras({ type, [type]: { id: '1234567890' } })).toEqual({ mediaId: '1234567890' });
    }
    expect(sentExtras({ type: 'image', image: { link: 'https://example.com/a.jpg' } })).toEqual({});
    expect(sentExtras({ type: 'text', text: { body: 'hi' } })).toEqual({});

    const m = sendTo(state, '966500000001', { type: 'image', image: { id: '42' } });
    expect(sentView(m)).toMatchObject({ id: m.id, to: '966500000001', type: 'image', text: 'hi', mediaId: '42', at: m.at, seq: 1 });
    expect('text' in sentView({ ...m, text: null })).toBe(false);
  });
});
