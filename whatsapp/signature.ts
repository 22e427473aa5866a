// X-Hub-Signature-256: HMAC-SHA256 of the raw body with the App Secret, hex, prefixed `sha256=`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signBody(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** True when the header matches the body under any of the secrets (several during rotation). */
export function verifySignature(body: Buffer, header: string | undefined, appSecrets: readonly string[]): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length).trim(), 'hex');
  if (given.length !== 32) return false;
  let ok = false;
  for (const secret of appSecrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    // No early exit: every secret is checked, in constant time each.
    if (timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** The header's form (`sha256=` and 64 hex digits), checked before the body is read at all. */
export function signatureHeaderWellFormed(header: string | string[] | undefined): boolean {
  return typeof header === 'string' && /^sha256=[0-9a-fA-F]{64}$/.test(header.trim());
}
