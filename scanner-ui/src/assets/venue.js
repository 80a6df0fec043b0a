// Venue owner page: sign in (password and one-time code, like officials), then the owner's venues
// with live occupancy, capacity and today's scans, refreshed every POLL_MS without a reload; each
// venue's tablets (label, area, enrolled, last seen, scans today, scans queued offline) with label
// and area editing, revoking (two taps) and a new enrollment code (two taps; shown once, with the
// server's QR, and printable as the door kit's staff sheet); and a venue's door kit (?kit=<venueId>:
// the visitor poster; after a new code also the staff sheet), printable on A4. Counts only: the
// server sends no visitor. The session token lives in sessionStorage only (gone when the tab
// closes); a new code lives only in this page's memory.
import { t } from './i18n.js';
import { wireSignIn } from './signin.js';
import {
  ApiError, api, clear, el, errorMessage, fmtCount, fmtDateTime, fmtTime, initPage, show, storageGet, storageSet,
  twoStepButton,
} from './common.js';
import { atCapacity, capacityWarning, occupancyText } from './occupancy.js';

const KEY_SESSION = 'entrylog.venue.session';
const POLL_MS = 10000;
const $ = (id) => document.getElementById(id);
let session = storageGet(KEY_SESSION, sessionStorage);
let pollTimer = null;
let kitVenue = new URLSearchParams(location.search).get('kit');
/** The venue's new enrollment code, while this page is open: {venueId, name, enrollmentUrl, enrollmentQrPng, …}. */
let freshCode = null;

initPage();
wireSignIn(onSession);
$('logout').addEventListener('click', logout);
$('kit-print').addEventListener('click', () => window.print());
$('kit-back').addEventListener('click', (e) => {
  if (!freshCode) return; // a plain link back to /venue
  e.preventDefault(); // stay on this page, which alone holds the new code
  history.pushState(null, '', `/venue${langQuery('?')}`);
  kitVenue = null;
  render();
});
window.addEventListener('popstate', () => {
  kitVenue = new URLSearchParams(location.search).get('kit');
  render();
});

/** The page's ?lang= (if any), to keep across in-page navigation. */
function langQuery(sep) {
  const lang = new URLSearchParams(location.search).get('lang');
  return lang ? `${sep}lang=${encodeURIComponent(lang)}` : '';
}
render();

function sessionValid() {
  if (!session || !session.token) return false;
  const exp = Date.parse(session.expiresAt);
  return !Number.isFinite(exp) || exp > Date.now();
}

function render(message) {
  clearTimeout(pollTimer);
  const signedIn = sessionValid();
  show($('login-section'), !signedIn);
  show($('logout'), signedIn);
  show($('venues-section'), signedIn && !kitVenue);
  show($('kit-section'), signedIn && Boolean(kitVenue));
  if (!signedIn) {
    if (session) {
      session = null;
      storageSet(KEY_SESSION, null, sessionStorage);
    }
    const err = $('login-error');
    err.textContent = message || '';
    show(err, Boolean(message));
    return;
  }
  if (kitVenue) loadKit();
  else refresh();
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
  clear($('venues'));
  render();
  if (token) {
    try {
      await api('DELETE', '/api/owner/sessions/current', { token, timeoutMs: 5000 });
    } catch {
      // the token is forgotten here either way; it also expires on the server
    }
  }
}

/** A 401 (expired session, or an official's account) ends the session on this page. */
function signedOut(e) {
  if (e instanceof ApiError && e.status === 401) {
    session = null;
    storageSet(KEY_SESSION, null, sessionStorage);
    render(t('venue.expired'));
    return true;
  }
  return false;
}

async function refresh() {
  const err = $('venues-error');
  try {
    const res = await api('GET', '/api/owner/venues', { token: session.token });
    show(err, false);
    showVenues((res.data && res.data.venues) || []);
  } catch (e) {
    if (signedOut(e)) return;
    err.textContent = errorMessage(e, 'venue.load'); // the numbers shown stay, with their time
    show(err, true);
  }
  await refreshTablets();
  pollTimer = setTimeout(refresh, POLL_MS);
}

// ---- tablets (issue 16) ----

const deviceBase = (venueId) => `/api/owner/venues/${encodeURIComponent(venueId)}`;

async function refreshTablets() {
  for (const li of [...$('venues').children]) {
    try {
      const res = await api('GET', `${deviceBase(li.dataset.venueId)}/devices`, { token: session.token });
      showTablets(li, (res.data && res.data.devices) || []);
    } catch (e) {
      if (signedOut(e)) return;
      tabletMessage(li, errorMessage(e, 'venue.tablets'), true);
    }
  }
}

function tabletMessage(li, text, error) {
  const m = li.querySelector('.tablets-message');
  m.textContent = text || '';
  m.classList.toggle('error', Boolean(error));
  show(m, Boolean(text));
}

function tabletsPanel(venueId) {
  const form = el('form', { class: 'tablet-form', hidden: true },
    el('label', {}, el('span', { text: t('venue.tablet.label') }),
      el('input', { class: 'tablet-form-label', name: 'label', maxlength: '40', autocomplete: 'off', required: true })),
    el('label', {}, el('span', { text: t('venue.tablet.area') }),
      el('input', { class: 'tablet-form-area', name: 'area', maxlength: '40', autocomplete: 'off', placeholder: t('venue.tablet.area.hint') })),
    el('div', { class: 'tablet-form-actions' },
      el('button', { class: 'button small primary tablet-form-save', type: 'submit', text: t('venue.tablet.save') }),
      el('button', { class: 'button small ghost tablet-form-cancel', type: 'button', text: t('venue.tablet.cancel') })));
  const newCode = el('button', { class: 'button small secondary venue-new-code', type: 'button', 'data-i18n': 'venue.code.new', text: t('venue.code.new') });
  const panel = el('section', { class: 'venue-tablets' },
    el('h3', { text: t('venue.tablets.h') }),
    el('div', { class: 'table-wrap' },
      el('table', { class: 'table tablets' },
        el('thead', {}, el('tr', {},
          el('th', { text: t('venue.tablet.label') }), el('th', { text: t('venue.tablet.area') }),
          el('th', { text: t('venue.tablet.enrolled') }), el('th', { text: t('venue.tablet.seen') }),
          el('th', { class: 'num', text: t('venue.tablet.scans') }), el('th', { class: 'num', text: t('venue.tablet.queued') }),
          el('th', { text: t('venue.tablet.actions') }))),
        el('tbody', {}))),
    el('p', { class: 'message tablets-message', role: 'status', hidden: true }),
    form,
    el('div', { class: 'venue-code-actions' }, newCode),
    el('div', { class: 'venue-code', hidden: true },
      el('p', { class: 'message warning', text: t('venue.code.once') }),
      el('img', { class: 'venue-code-qr kit-qr', alt: t('venue.code.qr.alt') }),
      el('p', { class: 'venue-code-url kit-link' }),
      el('p', {}, el('a', { class: 'button primary venue-code-kit', href: `/venue?kit=${encodeURIComponent(venueId)}`, text: t('venue.code.kit') }))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveTablet(panel, venueId);
  });
  form.querySelector('.tablet-form-cancel').addEventListener('click', () => show(form, false));
  twoStepButton(newCode, t('venue.code.confirm'), () => makeCode(panel, venueId));
  panel.querySelector('.venue-code-kit').addEventListener('click', (e) => {
    e.preventDefault();
    kitVenue = venueId;
    history.pushState(null, '', `/venue?kit=${encodeURIComponent(venueId)}${langQuery('&')}`);
    render();
  });
  return panel;
}

function showTablets(li, devices) {
  const body = li.querySelector('.tablets tbody');
  const ids = devices.map((d) => d.deviceId);
  if ([...body.children].map((r) => r.dataset.deviceId || '').join('\n') !== ids.join('\n')) {
    clear(body);
    if (!devices.length) body.append(el('tr', { class: 'empty' }, el('td', { colspan: '7', text: t('venue.tablets.none') })));
    for (const d of devices) body.append(tabletRow(li, d));
  }
  devices.forEach((d, i) => updateTablet(body.children[i], d));
}

function tabletRow(li, d) {
  const edit = el('button', { class: 'button small ghost tablet-edit', type: 'button', text: t('venue.tablet.edit') });
  const revoke = el('button', { class: 'button small danger tablet-revoke', type: 'button', 'data-i18n': 'venue.tablet.revoke', text: t('venue.tablet.revoke') });
  const row = el('tr', { class: 'tablet', dataset: { deviceId: d.deviceId } },
    el('td', { class: 'tablet-label' }), el('td', { class: 'tablet-area' }), el('td', { class: 'tablet-enrolled' }),
    el('td', { class: 'tablet-seen' }), el('td', { class: 'num tablet-scans' }), el('td', { class: 'num tablet-queued' }),
    el('td', { class: 'tablet-actions' }, edit, ' ', revoke));
  edit.addEventListener('click', () => {
    const form = li.querySelector('.tablet-form');
    form.dataset.deviceId = d.deviceId;
    form.querySelector('.tablet-form-label').value = row.dataset.label || '';
    form.querySelector('.tablet-form-area').value = row.dataset.area || '';
    show(form, true);
    form.querySelector('.tablet-form-label').focus();
  });
  twoStepButton(revoke, t('venue.tablet.revoke.confirm'), () => revokeTablet(li, d.deviceId));
  return row;
}

function updateTablet(row, d) {
  row.dataset.label = d.label || '';
  row.dataset.area = d.area || '';
  row.dataset.revoked = String(Boolean(d.revoked));
  row.querySelector('.tablet-label').textContent = d.label || '';
  row.querySelector('.tablet-area').textContent = d.area || '—';
  row.querySelector('.tablet-enrolled').textContent = fmtDateTime(d.enrolledAt);
  row.querySelector('.tablet-seen').textContent = d.lastSeenAt ? fmtDateTime(d.lastSeenAt) : t('venue.tablet.never');
  row.querySelector('.tablet-scans').textContent = fmtCount(d.scansToday);
  const queued = row.querySelector('.tablet-queued');
  queued.textContent = typeof d.queuedScans === 'number' ? fmtCount(d.queuedScans) : '—';
  queued.title = d.oldestQueuedAt ? t('venue.tablet.oldest', { time: fmtDateTime(d.oldestQueuedAt) }) : '';
  row.classList.toggle('revoked', Boolean(d.revoked));
  show(row.querySelector('.tablet-edit'), !d.revoked);
  const revoke = row.querySelector('.tablet-revoke');
  show(revoke, !d.revoked);
  const state = row.querySelector('.tablet-state');
  if (d.revoked && !state) row.querySelector('.tablet-actions').append(el('span', { class: 'tablet-state', text: t('venue.tablet.revoked') }));
  if (!d.revoked && state) state.remove();
}

async function saveTablet(panel, venueId) {
  const form = panel.querySelector('.tablet-form');
  const li = panel.closest('.venue-card');
  const body = { label: form.querySelector('.tablet-form-label').value.trim(), area: form.querySelector('.tablet-form-area').value.trim() };
  try {
    await api('POST', `${deviceBase(venueId)}/devices/${encodeURIComponent(form.dataset.deviceId)}`, { token: session.token, body });
    show(form, false);
    tabletMessage(li, t('venue.tablet.saved'), false);
    await refreshTablets();
  } catch (e) {
    if (signedOut(e)) return;
    tabletMessage(li, errorMessage(e, 'venue.tablets'), true);
  }
}

async function revokeTablet(li, deviceId) {
  try {
    await api('POST', `${deviceBase(li.dataset.venueId)}/devices/${encodeURIComponent(deviceId)}/revoke`, { token: session.token });
    tabletMessage(li, t('venue.tablet.revoked.done'), false);
    await refreshTablets();
  } catch (e) {
    if (signedOut(e)) return;
    tabletMessage(li, errorMessage(e, 'venue.tablets'), true);
  }
}

async function makeCode(panel, venueId) {
  const li = panel.closest('.venue-card');
  try {
    const res = await api('POST', `${deviceBase(venueId)}/enrollment-code`, { token: session.token });
    freshCode = res.data;
    const box = panel.querySelector('.venue-code');
    box.querySelector('.venue-code-qr').setAttribute('src', freshCode.enrollmentQrPng);
    box.querySelector('.venue-code-url').textContent = freshCode.enrollmentUrl;
    show(box, true);
    tabletMessage(li, t('venue.code.made'), false);
  } catch (e) {
    if (signedOut(e)) return;
    tabletMessage(li, errorMessage(e, 'venue.tablets'), true);
  }
}

/** Updates the cards in place (same venues) or builds them (first time, or the set changed). */
function showVenues(venues) {
  const list = $('venues');
  const ids = venues.map((v) => String(v.venueId));
  const shown = [...list.children].map((li) => li.dataset.venueId);
  if (ids.join('\n') !== shown.join('\n')) {
    clear(list);
    for (const v of venues) list.append(card(v));
  }
  venues.forEach((v, i) => update(list.children[i], v));
  $('venues-asof').textContent = venues.length ? t('venue.asof', { time: fmtTime(venues[0].asOf) }) : t('venue.none');
}

function card(v) {
  const id = String(v.venueId);
  return el('li', { class: 'panel venue-card', dataset: { venueId: id } },
    el('h2', { class: 'venue-name', text: v.name }),
    el('p', { class: 'occupancy' },
      el('span', { class: 'occupancy-label', text: t('occupancy.inside') }), ' ',
      el('span', { class: 'occupancy-value' })),
    el('p', { class: 'occupancy-full', hidden: true }, capacityWarning()),
    el('dl', { class: 'venue-facts' },
      el('dt', { text: t('venue.capacity') }), el('dd', { class: 'venue-capacity' }),
      el('dt', { text: t('venue.scansToday') }), el('dd', { class: 'venue-scans' })),
    el('p', {}, el('a', { class: 'venue-kit', href: `/venue?kit=${encodeURIComponent(id)}`, text: t('venue.kit.link') })),
    tabletsPanel(id));
}

function update(li, v) {
  li.querySelector('.occupancy-value').textContent = occupancyText(v.inside, v.capacity);
  li.querySelector('.venue-capacity').textContent = typeof v.capacity === 'number' ? fmtCount(v.capacity) : t('venue.capacity.none');
  li.querySelector('.venue-scans').textContent = fmtCount(v.scansToday);
  const full = atCapacity(v.inside, v.capacity);
  li.classList.toggle('full', full);
  show(li.querySelector('.occupancy-full'), full);
}

async function loadKit() {
  const err = $('kit-error');
  try {
    const res = await api('GET', `/api/owner/venues/${encodeURIComponent(kitVenue)}/poster`, { token: session.token });
    $('kit-venue-name').textContent = res.data.name;
    $('kit-pass-qr').setAttribute('src', res.data.passQrPng);
    $('kit-pass-url').textContent = res.data.passUrl;
    // the staff sheet only while this page holds a new code of this venue (the server keeps codes hashed)
    const staff = freshCode && freshCode.venueId === kitVenue ? freshCode : null;
    if (staff) {
      $('kit-staff-venue-name').textContent = res.data.name;
      $('kit-enroll-qr').setAttribute('src', staff.enrollmentQrPng);
      $('kit-enroll-url').textContent = staff.enrollmentUrl;
    }
    show($('kit-staff'), Boolean(staff));
    show($('kit-note'), !staff);
    show($('kit-poster'), true);
    show(err, false);
  } catch (e) {
    if (signedOut(e)) return;
    err.textContent = errorMessage(e, 'venue.kit');
    show(err, true);
  }
}
