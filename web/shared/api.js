// The one way pages talk to /api/v1: JSON in, JSON out, the contract's error shape turned
// into an ApiError, and "could not reach the server" kept apart as a NetworkError.
import { localize } from './i18n.js';

export class ApiError extends Error {
  constructor(status, body, headers) {
    const err = (body && body.error) || {};
    super(localize(err.message) || `HTTP ${status}`);
    this.status = status;
    this.code = err.code || `http_${status}`;
    this.fields = err.fields || {};
    this.error = err;  // the whole error object: registration_id, registration, event …
    this.retryAfter = Number(headers?.get('Retry-After')) || 0;
  }
  // 5xx and 429 mean "not now", never "no": a kiosk keeps such a scan to send again.
  get transient() { return this.status >= 500 || this.status === 429; }
}

export class NetworkError extends Error {
  constructor(cause) {
    super('network');
    this.cause = cause;
  }
}

let bearerToken = null;
export function setBearer(token) { bearerToken = token || null; }

export async function api(path, { method = 'GET', body, raw, contentType, timeout = 15000 } = {}) {
  const headers = { Accept: 'application/json' };
  if (bearerToken) headers.Authorization = `Bearer ${bearerToken}`;
  let payload;
  if (raw !== undefined) {
    payload = raw;
    headers['Content-Type'] = contentType || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeout);
  let res, text;
  try {
    res = await fetch(`/api/v1${path}`, {
      method, headers, body: payload, credentials: 'same-origin', cache: 'no-store', signal: abort.signal,
    });
    text = await res.text();
  } catch (e) {
    throw new NetworkError(e);
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data, res.headers);
  return { status: res.status, data };
}

export const get = (path, opts) => api(path, opts).then((r) => r.data);
export const post = (path, body, opts) => api(path, { ...opts, method: 'POST', body }).then((r) => r.data);
export const patch = (path, body) => api(path, { method: 'PATCH', body }).then((r) => r.data);
export const del = (path) => api(path, { method: 'DELETE' }).then((r) => r.data);

// A fresh idempotency key for a check-in. randomUUID needs a secure context; a kiosk on
// plain http over the LAN still gets 122 random bits from getRandomValues.
export function newNonce() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
