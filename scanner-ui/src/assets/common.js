// Shared helpers of the entrylog pages: the API client, a createElement helper that only
// ever writes text (names are attacker-chosen: docs/threat-model.md T16), time formatting
// and the header.
import { applyI18n, has, lang, t } from './i18n.js';

/** An error answer of the server: {"error":"<code>","message":"..."} plus status and Retry-After. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || `http_${status}`;
    this.retryAfter = retryAfter;
    // The server's own words (English): a detail for English pages at most, see errorDetail().
    this.serverMessage = message || null;
  }
}

/** The server could not be reached (offline, DNS, reset, timeout). */
export class NetworkError extends Error {
  constructor(cause) {
    super(t('error.network'));
    this.cause = cause;
  }
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), at least 1. */
export function retryAfterSeconds(value, fallback = 5) {
  if (!value) return fallback;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(1, Math.ceil(n));
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(1, Math.ceil((at - Date.now()) / 1000)) : fallback;
}

/**
 * Calls the API. Resolves {status, data, headers} for 2xx; rejects with ApiError for an
 * error answer and NetworkError when the server is unreachable or timeoutMs passes.
 */
export async function api(method, path, { body, token, accept = 'application/json', timeoutMs = 15000, raw = false, headers: extra } = {}) {
  const headers = { ...(extra || {}), Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctrl.signal,
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new NetworkError(e);
  } finally {
    clearTimeout(timer);
  }
  if (res.ok && raw) return { status: res.status, headers: res.headers, response: res };
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const code = data && typeof data.error === 'string' ? data.error : null;
    const message = data && typeof data.message === 'string' ? data.message : null;
    throw new ApiError(res.status, code, message, retryAfterSeconds(res.headers.get('Retry-After'), undefined));
  }
  return { status: res.status, data, headers: res.headers };
}

/**
 * The words to show for an error, in the page's language: `<context>.error.<code>` when the
 * page has its own (e.g. 'pass.register'), else `error.<code>` for every code of the API, else
 * the status. Never the server's `message`, which is English (issue 13, item 6).
 */
export function errorText(err, context) {
  const code = err instanceof NetworkError ? 'network' : err instanceof ApiError ? err.code : null;
  if (code && context && has(`${context}.error.${code}`)) return t(`${context}.error.${code}`);
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  if (err instanceof ApiError && err.status > 0) return t('error.status', { status: err.status });
  return t('common.error');
}

/**
 * The server's own message as a second line, on English pages only and only for the codes
 * whose message names what to fix (which field, which limit); '' otherwise.
 */
export function errorDetail(err) {
  if (lang !== 'en' || !(err instanceof ApiError) || !err.serverMessage) return '';
  return ['bad_request', 'forbidden', 'payload_too_large'].includes(err.code) ? t('error.detail', { message: err.serverMessage }) : '';
}

/** errorText and, on English pages, errorDetail, as one paragraph's text. */
export function errorMessage(err, context) {
  const detail = errorDetail(err);
  return detail ? `${errorText(err, context)} ${detail}` : errorText(err, context);
}

/**
 * createElement with attributes and children; strings become text nodes. Attributes are
 * set with setAttribute (never as HTML); `text` sets textContent.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Removes every child. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Shows or hides an element with the hidden attribute. */
export function show(node, visible = true) {
  if (node) node.hidden = !visible;
}

const locale = lang === 'ko' ? 'ko-KR' : undefined;

/** An ISO instant in the local time zone, date and time. Unparseable input is shown as given. */
export function fmtDateTime(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return iso == null ? '' : String(iso);
  return d.toLocaleString(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Local time only, for today's events. */
export function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso ?? '');
  return d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A number or the server's "<5" shown readably. */
export function fmtCount(v) {
  if (typeof v === 'number') return v.toLocaleString(locale);
  return v == null ? '—' : String(v);
}

/** Today's date in the local time zone as YYYY-MM-DD (for per-day counters). */
export function localDay(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function storageGet(key, storage = localStorage) {
  try {
    const v = storage.getItem(key);
    return v == null ? null : JSON.parse(v);
  } catch {
    return null;
  }
}

export function storageSet(key, value, storage = localStorage) {
  try {
    if (value === null || value === undefined) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/** A button that acts only on a second tap within a few seconds (no blocking confirm()). */
export function twoStepButton(button, confirmText, action, ms = 4000) {
  let armed = null;
  const original = () => t(button.dataset.i18n);
  button.addEventListener('click', () => {
    if (armed) {
      clearTimeout(armed);
      armed = null;
      button.classList.remove('armed');
      button.textContent = original();
      action();
      return;
    }
    button.textContent = typeof confirmText === 'function' ? confirmText() : confirmText;
    button.classList.add('armed');
    armed = setTimeout(() => {
      armed = null;
      button.classList.remove('armed');
      button.textContent = original();
    }, ms);
  });
}

/** Applies translations and wires the language switch (keeps the page, swaps ?lang=). */
export function initPage() {
  applyI18n();
  const sw = document.getElementById('lang-switch');
  if (sw) {
    const other = lang === 'ko' ? 'en' : 'ko';
    const url = new URL(location.href);
    url.searchParams.set('lang', other);
    sw.setAttribute('href', url.pathname + url.search);
    sw.setAttribute('hreflang', other);
  }
  document.body.dataset.ready = 'true';
}

/** Keeps the screen on where the browser allows it (door tablets, the pass at the door). */
export function keepScreenOn() {
  if (!('wakeLock' in navigator)) return;
  let lock = null;
  const request = async () => {
    if (document.visibilityState !== 'visible' || lock) return;
    try {
      lock = await navigator.wakeLock.request('screen');
      lock.addEventListener('release', () => {
        lock = null;
      });
    } catch {
      lock = null; // not allowed (battery saver, no gesture yet): the page works without it
    }
  };
  document.addEventListener('visibilitychange', request);
  document.addEventListener('pointerdown', request, { once: true });
  request();
}

/**
 * Registers the service worker (/sw.js) that keeps /scan and /pass loadable offline. A
 * browser without one, or a refusal (private mode, insecure origin), leaves the page as it
 * was: online it works the same, it just cannot be reloaded without the server.
 */
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
}
