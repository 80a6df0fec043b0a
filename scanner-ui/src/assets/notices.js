// The console's exposure notices (docs/design.md, Exposure notices): the contacts of the last
// trace, grouped by venue and the case's visits there, each with a checkbox; "select all", the
// level, an optional one-line message, and "Send notice" → POST /api/notices.
// A notice reveals nothing to the official and unseals nobody; it reaches only contacts of this
// case's trace.
import { t } from './i18n.js';
import { api, el, errorMessage, fmtDateTime, show } from './common.js';

const $ = (id) => document.getElementById(id);
let getToken = () => null;
let onAuthError = () => false;
let caseRef = null;

export function initNotices(tokenOf, authError) {
  getToken = tokenOf;
  onAuthError = authError;
  $('notice-form').addEventListener('submit', send);
  $('notice-all').addEventListener('change', () => {
    for (const box of boxes()) box.checked = $('notice-all').checked;
  });
}

function boxes() {
  return [...document.querySelectorAll('#trace-contacts input.notice-pick')];
}

/**
 * The contacts' rows, grouped by venue (in the order the venues first appear) under a header
 * naming the case's visits there, each with its checkbox first. Resets the form for this case.
 */
export function contactRows(data, contactCells) {
  caseRef = data.caseRef ?? null;
  const contacts = Array.isArray(data.contacts) ? data.contacts : [];
  const visits = Array.isArray(data.visits) ? data.visits : [];
  const groups = new Map();
  for (const c of contacts) {
    const key = c.venueId ?? c.venueName ?? '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  const rows = [];
  for (const [venueId, list] of groups) {
    const times = visits.filter((v) => (v.venueId ?? v.venueName ?? '') === venueId).map((v) => fmtDateTime(v.scannedAt));
    rows.push(el('tr', { class: 'contact-group' },
      el('th', { colspan: 7, scope: 'colgroup', text: t('console.contacts.group', { venue: list[0].venueName ?? venueId, times: times.join(', '), n: new Set(list.map((c) => c.visitorId)).size }) })));
    for (const c of list) {
      const pick = el('input', { type: 'checkbox', class: 'notice-pick', value: c.visitorId ?? '', 'aria-label': t('console.notice.select', { visitor: c.visitorId ?? '' }) });
      pick.addEventListener('change', syncAll);
      rows.push(el('tr', { class: c.sameArea === true ? 'contact same-area' : 'contact' }, el('td', {}, pick), ...contactCells(c)));
    }
  }
  $('notice-all').checked = false;
  $('notice-message').value = '';
  $('notice-level-test').checked = true;
  show($('notice-status'), false);
  show($('notice-form'), contacts.length > 0);
  return rows;
}

/** A contact seen at several venues has several rows: one checkbox ticks all of them. */
function syncAll(ev) {
  for (const box of boxes()) if (box.value === ev.target.value) box.checked = ev.target.checked;
  $('notice-all').checked = boxes().every((b) => b.checked);
}

async function send(ev) {
  ev.preventDefault();
  const status = $('notice-status');
  const ids = [...new Set(boxes().filter((b) => b.checked).map((b) => b.value))];
  if (!ids.length) {
    status.textContent = t('console.notice.none');
    status.className = 'message error';
    show(status, true);
    return;
  }
  const body = { caseRef, visitorIds: ids, level: $('notice-level-isolate').checked ? 'isolate' : 'test' };
  const message = $('notice-message').value.trim();
  if (message) body.message = message;
  const button = $('notice-submit');
  button.disabled = true;
  button.textContent = t('console.notice.busy');
  try {
    const res = await api('POST', '/api/notices', { body, token: getToken(), timeoutMs: 60000 });
    status.textContent = t('console.notice.sent', { n: res.data && res.data.sent, m: ids.length });
    status.className = 'message';
  } catch (e) {
    if (onAuthError(e)) return;
    status.textContent = errorMessage(e, 'console.notice');
    status.className = 'message error';
  } finally {
    button.disabled = false;
    button.textContent = t('console.notice.submit');
  }
  show(status, true);
}
