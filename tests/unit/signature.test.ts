import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../whatsapp/signature.js';

describe('X-Hub-Signature-256', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

  it('accepts the HMAC of the raw bytes under the app secret', () => {
    expect(signBody(body, 's3cret')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(body, signBody(body, 's3cret'), ['s3cret'])).toBe(true);
  });

  it('accepts any of several secrets during rotation', () => {
    expect(verifySignature(body, signBody(body, 'old'), ['new', 'old'])).toBe(true);
    expect(verifySignature(body, signBody(body, 'new'), ['new', 'old'])).toBe(true);
    expect(verifySignature(body, signBody(body, 'other'), ['new', 'old'])).toBe(false);
  });

  it('rejects missing, malformed and mismatched signatures and changed bytes', () => {
    expect(verifySignature(body, undefined, ['s'])).toBe(false);
    expect(verifySignature(body, '', ['s'])).toBe(false);
    expect(verifySignature(body, 'sha1=abc', ['s'])).toBe(false);
    expect(verifySignature(body, 'sha256=zz', ['s'])).toBe(false);
    const sig = signBody(body, 's');
    expect(verifySignature(Buffer.from(body.toString().replace('[]', '[ ]')), sig, ['s'])).toBe(false);
    expect(verifySignature(body, sig.toUpperCase().replace('SHA256=', 'sha256='), ['s'])).toBe(true); // hex case does not matter
  });
});
