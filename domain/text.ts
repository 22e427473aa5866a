// Text cleaned once at the edge (webhook, API): Postgres refuses U+0000 in text and jsonb, and an
// unpaired surrogate is not text at all. Both become U+FFFD, so nothing downstream can fail on them.

// U+0000, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const REPLACEMENT = '\uFFFD';
const MAX_DEPTH = 256;

export function cleanText(s: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, REPLACEMENT) : s;
}

/** True when the string needs cleaning. */
export function hasUnsafeText(s: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s);
}

/**
 * A JSON value with every string (keys too) cleaned; `trim` also trims string values (API bodies:
 * "   " must not pass a minLength). Returns the same object when nothing changed.
 */
export function cleanJson<T>(value: T, opts: { trim?: boolean } = {}): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      const c = cleanText(v);
      return opts.trim ? c.trim() : c;
    }
    if (v === null || typeof v !== 'object') return v;
    // No real payload nests this deep; cut it rather than overflow the stack or the database.
    if (depth > MAX_DEPTH) return '[nested too deep]';
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const c = walk(v[i], depth + 1);
        if (c !== v[i]) (out ??= v.slice())[i] = c;
      }
      return out ?? v;
    }
    const entries: [string, unknown][] = [];
    let changed = false;
    for (const [k, x] of Object.entries(v)) {
      const ck = cleanText(k);
      const c = walk(x, depth + 1);
      if (ck !== k || c !== x) changed = true;
      entries.push([ck, c]);
    }
    return changed ? Object.fromEntries(entries) : v;
  };
  return walk(value, 0) as T;
}

/**
 * Whether raw JSON text may hold an escaped U+0000 or surrogate: those can only arrive as `\u`
 * escapes (raw UTF-8 cannot encode a surrogate), so a body without one needs no walk at all.
 */
export function jsonMayNeedCleaning(raw: string): boolean {
  return /\\u(0000|[dD][89a-fA-F])/.test(raw);
}
