// The /v1 client: every call carries the key the user typed. The key lives in sessionStorage, so it
// survives a reload but not the tab, and is never put in a URL or a cookie.

const KEY_STORAGE = 'beckon.apiKey';

export class KeyRefused extends Error {}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const storedKey = () => sessionStorage.getItem(KEY_STORAGE);
export const storeKey = (key) => sessionStorage.setItem(KEY_STORAGE, key);
export const forgetKey = () => sessionStorage.removeItem(KEY_STORAGE);

/** `{statusCode, error, message}`: message is a string or one string per invalid field. */
function messageOf(body, response) {
  const message = body?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return `${response.status} ${response.statusText}`;
}

/** A GET under /v1; `params` with undefined or empty values are left out. */
export async function getJson(path, params = {}, key = storedKey()) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const url = `/v1${path}${query.size > 0 ? `?${query}` : ''}`;
  const response = await fetch(url, { headers: { 'X-API-Key': key ?? '', Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (response.status === 401) throw new KeyRefused(messageOf(body, response));
  if (!response.ok) throw new ApiError(response.status, messageOf(body, response));
  return body;
}
