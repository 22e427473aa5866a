// Ids and paging cursors, one copy for the API and the store. Pure: no Buffer, no `node:` imports.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our row ids are UUIDs: anything else names no row (and must not reach a uuid column). */
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

/** A keyset position in a list ordered newest first on (created_at, id). */
export interface Cursor {
  createdAt: Date;
  id: string;
}

/** An opaque cursor from its parts: base64url (unpadded) of `part|part|...`. */
export function packCursor(parts: readonly string[]): string {
  return toBase64Url(new TextEncoder().encode(parts.join('|')));
}

/** The parts of a cursor; null when it is not base64url text. */
export function unpackCursor(cursor: string): string[] | null {
  const bytes = fromBase64Url(cursor);
  return bytes ? new TextDecoder().decode(bytes).split('|') : null;
}

export function encodeCursor(row: Cursor): string {
  return packCursor([row.createdAt.toISOString(), row.id]);
}

/** The position a previous page handed out; null for anything else. */
export function decodeCursor(cursor: string): Cursor | null {
  const parts = unpackCursor(cursor);
  if (!parts || parts.length !== 2) return null;
  const [at, id] = parts as [string, string];
  const createdAt = new Date(at);
  if (!isUuid(id) || Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id: id.toLowerCase() };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6)); // 1 byte -> 2 chars, 2 -> 3, 3 -> 4
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

function fromBase64Url(text: string): Uint8Array | null {
  const s = text.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const chunk = s.slice(i, i + 4);
    let n = 0;
    for (let k = 0; k < 4; k++) n = (n << 6) | (k < chunk.length ? ALPHABET.indexOf(chunk[k]!) : 0);
    for (let k = 0; k < chunk.length - 1; k++) out[o++] = (n >> (16 - 8 * k)) & 255;
  }
  return out;
}
