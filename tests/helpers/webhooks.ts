// Build Cloud API webhook bodies and post them signed, as Meta does.
import { signBody } from '../../whatsapp/signature.js';

let seq = 0;

/**
 * The business number of this test file. Test files share one Temporal namespace, and a workflow id
 * is `wa:<phone_number_id>:<sender>`: a number of its own keeps one file's conversations from
 * landing in another file's workflows (on another task queue and database).
 */
export const TEST_PHONE_NUMBER_ID = `1065${process.pid}${Math.floor(Math.random() * 1e6)}`;
export function uniqueId(prefix = 'wamid.T'): string {
  seq++;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${seq}`;
}

export interface TextMessageOpts {
  from: string;
  id?: string;
  text?: string;
  phoneNumberId?: string;
  name?: string;
  timestamp?: number;
}

export function textMessageBody(opts: TextMessageOpts) {
  const id = opts.id ?? uniqueId();
  const phoneNumberId = opts.phoneNumberId ?? TEST_PHONE_NUMBER_ID;
  return {
    id,
    body: {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
                contacts: [{ profile: { name: opts.name ?? 'Test Buyer' }, wa_id: opts.from }],
                messages: [
                  {
                    from: opts.from,
                    id,
                    timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: opts.text ?? 'Hello, how much for 20 units?' },
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  };
}

export async function postWebhook(baseUrl: string, body: unknown, appSecret: string, opts: { signature?: string } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${baseUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': opts.signature ?? signBody(raw, appSecret) },
    body: raw,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json: json as any, text };
}

/** Poll until `fn` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A Cloud API body with one `messages` change of this file's business number. */
export function messagesChangeBody(value: Record<string, unknown>, phoneNumberId = TEST_PHONE_NUMBER_ID) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA',
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}

/** A body with one delivery status for a message we sent. */
export function statusWebhookBody(waMessageId: string, status: string, opts: { recipient?: string; errors?: unknown[] } = {}) {
  return messagesChangeBody({
    statuses: [
      {
        id: waMessageId,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: opts.recipient ?? '966500000000',
        ...(opts.errors ? { errors: opts.errors } : {}),
      },
    ],
  });
}
