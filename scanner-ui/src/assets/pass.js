// Visitor page: register once, then a QR pass that renews itself before it expires, and the
// visitor's own history (visits, official accesses to them, exposure notices). An exposure notice
// not yet acknowledged is shown first, above the pass, until the visitor says they have read it.
//
// Stored in localStorage: the visitor id and secret (entrylog.visitor) and the current pass
// (entrylog.pass), so a reload shows the same still-valid code without a new request.
// In IndexedDB (pass/bundle.js): the offline passes, shown when the server cannot be reached.
import { t } from './i18n.js';
import {
  ApiError, NetworkError, api, clear, el, errorMessage, errorText, fmtDateTime, initPage, keepScreenOn, registerServiceWorker, show,
  storageGet, storageSet, twoStepButton,
} from './common.js';
import { readBack } from './phone.js';
import * as bundle from './pass/bundle.js';

const KEY_VISITOR = 'entrylog.visitor';
const KEY_PASS = 'entrylog.pass';
const $ = (id) => document.getElementById(id);

let visitor = storageGet(KEY_VISITOR);
let pass = storageGet(KEY_PASS);
let renewing = false;
let renewTimer = null;
let retryTimer = null;
let historyTimer = null;
// What the polite live region last said about which pass (see announce()).
let announced = { token: null, soon: false };
// ---- offline passes (docs/design.md pass-bundle) ----
let offlinePasses = [];
let offlineMode = false;
let bundleFetching = false;
let bundleRetryAt = 0;
let bundleReady = Promise.resolve();
// ---- end offline passes ----

initPage();
keepScreenOn();
registerServiceWorker();
loadRetention();
wire();
start();

function wire() {
  $('register-form').addEventListener('submit', onRegister);
  $('register-confirm-yes').addEventListener('click', register);
  $('register-confirm-edit').addEventListener('click', () => {
    cancelConfirm();
    $('register-phone').focus();
  });
  // Any change to what was read back asks again.
  for (const id of ['register-name', 'register-phone']) $(id).addEventListener('input', cancelConfirm);
  $('register-again').addEventListener('click', () => {
    forgetLocal();
    start();
  });
  $('renew').addEventListener('click', () => renew(true));
  $('history-refresh').addEventListener('click', loadHistory);
  twoStepButton($('forget-visitor'), () => t('pass.forget.confirm'), () => {
    forgetLocal();
    start();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !visitor) return;
    if (!pass || pass.localExpiry - Date.now() < 6000) renew();
    loadHistory();
  });
  window.addEventListener('online', () => {
    if (visitor && (!pass || pass.localExpiry - Date.now() < 6000)) renew();
  });
  setInterval(tick, 250);
  $('qr').addEventListener('load', fitQr);
  window.addEventListener('resize', fitQr);
}

/**
 * Scales the QR image (often 1 pixel per module) by a whole number, so every module is
 * the same size on screen: uneven modules from fractional scaling make scanners slower.
 * CSSOM writes are allowed under style-src 'self'; only style="" markup is not.
 */
function fitQr() {
  const img = $('qr');
  const box = $('qr-box');
  const n = img.naturalWidth;
  if (!n) return;
  const cs = getComputedStyle(box);
  const avail = Math.floor(Math.min(
    box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
    box.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom)));
  if (avail <= 0) return;
  const dpr = window.devicePixelRatio || 1;
  // whole device pixels per module where the image is smaller than the box
  const k = n * 1 <= avail ? Math.floor((avail * dpr) / n) / dpr : avail / n;
  const size = `${Math.max(1, Math.floor(n * k * dpr) / dpr)}px`;
  img.style.width = size;
  img.style.height = size;
}

function start() {
  clearTimeout(renewTimer);
  clearTimeout(retryTimer);
  clearInterval(historyTimer);
  show($('lost-section'), false);
  if (!visitor || !visitor.visitorId || !visitor.secret) {
    visitor = null;
    show($('register-section'), true);
    show($('pass-section'), false);
    show($('history-section'), false);
    show($('notices-unread'), false);
    show($('forget-visitor'), false);
    return;
  }
  show($('register-section'), false);
  show($('pass-section'), true);
  show($('history-section'), true);
  show($('forget-visitor'), true);
  loadBundle();
  if (pass && pass.qrPng && pass.localExpiry - Date.now() > 3000) {
    showPass();
    scheduleRenewal();
  } else {
    pass = null;
    renew();
  }
  loadHistory();
  historyTimer = setInterval(() => {
    if (document.visibilityState === 'visible') loadHistory();
  }, 120000);
}

function forgetLocal() {
  visitor = null;
  pass = null;
  storageSet(KEY_VISITOR, null);
  storageSet(KEY_PASS, null);
  offlinePasses = [];
  offlineMode = false;
  bundle.forgetAll();
  $('qr').removeAttribute('src');
  clear($('visits'));
  clear($('accesses'));
  clear($('notices'));
  clear($('notices-unread'));
  show($('notices-unread'), false);
}

/**
 * First step of registering: the number is read back, grouped, before anything is sent (a
 * sealed number cannot be corrected later: docs/design.md §2), with a warning when it looks
 * too short. The second step, register(), sends it.
 */
function onRegister(ev) {
  ev.preventDefault();
  const name = $('register-name').value.trim();
  const phone = $('register-phone').value.trim();
  const error = $('register-error');
  show(error, false);
  if (!name || !phone) {
    error.textContent = t('common.required', { field: t(name ? 'pass.phone' : 'pass.name') });
    show(error, true);
    (name ? $('register-phone') : $('register-name')).focus();
    return;
  }
  if (!$('register-confirm').hidden) {
    $('register-confirm-yes').focus(); // Enter again in a field: the question is already asked
    return;
  }
  const { shown, short } = readBack(phone);
  const text = $('register-confirm-text');
  const [before, after] = t('pass.confirm.q').split('{phone}');
  clear(text);
  text.append(before, el('strong', { id: 'register-confirm-phone', text: shown }), after ?? '');
  show($('register-confirm-short'), short);
  show($('register-submit'), false);
  show($('register-confirm'), true);
  (short ? $('register-confirm-edit') : $('register-confirm-yes')).focus();
}

function cancelConfirm() {
  show($('register-confirm'), false);
  show($('register-submit'), true);
}

async function register() {
  const name = $('register-name').value.trim();
  const phone = $('register-phone').value.trim();
  const error = $('register-error');
  show(error, false);
  const button = $('register-confirm-yes');
  button.disabled = true;
  button.textContent = t('pass.register.busy');
  try {
    const res = await api('POST', '/api/visitors', { body: { name, phone } });
    if (!res.data || !res.data.visitorId || !res.data.secret) throw new ApiError(res.status, 'bad_response', t('common.error'));
    visitor = { visitorId: String(res.data.visitorId), secret: String(res.data.secret) };
    storageSet(KEY_VISITOR, visitor);
    pass = null;
    storageSet(KEY_PASS, null);
    $('register-form').reset();
    cancelConfirm();
    start();
  } catch (err) {
    cancelConfirm();
    error.textContent = errorMessage(err, 'pass.register');
    show(error, true);
  } finally {
    button.disabled = false;
    button.textContent = t('pass.confirm.yes');
  }
}

function setStatus(text, kind = '') {
  const s = $('pass-status');
  s.textContent = text || '';
  s.className = `message ${kind}`.trim();
  show(s, Boolean(text));
}

async function renew(manual = false) {
  if (!visitor || renewing) return;
  renewing = true;
  clearTimeout(renewTimer);
  clearTimeout(retryTimer);
  retryTimer = null;
  if (!pass) $('qr-box').dataset.state = 'loading';
  try {
    const path = `/api/visitors/${encodeURIComponent(visitor.visitorId)}/passes`;
    const res = await api('POST', path, { token: visitor.secret, timeoutMs: 10000 });
    const d = res.data || {};
    const expiresAt = Date.parse(d.expiresAt);
    if (typeof d.qrPng !== 'string' || !d.qrPng.startsWith('data:image/png;base64,') || !Number.isFinite(expiresAt)) {
      throw new ApiError(res.status, 'bad_response', t('common.error'));
    }
    // The expiry is server time; if this phone's clock is off by more than a few seconds
    // (the Date header has 1 s resolution), count down against the server's clock instead.
    let localExpiry = expiresAt;
    const serverNow = Date.parse(res.headers.get('Date') || '');
    if (Number.isFinite(serverNow) && Math.abs(serverNow - Date.now()) > 3000) {
      localExpiry = Date.now() + (expiresAt - serverNow);
    }
    pass = { token: d.token, expiresAt: d.expiresAt, qrPng: d.qrPng, localExpiry, issuedLocal: Date.now() };
    storageSet(KEY_PASS, pass);
    setStatus('');
    offlineMode = false;
    show($('offline-label'), false);
    refreshBundle();
    renewing = false; // before showPass(), whose tick() would otherwise say "Renewing…" over the new code
    showPass();
    scheduleRenewal();
  } catch (err) {
    if (err instanceof ApiError && [401, 403, 404].includes(err.status)) {
      lost();
    } else if (err instanceof ApiError && err.status === 429) {
      retryLater(err.retryAfter || 5, 'ratelimited');
    } else if (err instanceof NetworkError || (err instanceof ApiError && err.status >= 500)) {
      enterOffline();
      retryLater(5, 'offline');
    } else {
      setStatus(errorText(err), 'error');
      retryLater(10, null);
    }
  } finally {
    renewing = false;
    if (manual) $('renew').blur();
  }
}

function retryLater(seconds, kind) {
  const until = Date.now() + seconds * 1000;
  const update = () => {
    if (kind === 'ratelimited') setStatus(t('pass.ratelimited', { s: Math.max(0, Math.ceil((until - Date.now()) / 1000)) }), 'warning');
    else if (kind === 'offline') setStatus(t(offlineMode ? 'pass.offline.shown' : 'pass.offline'), 'warning');
  };
  update();
  clearTimeout(retryTimer);
  const step = () => {
    if (Date.now() >= until) {
      retryTimer = null;
      renew();
    } else {
      update();
      retryTimer = setTimeout(step, 1000);
    }
  };
  retryTimer = setTimeout(step, Math.min(1000, seconds * 1000));
}

function lost() {
  clearTimeout(renewTimer);
  clearTimeout(retryTimer);
  clearInterval(historyTimer);
  pass = null;
  storageSet(KEY_PASS, null);
  offlinePasses = []; // passes of a registration that is gone are refused at the door
  offlineMode = false;
  bundle.forgetAll();
  $('qr').removeAttribute('src');
  show($('pass-section'), false);
  show($('history-section'), false);
  show($('register-section'), false);
  show($('lost-section'), true);
}

function showPass() {
  const img = $('qr');
  if (img.getAttribute('src') !== pass.qrPng) img.setAttribute('src', pass.qrPng);
  tick();
}

function scheduleRenewal() {
  clearTimeout(renewTimer);
  const left = pass.localExpiry - Date.now();
  const total = Math.max(1000, pass.localExpiry - (pass.issuedLocal || Date.now()));
  // Renew a few seconds before expiry so the code on screen is always scannable; for very
  // short lifetimes, at three quarters of the lifetime.
  const lead = Math.min(5000, total / 4);
  renewTimer = setTimeout(() => renew(), Math.max(0, left - lead));
}

function tick() {
  if (offlineMode && tickOffline()) return;
  if (!visitor || !pass) {
    $('countdown').textContent = pass === null && visitor ? t('pass.renewing') : '';
    return;
  }
  const left = pass.localExpiry - Date.now();
  const box = $('qr-box');
  const bar = $('countdown-bar');
  const total = Math.max(1000, pass.localExpiry - (pass.issuedLocal || Date.now()));
  if (left <= 0) {
    box.dataset.state = 'expired';
    $('countdown').textContent = t('pass.expired');
    bar.style.transform = 'scaleX(0)';
    if (!renewing && !retryTimer) renew();
    return;
  }
  announce(left, total);
  box.dataset.state = renewing ? 'renewing' : 'fresh';
  $('countdown').textContent = renewing ? t('pass.renewing') : t('pass.countdown', { s: Math.ceil(left / 1000) });
  // CSSOM writes are allowed under style-src 'self' (only style="" markup is not).
  bar.style.transform = `scaleX(${Math.max(0, Math.min(1, left / total)).toFixed(3)})`;
}

/**
 * The countdown on screen changes every second; a screen reader hears only a new code, and
 * "10 seconds left" when the code could not be renewed in time (WCAG 4.1.3, issue 13 item 7).
 */
function announce(left, total) {
  const region = $('pass-announce');
  if (announced.token !== pass.token) {
    announced = { token: pass.token, soon: false };
    region.textContent = t('pass.announce.new', { s: Math.round(total / 1000) });
  } else if (!announced.soon && left <= 10000 && total > 15000 && (retryTimer || renewing)) {
    announced.soon = true;
    region.textContent = t('pass.announce.soon', { s: Math.ceil(left / 1000) });
  }
}

async function loadHistory() {
  if (!visitor) return;
  const error = $('history-error');
  try {
    const path = `/api/visitors/${encodeURIComponent(visitor.visitorId)}/history`;
    const res = await api('GET', path, { token: visitor.secret });
    show(error, false);
    renderHistory(res.data || {});
    pruneBundle(res.data || {});
  } catch (err) {
    // Only the pass endpoint decides that the registration is gone (its next renewal is
    // seconds away): a history that cannot be read must not take the QR off the screen.
    error.textContent = errorText(err);
    show(error, true);
  }
}

function byTimeDesc(key) {
  return (a, b) => (Date.parse(b[key]) || 0) - (Date.parse(a[key]) || 0);
}

function renderHistory(data) {
  const visits = Array.isArray(data.visits) ? [...data.visits].sort(byTimeDesc('scannedAt')) : [];
  const accesses = Array.isArray(data.accesses) ? [...data.accesses].sort(byTimeDesc('at')) : [];
  const vl = $('visits');
  clear(vl);
  if (!visits.length) vl.append(el('li', { class: 'empty', text: t('pass.history.visits.none') }));
  for (const v of visits) {
    const dir = v.direction === 'out' ? 'out' : 'in';
    vl.append(el('li', { class: 'event' },
      el('span', { class: 'event-main', text: v.venueName ?? '' }),
      el('span', { class: `badge badge-${dir}`, text: t(`common.${dir}`) }),
      el('time', { class: 'event-time', datetime: v.scannedAt, text: fmtDateTime(v.scannedAt) })));
  }
  const al = $('accesses');
  clear(al);
  if (!accesses.length) al.append(el('li', { class: 'empty', text: t('pass.history.accesses.none') }));
  for (const a of accesses) {
    al.append(el('li', { class: 'event' },
      el('span', { class: 'event-main', text: t('pass.history.access', { caseRef: a.caseRef ?? '' }) }),
      el('time', { class: 'event-time', datetime: a.at, text: fmtDateTime(a.at) })));
  }
  renderNotices(Array.isArray(data.notices) ? [...data.notices].sort(byTimeDesc('at')) : []);
}

/** The level's own words: only the two levels the API has; anything else shows as "get tested". */
function level(n) {
  return n.level === 'isolate' ? 'isolate' : 'test';
}

/**
 * Exposure notices: each not yet acknowledged as a panel above the pass (venue and time of the
 * overlap, what to do, the official's message as plain text, "I have read this"), and all of them
 * in the history. Every text goes in through textContent: the message is untrusted.
 */
function renderNotices(notices) {
  const box = $('notices-unread');
  clear(box);
  const unread = notices.filter((n) => n && n.noticeId && !n.acknowledgedAt);
  for (const n of unread) {
    const id = `notice-${n.noticeId}`;
    const button = el('button', { class: 'button primary big notice-ack', type: 'button', text: t('pass.notice.ack') });
    const error = el('p', { class: 'message error', role: 'alert', hidden: true });
    button.addEventListener('click', () => acknowledge(n.noticeId, button, error));
    box.append(el('section', { class: `panel warning-panel notice notice-${level(n)}`, 'aria-labelledby': `${id}-h`, dataset: { noticeId: n.noticeId } },
      el('h1', { id: `${id}-h`, text: t('pass.notice.h') }),
      el('p', { class: 'notice-where', text: t('pass.notice.lead', { venue: n.venueName ?? '', time: fmtDateTime(n.visitAt) }) }),
      el('p', { class: 'notice-todo', text: t(`pass.notice.${level(n)}`) }),
      n.message ? el('p', { class: 'notice-message' }, el('span', { class: 'notice-message-label', text: t('pass.notice.message') }), ' ', el('span', { class: 'notice-message-text', text: n.message })) : null,
      el('p', { class: 'hint', text: t('pass.notice.private') }),
      el('p', { class: 'hint' }, el('time', { datetime: n.at, text: t('pass.notice.sent', { time: fmtDateTime(n.at) }) })),
      error,
      button));
  }
  show(box, unread.length > 0);
  const list = $('notices');
  clear(list);
  if (!notices.length) list.append(el('li', { class: 'empty', text: t('pass.history.notices.none') }));
  for (const n of notices) {
    const read = Boolean(n.acknowledgedAt);
    list.append(el('li', { class: 'event' },
      el('span', { class: 'event-main', text: t('pass.history.notice', { level: t(`pass.notice.level.${level(n)}`), venue: n.venueName ?? '', visitAt: fmtDateTime(n.visitAt) }) }),
      el('span', { class: `badge ${read ? 'badge-in' : 'badge-out'}`, text: t(read ? 'pass.history.notice.read' : 'pass.history.notice.unread') }),
      el('time', { class: 'event-time', datetime: n.at, text: fmtDateTime(n.at) })));
  }
}

async function acknowledge(noticeId, button, error) {
  if (!visitor) return;
  button.disabled = true;
  try {
    const path = `/api/visitors/${encodeURIComponent(visitor.visitorId)}/notices/${encodeURIComponent(noticeId)}/acknowledge`;
    await api('POST', path, { token: visitor.secret });
    await loadHistory();
  } catch (err) {
    error.textContent = errorText(err);
    show(error, true);
    button.disabled = false;
  }
}

async function loadRetention() {
  try {
    const res = await api('GET', '/api/transparency');
    const days = res.data && res.data.retentionDays;
    if (typeof days === 'number' && Number.isFinite(days)) {
      const li = $('retention');
      const [before, after] = t('pass.privacy.retention').split('{days}');
      clear(li);
      li.append(before, el('strong', { id: 'retention-days', text: String(days) }), after ?? '');
    }
  } catch {
    // keep the generic sentence ("after the legal retention period")
  }
}

// ---- offline passes (docs/design.md pass-bundle) ----

function loadBundle() {
  const id = visitor.visitorId;
  bundleReady = bundle.load(id).then((passes) => {
    if (!visitor || visitor.visitorId !== id) return;
    offlinePasses = passes;
    $('pass-section').dataset.offlinePasses = String(offlinePasses.length);
    // Known to be offline: show the slot's pass at once rather than after a failed renewal.
    if (navigator.onLine === false) enterOffline();
  });
}

/** Fetches a new bundle while online when the stored one runs low; failures wait for the next renewal. */
async function refreshBundle() {
  await bundleReady;
  if (!visitor || bundleFetching || Date.now() < bundleRetryAt || !bundle.runningLow(offlinePasses, Date.now())) return;
  bundleFetching = true;
  bundleRetryAt = Date.now() + 5 * 60 * 1000; // a refused or failed fetch is tried again in 5 min, not at every renewal
  const id = visitor.visitorId;
  try {
    const path = `/api/visitors/${encodeURIComponent(id)}/pass-bundle`;
    const res = await api('POST', path, { token: visitor.secret, timeoutMs: 20000 });
    if (visitor && visitor.visitorId === id && res.data && Array.isArray(res.data.passes)) {
      offlinePasses = await bundle.save(id, res.data.passes);
      $('pass-section').dataset.offlinePasses = String(offlinePasses.length);
      bundleRetryAt = 0;
    }
  } catch {
    // offline, rate-limited or refused: the live pass decides what the page shows
  } finally {
    bundleFetching = false;
  }
}

/** Drops the passes the history shows spent, and those of slots that are over (bundle.prune). */
async function pruneBundle(data) {
  await bundleReady;
  if (!visitor || !offlinePasses.length) return;
  const times = (Array.isArray(data.visits) ? data.visits : []).map((v) => Date.parse(v.scannedAt)).filter(Number.isFinite);
  const kept = bundle.prune(offlinePasses, Date.now(), times);
  if (kept.length === offlinePasses.length) return;
  offlinePasses = kept;
  $('pass-section').dataset.offlinePasses = String(kept.length);
  try {
    await bundle.save(visitor.visitorId, kept);
  } catch {
    // kept in memory; pruned again at the next history
  }
}

/** The server cannot be reached: show the current slot's offline pass, if there is one. */
function enterOffline() {
  if (!visitor || !bundle.current(offlinePasses, Date.now())) return;
  offlineMode = true;
  tick();
}

/** Shows the offline pass of the slot holding now; false when there is none (the page falls back). */
function tickOffline() {
  const now = Date.now();
  const p = bundle.current(offlinePasses, now);
  const label = $('offline-label');
  if (!p) {
    offlineMode = false;
    show(label, false);
    return false;
  }
  const img = $('qr');
  if (img.getAttribute('src') !== p.qrPng) img.setAttribute('src', p.qrPng);
  $('qr-box').dataset.state = 'offline';
  show(label, true);
  const until = new Date(p.to).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  $('countdown').textContent = t('pass.offline.until', { time: until });
  $('countdown-bar').style.transform = `scaleX(${Math.max(0, Math.min(1, (p.to - now) / (p.to - p.from))).toFixed(3)})`;
  return true;
}
// ---- end offline passes ----
