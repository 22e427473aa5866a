// The simulator's multipart/form-data parser: bodies as fetch's FormData encodes them (the Cloud API
// upload of the engine), hand-written edge cases, and what it refuses.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MultipartError, headerParams, multipartBoundary, parseMultipart } from '../../whatsapp/simulator/multipart.js';

/** What fetch would send for this form: the body bytes and the boundary of its content type. */
async function encode(form: FormData): Promise<{ body: Buffer; contentType: string; boundary: string }> {
  const req = new Request('http://x/', { method: 'POST', body: form });
  const contentType = req.headers.get('content-type')!;
  const boundary = multipartBoundary(contentType);
  expect(boundary).not.toBeNull();
  return { body: Buffer.from(await req.arrayBuffer()), contentType, boundary: boundary! };
}

const raw = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('multipartBoundary', () => {
  it('reads the boundary of multipart/form-data only', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc123')).toBe('abc123');
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; BOUNDARY="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('multipart/form-data')).toBeNull();
    expect(multipartBoundary('multipart/mixed; boundary=abc')).toBeNull();
    expect(multipartBoundary('application/json')).toBeNull();
    expect(multipartBoundary(undefined)).toBeNull();
    expect(multipartBoundary(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeNull();
    expect(multipartBoundary('multipart/form-data; boundary="ends with space "')).toBeNull();
  });

  it('headerParams honours quotes, escapes and the first occurrence', () => {
    expect(headerParams('form-data; name="a;b"; filename="x\\"y.pdf"; name=dup')).toEqual({
      value: 'form-data',
      params: { name: 'a;b', filename: 'x"y.pdf' },
    });
    expect(headerParams('application/json')).toEqual({ value: 'application/json', params: {} });
  });
});

describe('parseMultipart', () => {
  it('parses a Cloud API upload as fetch encodes it: fields and a binary file', async () => {
    // Bytes that look like framing: CRLFs, dashes, a boundary-ish line.
    const bytes = Buffer.concat([Buffer.from('\r\n--\r\n\r\n--not-the-boundary\r\n'), Buffer.from([0, 255, 13, 10, 45, 45])]);
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', 'image/png');
    form.append('file', new Blob([bytes], { type: 'image/png' }), 'photo 1.png');
    const { body, boundary } = await encode(form);
    const parts = parseMultipart(body, boundary);
    expect(parts.map((p) => p.name)).toEqual(['messaging_product', 'type', 'file']);
    expect(parts[0]!.data.toString()).toBe('whatsapp');
    expect(parts[0]!.filename).toBeUndefined();
    expect(parts[1]!.data.toString()).toBe('image/png');
    expect(parts[2]).toMatchObject({ name: 'file', filename: 'photo 1.png', contentType: 'image/png' });
    expect(Buffer.compare(parts[2]!.data, bytes)).toBe(0);
  });

  it('any bytes survive the round trip', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096, size: 'max' }), fc.string({ maxLength: 40 }), async (bytes, text) => {
        const form = new FormData();
        form.append('note', text);
        form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'f.bin');
        const { body, boundary } = await encode(form);
        const parts = parseMultipart(body, boundary);
        expect(parts).toHaveLength(2);
        expect(parts[0]!.data.toString('utf8')).toBe(text.replace(/\r\n|\r|\n/g, '\r\n'));
        expect(Buffer.compare(parts[1]!.data, Buffer.from(bytes))).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('a large file comes back byte for byte', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 27;
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([bytes], { type: 'video/mp4' }), 'clip.mp4');
    const { body, boundary } = await encode(form);
    const [, file] = parseMultipart(body, boundary);
    expect(file!.data.length).toBe(bytes.length);
    expect(file!.data.equals(bytes)).toBe(true);
  });

  it('a preamble, an epilogue, an empty part, transport padding and filename*', () => {
    const body = raw([
      'this is a preamble',
      '--XyZ  ',
      'content-disposition: form-data; name="empty"',
      '',
      '',
      '--XyZ',
      "Content-Disposition: form-data; name=\"file\"; filename=\"fallback.pdf\"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf",
      'Content-Type: application/pdf',
      '',
      '%PDF-1.7',
      '--XyZ--',
      'epilogue, ignored',
    ]);
    const parts = parseMultipart(body, 'XyZ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({ name: 'empty' });
    expect(parts[0]!.data.length).toBe(0);
    expect(parts[1]).toMatchObject({ name: 'file', filename: 'naïve résumé.pdf', contentType: 'application/pdf' });
    expect(parts[1]!.data.toString()).toBe('%PDF-1.7');
  });

  it('refuses what it cannot read, with a reason', () => {
    const ok = ['--b', 'Content-Disposition: form-data; name="a"', '', 'x'];
    const cases: [string, Buffer, RegExp][] = [
      ['no boundary at all', raw(['hello', 'world']), /no multipart boundary/],
      ['not terminated', raw(ok), /not terminated/],
      ['no blank line after headers', raw(['--b', 'Content-Disposition: form-data; name="a"']), /headers are missing/],
      ['header without a colon', raw(['--b', 'Content-Disposition form-data', '', 'x', '--b--']), /malformed multipart header/],
      ['no content-disposition', raw(['--b', 'Content-Type: text/plain', '', 'x', '--b--']), /without Content-Disposition/],
      ['not form-data', raw(['--b', 'Content-Disposition: attachment; name="a"', '', 'x', '--b--']), /not form-data/],
      ['no name', raw(['--b', 'Content-Disposition: form-data', '', 'x', '--b--']), /not form-data with a name/],
      ['garbage after the boundary', raw(['--bX', 'Content-Disposition: form-data; name="a"', '', 'x', '--b--']), /malformed multipart boundary line/],
      ['LF line breaks', Buffer.from('--b\nContent-Disposition: form-data; name="a"\n\nx\n--b--'), /malformed|no multipart boundary|missing/],
    ];
    for (const [name, body, re] of cases) {
      let err: unknown;
      try {
        parseMultipart(body, 'b');
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(MultipartError);
      expect((err as Error).message, name).toMatch(re);
    }
    expect(() => parseMultipart(raw(['--b', ...ok.slice(1), '--b--']), 'bad boundary ')).toThrow(/invalid multipart boundary/);
  });

  it('bounds the parts and their headers', () => {
    const many = raw([...Array.from({ length: 5 }, (_, i) => [`--b`, `Content-Disposition: form-data; name="f${i}"`, '', `${i}`]).flat(), '--b--']);
    expect(parseMultipart(many, 'b', { maxParts: 5 })).toHaveLength(5);
    expect(() => parseMultipart(many, 'b', { maxParts: 4 })).toThrow(/more than 4 multipart parts/);
    const longHeader = raw(['--b', `Content-Disposition: form-data; name="a"; x="${'y'.repeat(200)}"`, '', 'x', '--b--']);
    expect(parseMultipart(longHeader, 'b')).toHaveLength(1);
    expect(() => parseMultipart(longHeader, 'b', { maxHeaderBytes: 100 })).toThrow(/too long/);
  });
});
