// The path as the router resolves it, so that no spelling of a protected path walks around the check.

/** Decodes every valid %XX sequence (UTF-8 as a whole, else byte by byte); leaves invalid ones as they are. */
function decodeOnce(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%[0-9a-f]{2}/gi, (m) => String.fromCharCode(parseInt(m.slice(1), 16)));
  }
}

/**
 * `/%61pi//v1/./conversations/` -> `/api/v1/conversations`: the query dropped, percent-encoding
 * decoded until stable (a double-encoded path must not pass either), backslashes read as slashes,
 * repeated slashes collapsed, dot segments resolved, the trailing slash removed.
 */
export function resolvedPath(rawUrl: string): string {
  let p = rawUrl;
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  for (let i = 0; i < 4; i++) {
    const next = decodeOnce(p);
    if (next === p) break;
    p = next;
  }
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** Under /api (case-insensitive: a router told to ignore case must not open a hole). */
export function isApiPath(resolved: string): boolean {
  const p = resolved.toLowerCase();
  return p === '/api' || p.startsWith('/api/') || p.startsWith('/api;');
}
