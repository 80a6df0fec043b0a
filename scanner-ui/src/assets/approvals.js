// The official console's purpose-bound parts: the signed-in official's region scope, a venue's
// visits (answered only within a trace's reach or a granted approval: otherwise needs_approval),
// requesting an approval, and granting another official's request (never one's own).
import { t } from './i18n.js';
import { ApiError, api, clear, el, errorText, fmtDateTime, show } from './common.js';

const $ = (id) => document.getElementById(id);
let ctx = null;
let lastVenueQuery = null;

/** getToken(): the session token or null; onAuthError(e): true when it handled a 401. */
export function initApprovals(getToken, onAuthError) {
  ctx = { getToken, onAuthError };
  $('venue-form').addEventListener('submit', onVenueList);
  $('approval-submit').addEventListener('click', onRequest);
  $('approvals-refresh').addEventListener('click', () => loadApprovals());
}

/** After sign-in (and on reload): the region scope and the approvals. */
export function refreshSigned() {
  loadScope();
  loadApprovals();
}

/** What the trace answer says about contacts outside the official's regions (or nothing). */
export function outsideRegionText(counts) {
  if (!Array.isArray(counts) || !counts.length) return '';
  const parts = counts.map((c) => t('console.region.count', {
    region: c.region ?? t('console.region.none'), n: Number(c.contacts) || 0,
  }));
  return t('console.region.outside', { list: parts.join(', ') });
}

/** Fills the venue form from a case visit of a trace: that venue, ± the trace's window. */
export function prefillVenue(caseRef, venueId, scannedAt, windowMinutes) {
  const at = Date.parse(scannedAt);
  if (!Number.isFinite(at)) return;
  const w = (Number(windowMinutes) || 0) * 60000;
  $('venue-caseref').value = caseRef;
  $('venue-id').value = venueId;
  // the inputs hold whole minutes: round inwards so the list stays inside the trace's reach
  $('venue-from').value = toLocalInput(new Date(Math.ceil((at - w) / 60000) * 60000));
  $('venue-to').value = toLocalInput(new Date(Math.floor((at + w) / 60000) * 60000));
  $('venue-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function toLocalInput(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function failed(e, box) {
  if (ctx.onAuthError(e)) return;
  box.textContent = e instanceof ApiError && e.code === 'needs_approval' ? t('console.needsApproval') : errorText(e);
  show(box, true);
}

async function loadScope() {
  const box = $('region-scope');
  const token = ctx.getToken();
  if (!token) return;
  try {
    const res = await api('GET', '/api/sessions/current', { token });
    const s = res.data || {};
    const regions = Array.isArray(s.regions) ? s.regions : [];
    box.textContent = s.national || !regions.length
      ? t('console.region.national')
      : t('console.region.some', { regions: regions.join(', ') });
    show(box, true);
  } catch (e) {
    ctx.onAuthError(e);
    show(box, false);
  }
}

function readVenueForm() {
  const caseRef = $('venue-caseref').value.trim();
  const venueId = $('venue-id').value.trim();
  const from = new Date($('venue-from').value);
  const to = new Date($('venue-to').value);
  if (!caseRef || !venueId || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    return { error: t('common.required', { field: [t('console.caseref'), t('console.venueid'), t('console.from'), t('console.to')].join(', ') }) };
  }
  if (from > to) return { error: t('console.range') };
  return { query: { caseRef, venueId, from: from.toISOString(), to: to.toISOString() } };
}

async function onVenueList(ev) {
  ev.preventDefault();
  const err = $('venue-error');
  show(err, false);
  show($('approval-message'), false);
  show($('approval-request'), false);
  show($('venue-results'), false);
  const form = readVenueForm();
  if (form.error) {
    err.textContent = form.error;
    show(err, true);
    return;
  }
  const q = form.query;
  lastVenueQuery = q;
  const path = `/api/venues/${encodeURIComponent(q.venueId)}/visits?from=${encodeURIComponent(q.from)}`
    + `&to=${encodeURIComponent(q.to)}&caseRef=${encodeURIComponent(q.caseRef)}`;
  const button = $('venue-submit');
  button.disabled = true;
  try {
    const res = await api('GET', path, { token: ctx.getToken(), timeoutMs: 60000 });
    renderVisits((res.data && res.data.visits) || []);
  } catch (e) {
    failed(e, err);
    // outside a trace's reach: offer to ask a second official for exactly this list
    if (e instanceof ApiError && e.code === 'needs_approval') show($('approval-request'), true);
  } finally {
    button.disabled = false;
  }
}

function renderVisits(visits) {
  const body = $('venue-visits').tBodies[0];
  clear(body);
  if (!visits.length) body.append(el('tr', { class: 'empty' }, el('td', { colspan: 4, text: t('common.none') })));
  for (const v of visits) {
    const sealed = String(v.sealedIdentity ?? '');
    body.append(el('tr', {},
      el('td', {}, el('time', { datetime: v.scannedAt, text: fmtDateTime(v.scannedAt) })),
      el('td', { text: t(v.direction === 'out' ? 'common.out' : 'common.in') }),
      el('td', {}, el('code', { text: v.visitorId ?? '' })),
      el('td', {}, el('code', { class: 'sealed', title: sealed, text: sealed.length > 24 ? `${sealed.slice(0, 12)}…${sealed.slice(-8)}` : sealed }))));
  }
  show($('venue-results'), true);
}

async function onRequest() {
  const msg = $('approval-message');
  show(msg, false);
  const reason = $('approval-reason').value.trim();
  if (!lastVenueQuery) return;
  if (!reason) {
    msg.className = 'message error';
    msg.textContent = t('common.required', { field: t('console.approval.reason') });
    show(msg, true);
    $('approval-reason').focus();
    return;
  }
  const button = $('approval-submit');
  button.disabled = true;
  try {
    const res = await api('POST', '/api/approvals', { token: ctx.getToken(), body: { ...lastVenueQuery, reason } });
    msg.className = 'message';
    msg.textContent = t('console.approval.sent', { id: (res.data && res.data.approvalId) || '' });
    show(msg, true);
    show($('approval-request'), false);
    $('approval-reason').value = '';
    loadApprovals();
  } catch (e) {
    msg.className = 'message error';
    failed(e, msg);
  } finally {
    button.disabled = false;
  }
}

async function loadApprovals() {
  const err = $('approvals-error');
  show(err, false);
  const token = ctx.getToken();
  if (!token) return;
  try {
    const res = await api('GET', '/api/approvals', { token });
    renderApprovals((res.data && res.data.approvals) || []);
  } catch (e) {
    failed(e, err);
  }
}

function renderApprovals(items) {
  const body = $('approvals').tBodies[0];
  clear(body);
  if (!items.length) body.append(el('tr', { class: 'empty' }, el('td', { colspan: 6, text: t('common.none') })));
  for (const a of items) {
    const status = el('td', {});
    if (a.status === 'granted') {
      status.append(t('console.approvals.granted', { by: a.grantedBy ?? '', time: fmtDateTime(a.expiresAt) }));
    } else {
      const button = el('button', { class: 'button small primary', type: 'button', text: t('console.approvals.grant'), dataset: { approval: a.approvalId ?? '' } });
      button.addEventListener('click', () => grant(a.approvalId, button));
      status.append(el('span', { class: 'hint', text: t('console.approvals.pending', { time: fmtDateTime(a.expiresAt) }) }), ' ', button);
    }
    body.append(el('tr', {},
      el('td', {}, el('code', { text: a.caseRef ?? '' })),
      el('td', { text: a.venueName ?? a.venueId ?? '' }),
      el('td', { text: `${fmtDateTime(a.from)} – ${fmtDateTime(a.to)}` }),
      el('td', { text: a.reason ?? '' }),
      el('td', { text: a.requestedBy ?? '' }),
      status));
  }
}

async function grant(approvalId, button) {
  const err = $('approvals-error');
  show(err, false);
  button.disabled = true;
  try {
    await api('POST', `/api/approvals/${encodeURIComponent(approvalId)}/grant`, { token: ctx.getToken() });
    loadApprovals();
  } catch (e) {
    // the server refuses one's own request (a second official must grant it): say so plainly
    if (e instanceof ApiError && e.code === 'forbidden') {
      err.textContent = `${t('console.approvals.notYours')} ${e.message || ''}`.trim();
      show(err, true);
    } else {
      failed(e, err);
    }
    button.disabled = false;
  }
}
