// The API with the signed-in token; a refused token sends the user back to sign in.
const KEY = 'tl.token';

export const token = () => sessionStorage.getItem(KEY);
export const setToken = (v) => (v ? sessionStorage.setItem(KEY, v) : sessionStorage.removeItem(KEY));

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token() ?? ''}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { message: text };
  }
  if (res.status === 401) window.dispatchEvent(new CustomEvent('tl:unauthorized'));
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}
