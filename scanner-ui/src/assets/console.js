// Health official console: sign in, trace one named case, export the result, notify its contacts
// (assets/notices.js).
// The session token lives in sessionStorage only (gone when the tab closes).
import { t } from './i18n.js';
import { wireSignIn } from './signin.js';
import {
  ApiError, api, clear, el, errorMessage, fmtDateTime, initPage, show, storageGet, storageSet,
} from './common.js';
import { initApprovals, outsideRegionText, prefillVenue, refreshSigned } from './approvals.js';
import { contactRows, initNotices } from './notices.js';

const KEY_SESSION = 'entrylog.console.session';
const $ = (id) => document.getElementById(id);
let session = storageGet(KEY_SESSION, sessionStorage);
let lastRequest = null;
let expiryTimer = null;

initPage();
wire();
render();

function wire() {
  wireSignIn(onSession);
  $('trace-form').addEventListener('submit', onTrace);
  $('logout').addEventListener('click', logout);
  $('download-csv').addEventListener('click', () => download('text/csv', 'csv'));
  $('download-json').addEventListener('click', () => download('application/json', 'json'));
  initApprovals(() => (sessionValid() ? session.token : null), handleAuthError);
  initNotices(() => (sessionValid() ? session.token : null), handleAuthError);
}

function sessionValid() {
  if (!session || !session.token) return false;
  const exp = Date.parse(session.expiresAt);
  return !Number.isFinite(exp) || exp > Date.now();
}

function render(message) {
  clearTimeout(expiryTimer);
  const signedIn = sessionValid();
  show($('login-section'), !signedIn);
  show($('trace-section'), signedIn);
  show($('logout'), signedIn);
  if (!signedIn) {
    if (session) {
      session = null;
      storageSet(KEY_SESSION, null, sessionStorage);
    }
    const err = $('login-error');
    err.textContent = message || '';
    show(err, Boolean(message));
    $('login-username').focus();
    return;
  }
  const exp = Date.parse(session.expiresAt);
  $('session-info').textContent = Number.isFinite(exp) ? t('console.signedin', { time: fmtDateTime(session.expiresAt) }) : '';
  if (Number.isFinite(exp)) {
    // setTimeout takes at most ~24.8 days; sessions are short, but stay within range.
    expiryTimer = setTimeout(() => render(t('console.expired')), Math.min(exp - Date.now(), 2 ** 31 - 1));
  }
  setDefaultRange();
  refreshSigned();
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** A Date as the local "YYYY-MM-DDTHH:mm" that datetime-local inputs use. */
function toLocalInput(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function setDefaultRange() {
  const now = new Date();
  // the input has minute precision: round "now" up, so visits in the current minute are included
  if (!$('trace-to').value) $('trace-to').value = toLocalInput(new Date(now.getTime() + 60000));
  if (!$('trace-from').value) $('trace-from').value = toLocalInput(new Date(now.getTime() - 14 * 86400000));
}

function onSession(s) {
  session = s;
  storageSet(KEY_SESSION, session, sessionStorage);
  render();
}

async function logout() {
  const token = session && session.token;
  session = null;
  storageSet(KEY_SESSION, null, sessionStorage);
  lastRequest = null;
  clear($('trace-visits').tBodies[0]);
  clear($('trace-contacts').tBodies[0]);
  show($('trace-results'), false);
  clear($('venue-visits').tBodies[0]);
  clear($('approvals').tBodies[0]);
  show($('venue-results'), false);
  $('venue-form').reset();
  $('trace-form').reset();
  render();
  if (token) {
    try {
      await api('DELETE', '/api/sessions/current', { token, timeoutMs: 5000 });
    } catch {
      // the token is forgotten here either way; it also expires on the server
    }
  }
}

function handleAuthError(e) {
  if (e instanceof ApiError && e.status === 401) {
    session = null;
    storageSet(KEY_SESSION, null, sessionStorage);
    render(t('console.expired'));
    return true;
  }
  return false;
}

function readForm() {
  const caseRef = $('trace-caseref').value.trim();
  const phone = $('trace-phone').value.trim();
  const fromLocal = $('trace-from').value;
  const toLocal = $('trace-to').value;
  const windowMinutes = Number($('trace-window').value);
  const missing = [];
  if (!caseRef) missing.push(['trace-caseref', 'console.caseref']);
  if (!phone) missing.push(['trace-phone', 'console.phone']);
  if (!fromLocal) missing.push(['trace-from', 'console.from']);
  if (!toLocal) missing.push(['trace-to', 'console.to']);
  if (!Number.isInteger(windowMinutes) || windowMinutes < 0) missing.push(['trace-window', 'console.window']);
  if (missing.length) return { error: t('common.required', { field: missing.map(([, k]) => t(k)).join(', ') }), focus: missing[0][0] };
  // datetime-local values carry no zone: new Date() reads them as local time; send UTC.
  const from = new Date(fromLocal);
  const to = new Date(toLocal);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return { error: t('common.required', { field: `${t('console.from')} / ${t('console.to')}` }), focus: 'trace-from' };
  if (from >= to) return { error: t('console.range'), focus: 'trace-from' };
  return { body: { phone, from: from.toISOString(), to: to.toISOString(), windowMinutes, caseRef } };
}

async function onTrace(ev) {
  ev.preventDefault();
  const err = $('trace-error');
  show(err, false);
  const form = readForm();
  if (form.error) {
    err.textContent = form.error;
    show(err, true);
    $(form.focus).focus();
    return;
  }
  const button = $('trace-submit');
  button.disabled = true;
  button.textContent = t('console.trace.busy');
  try {
    const res = await api('POST', '/api/traces', { body: form.body, token: session.token, timeoutMs: 60000 });
    lastRequest = form.body;
    renderResult(res.data || {}, form.body.caseRef);
  } catch (e) {
    if (!handleAuthError(e)) {
      err.textContent = errorMessage(e, 'console.trace');
      show(err, true);
    }
  } finally {
    button.disabled = false;
    button.textContent = t('console.trace.submit');
  }
}

/** People let in with the entry (companions): "+2", or empty for none. */
function companionsText(n) {
  return Number.isInteger(n) && n > 0 ? `+${n}` : '';
}

function directionText(d) {
  return t(d === 'out' ? 'common.out' : 'common.in');
}

function shortSealed(s) {
  const v = String(s ?? '');
  return v.length > 24 ? `${v.slice(0, 12)}…${v.slice(-8)}` : v;
}

function renderResult(data, caseRef) {
  const visits = Array.isArray(data.visits) ? data.visits : [];
  const contacts = Array.isArray(data.contacts) ? data.contacts : [];
  $('trace-results-title').textContent = t('console.results.h', { caseRef: data.caseRef ?? caseRef });
  $('trace-visits-count').textContent = t('console.count', { n: visits.length });
  $('trace-contacts-count').textContent = t('console.count', { n: contacts.length });

  const vb = $('trace-visits').tBodies[0];
  clear(vb);
  if (!visits.length) vb.append(el('tr', { class: 'empty' }, el('td', { colspan: 5, text: t('common.none') })));
  for (const v of visits) {
    const list = el('button', { class: 'button small ghost', type: 'button', text: t('console.venue.fromTrace') });
    list.addEventListener('click', () => prefillVenue(data.caseRef ?? caseRef, v.venueId ?? '', v.scannedAt, lastRequest && lastRequest.windowMinutes));
    vb.append(el('tr', {},
      el('td', {}, v.venueName ?? v.venueId ?? '', ' ', list),
      el('td', {}, el('time', { datetime: v.scannedAt, text: fmtDateTime(v.scannedAt) })),
      el('td', {}, el('span', { class: `badge badge-${v.direction === 'out' ? 'out' : 'in'}`, text: directionText(v.direction) })),
      el('td', { class: 'companions', text: companionsText(v.companions) }),
      el('td', { class: 'area', text: v.area ?? '' })));
  }
  const cb = $('trace-contacts').tBodies[0];
  clear(cb);
  if (!contacts.length) cb.append(el('tr', { class: 'empty' }, el('td', { colspan: 7, text: t('common.none') })));
  // grouped by venue and the case's visits there, a checkbox first for the notice form
  cb.append(...contactRows({ ...data, caseRef: data.caseRef ?? caseRef }, (c) => [
    el('td', { text: c.venueName ?? c.venueId ?? '' }),
    el('td', {}, el('time', { datetime: c.scannedAt, text: fmtDateTime(c.scannedAt) })),
    el('td', { class: 'companions', text: companionsText(c.companions) }),
    // contacts in the case's area come first in their venue (the server ranks them); the badge says why
    el('td', { class: 'area' }, c.area ?? '', c.sameArea === true
      ? el('span', { class: 'badge badge-same-area', text: t('console.area.same') })
      : (c.caseArea ? el('span', { class: 'hint area-case', text: t('console.area.case', { area: c.caseArea }) }) : null)),
    el('td', {}, el('code', { text: c.visitorId ?? '' })),
    c.sealedIdentity == null
      ? el('td', { class: 'hint', text: t('console.region.withheld') })
      : el('td', {}, el('code', { class: 'sealed', title: c.sealedIdentity ?? '', text: shortSealed(c.sealedIdentity) })),
  ]));
  const outside = outsideRegionText(data.contactsOutsideRegion);
  $('trace-outside-region').textContent = outside;
  show($('trace-outside-region'), Boolean(outside));
  show($('trace-results'), true);
  $('trace-results').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function safeFilePart(s) {
  return String(s).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'case';
}

/** Repeats the last trace with another Accept header and saves the answer as a file. */
async function download(accept, ext) {
  const err = $('download-error');
  show(err, false);
  if (!lastRequest || !sessionValid()) return;
  try {
    const res = await api('POST', '/api/traces', { body: lastRequest, token: session.token, accept, timeoutMs: 60000, raw: true });
    const blob = await res.response.blob();
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: `entrylog-trace-${safeFilePart(lastRequest.caseRef)}.${ext}`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (e) {
    if (!handleAuthError(e)) {
      err.textContent = errorMessage(e, 'console.trace');
      show(err, true);
    }
  }
}
