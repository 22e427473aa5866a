// Ids and cursors (domain/ids.ts): the one copy the store and the API share.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isUuid, packCursor, unpackCursor } from '../../domain/ids.js';

const ID = '0b8e4c1e-5f0a-4d4b-9a57-3c1f2e9d7a10';
const AT = new Date('2026-03-01T12:00:00.123Z');

describe('isUuid', () => {
  it.each([
    [ID, true],
    [ID.toUpperCase(), true],
    ['0b8e4c1e5f0a4d4b9a573c1f2e9d7a10', false],
    [`${ID} `, false],
    ['wa:123:456', false],
    ['', false],
    [null, false],
    [42, false],
  ])('%s -> %s', (s, ok) => {
    expect(isUuid(s)).toBe(ok);
  });
});

describe('cursors', () => {
  it('round-trip a position; the id comes back lower-cased', () => {
    expect(decodeCursor(encodeCursor({ createdAt: AT, id: ID }))).toEqual({ createdAt: AT, id: ID });
    expect(decodeCursor(encodeCursor({ createdAt: AT, id: ID.toUpperCase() }))).toEqual({ createdAt: AT, id: ID });
  });

  it('are the same text as the Buffer-made cursors handed out before (those stay valid)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { minLength: 1, maxLength: 4 }), (parts) => {
        const buffer = Buffer.from(parts.join('|')).toString('base64url');
        expect(packCursor(parts)).toBe(buffer);
        expect(unpackCursor(buffer)).toEqual(parts.join('|').split('|'));
      }),
    );
    const old = Buffer.from(`${AT.toISOString()}|${ID}`).toString('base64url');
    expect(decodeCursor(old)).toEqual({ createdAt: AT, id: ID });
  });

  it.each([
    ['not base64url', '!!not a cursor!!'],
    ['a bad length', 'abcde'],
    ['no id', packCursor([AT.toISOString()])],
    ['an id that is no uuid', packCursor([AT.toISOString(), 'x'])],
    ['a bad date', packCursor(['yesterday', ID])],
    ['an extra part', packCursor([AT.toISOString(), ID, 'x'])],
    ['empty', ''],
  ])('refuse %s', (_what, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
