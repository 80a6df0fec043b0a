// Venue owner page: sign in (password and one-time code, like officials), then the owner's venues
// with live occupancy, capacity and today's scans, refreshed every POLL_MS without a reload; and a
// venue's door kit poster (?kit=<venueId>), printable on A4. Counts only: the server sends no visitor.
// The session token lives in sessionStorage only (gone when the tab closes).
import { t } from './i18n.js';
import { wireSignIn } from './signin.js';
import {
  ApiError, api, clear, el, errorMessage, fmtCount, fmtTime, initPage, show, storageGet, storageSet,
} from './common.js';
import { atCapacity, capacityWarning, occupancyText } from './occupancy.js';

const KEY_SESSION = 'entrylog.venue.session';
const POLL_MS = 10000;
const $ = (id) => document.getElementById(id);
let session = storageGet(KEY_SESSION, sessionStorage);
let pollTimer = null;
const kitVenue = new URLSearchParams(location.search).get('kit');

initPage();
wireSignIn(onSession);
$('logout').addEventListener('click', logout);
$('kit-print').addEventListener('click', () => window.print());
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
  pollTimer = setTimeout(refresh, POLL_MS);
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
    el('p', {}, el('a', { class: 'venue-kit', href: `/venue?kit=${encodeURIComponent(id)}`, text: t('venue.kit.link') })));
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
    show($('kit-poster'), true);
    show(err, false);
  } catch (e) {
    if (signedOut(e)) return;
    err.textContent = errorMessage(e, 'venue.kit');
    show(err, true);
  }
}
