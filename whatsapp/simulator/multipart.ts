// A small multipart/form-data parser for the simulator's Cloud API media upload (`file`, `type`,
// `messaging_product`). It parses a body already read (and bounded) into memory: enough for one
// file and a few fields, with no dependency. Strict where RFC 7578 is (CRLF line breaks, the
// boundary), lenient where clients differ (preamble, epilogue, header case, quoting).

export interface MultipartPart {
  name: string;
  filename?: string;
  /** The part's `Content-Type`, when it has one. */
  contentType?: string;
  data: Buffer;
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

export interface MultipartLimits {
  /** At most this many parts (default 16). */
  maxParts?: number;
  /** At most this many bytes of headers per part (default 8 KiB). */
  maxHeaderBytes?: number;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
// RFC 2046 bchars, 1 to 70 of them, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** Splits `a=b; c="d; e"` into parameters (names lowercased), honouring quotes and `\` escapes. */
export function headerParams(value: string): { value: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  let i = value.indexOf(';');
  const head = (i < 0 ? value : value.slice(0, i)).trim();
  while (i >= 0 && i < value.length) {
    i++; // past ';'
    const eq = value.indexOf('=', i);
    if (eq < 0) break;
    const name = value.slice(i, eq).trim().toLowerCase();
    let j = eq + 1;
    while (value[j] === ' ' || value[j] === '\t') j++;
    let v = '';
    if (value[j] === '"') {
      j++;
      while (j < value.length && value[j] !== '"') {
        if (value[j] === '\\' && j + 1 < value.length) j++;
        v += value[j];
        j++;
      }
      j++; // past the closing quote
      const semi = value.indexOf(';', j);
      i = semi;
    } else {
      const semi = value.indexOf(';', j);
      v = (semi < 0 ? value.slice(j) : value.slice(j, semi)).trim();
      i = semi;
    }
    if (name && !(name in params)) params[name] = v;
  }
  return { value: head, params };
}

/** The boundary of a `multipart/form-data` content type, or null when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const { value, params } = headerParams(contentType);
  if (value.toLowerCase() !== 'multipart/form-data') return null;
  const b = params.boundary;
  return b !== undefined && BOUNDARY.test(b) ? b : null;
}

/** `filename*=UTF-8''na%C3%AFve.pdf` (RFC 5987), else the plain `filename`. */
function filenameOf(params: Record<string, string>): string | undefined {
  const ext = params['filename*'];
  if (ext) {
    const m = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(ext);
    if (m && m[1]!.toLowerCase() === 'utf-8') {
      try {
        return decodeURIComponent(m[2]!);
      } catch {
        /* fall back to filename */
      }
    }
  }
  return params.filename;
}

export function parseMultipart(body: Buffer, boundary: string, limits: MultipartLimits = {}): MultipartPart[] {
  if (!BOUNDARY.test(boundary)) throw new MultipartError('invalid multipart boundary');
  const maxParts = limits.maxParts ?? 16;
  const maxHeaderBytes = limits.maxHeaderBytes ?? 8 * 1024;
  const dash = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);

  // The first boundary starts the body or follows a preamble line.
  let pos: number;
  if (body.subarray(0, dash.length).equals(dash)) pos = dash.length;
  else {
    const at = body.indexOf(delimiter);
    if (at < 0) throw new MultipartError('no multipart boundary in the body');
    pos = at + delimiter.length;
  }

  const parts: MultipartPart[] = [];
  for (;;) {
    // After a boundary: `--` closes the body, else optional transport padding and CRLF.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (!body.subarray(pos, pos + 2).equals(CRLF)) throw new MultipartError('malformed multipart boundary line');
    pos += 2;
    if (parts.length >= maxParts) throw new MultipartError(`more than ${maxParts} multipart parts`);

    const headerEnd = body.indexOf(HEADER_END, pos);
    if (headerEnd < 0 || headerEnd - pos > maxHeaderBytes) throw new MultipartError('multipart part headers are missing or too long');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MultipartError(`malformed multipart header: ${line.slice(0, 80)}`);
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const dataStart = headerEnd + HEADER_END.length;
    const dataEnd = body.indexOf(delimiter, dataStart);
    if (dataEnd < 0) throw new MultipartError('multipart body is not terminated by its boundary');

    const disposition = headers['content-disposition'];
    if (!disposition) throw new MultipartError('multipart part without Content-Disposition');
    const { value, params } = headerParams(disposition);
    if (value.toLowerCase() !== 'form-data' || params.name === undefined) {
      throw new MultipartError('multipart part is not form-data with a name');
    }
    const part: MultipartPart = { name: params.name, data: body.subarray(dataStart, dataEnd) };
    const filename = filenameOf(params);
    if (filename !== undefined) part.filename = filename;
    if (headers['content-type']) part.contentType = headers['content-type'];
    parts.push(part);
    pos = dataEnd + delimiter.length;
  }
}
