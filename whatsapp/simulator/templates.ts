// The message templates of the simulated WhatsApp Business Account, as `GET /{waba-id}/message_templates`
// lists them: the few a shop would have (approved, one pending, one rejected so a status filter shows).
export interface SimTemplate {
  id: string;
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
  category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
  components: unknown[];
}

const body = (text: string, examples?: string[]) => ({
  type: 'BODY',
  text,
  ...(examples ? { example: { body_text: [examples] } } : {}),
});

export const DEFAULT_TEMPLATES: readonly SimTemplate[] = [
  { id: '1409720176497441', name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'HEADER', format: 'TEXT', text: 'Hello World' }, body('Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta.'), { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' }] },
  { id: '1409720176497442', name: 'order_update', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [body('Hi {{1}}, your order {{2}} is on its way.', ['Sara', '#1042'])] },
  { id: '1409720176497443', name: 'order_update', language: 'ar', status: 'APPROVED', category: 'UTILITY', components: [body('مرحبا {{1}}، طلبك {{2}} في الطريق.', ['سارة', '#1042'])] },
  { id: '1409720176497444', name: 'check_in', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [body('Hi {{1}}, just checking in: is there anything else we can help with?', ['Sara'])] },
  { id: '1409720176497445', name: 'check_in', language: 'ar', status: 'APPROVED', category: 'UTILITY', components: [body('مرحبا {{1}}، هل يمكننا مساعدتك في شيء آخر؟', ['سارة'])] },
  { id: '1409720176497446', name: 'intro_offer', language: 'en', status: 'PENDING', category: 'MARKETING', components: [body('Welcome! Here is 10% off your first order: {{1}}', ['WELCOME10'])] },
  { id: '1409720176497447', name: 'summer_sale', language: 'en', status: 'REJECTED', category: 'MARKETING', components: [body('Summer sale: everything must go!')] },
];

/** One page of templates, Graph style: `data`, and `paging.cursors` with `next` while more remain. */
export function templatesPage(
  all: readonly SimTemplate[],
  query: URLSearchParams,
  selfUrl: string,
): { data: Array<Partial<SimTemplate>>; paging: { cursors: { before: string; after: string }; next?: string } } | { error: string } {
  const status = query.get('status');
  const name = query.get('name');
  const language = query.get('language');
  const category = query.get('category');
  const limitRaw = query.get('limit');
  const limit = limitRaw === null ? 25 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { error: `limit must be an integer from 1 to 1000, got ${JSON.stringify(limitRaw)}` };
  const afterRaw = query.get('after');
  const start = afterRaw === null ? 0 : Number.parseInt(Buffer.from(afterRaw, 'base64url').toString('utf8'), 10) + 1;
  if (!Number.isInteger(start) || start < 0) return { error: 'after is not a cursor this API issued' };
  const fields = query.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean);
  const matching = all.filter(
    (t) =>
      (!status || status.split(',').includes(t.status)) &&
      (!name || t.name.includes(name)) &&
      (!language || t.language === language) &&
      (!category || t.category === category),
  );
  const slice = matching.slice(start, start + limit);
  const cursor = (i: number) => Buffer.from(String(i)).toString('base64url');
  const pick = (t: SimTemplate) => (fields ? Object.fromEntries(['id', ...fields].filter((f) => f in t).map((f) => [f, t[f as keyof SimTemplate]])) : { ...t });
  const next = new URL(selfUrl);
  next.searchParams.set('after', cursor(start + slice.length - 1));
  return {
    data: slice.map(pick),
    paging: {
      cursors: { before: cursor(start), after: cursor(start + Math.max(0, slice.length - 1)) },
      ...(start + slice.length < matching.length ? { next: next.toString() } : {}),
    },
  };
}
