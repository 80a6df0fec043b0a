// Public figures of GET /api/transparency. Known fields get labels; anything else the
// server adds is still shown (generically), and missing fields are simply left out.
import { has, t } from './i18n.js';
import { api, clear, el, errorText, fmtCount, fmtDateTime, initPage, show } from './common.js';

const $ = (id) => document.getElementById(id);
const KNOWN = ['entriesHeld', 'oldestEntry', 'retentionDays', 'auditRetentionDays', 'officialsActive', 'devicesActive', 'venues', 'purges', 'queriesPerMonth', 'noticesPerMonth'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

initPage();
$('transparency-retry').addEventListener('click', load);
load();

async function load() {
  const status = $('transparency-status');
  status.textContent = t('common.loading');
  status.className = 'message';
  show(status, true);
  show($('transparency-retry'), false);
  try {
    const res = await api('GET', '/api/transparency');
    const data = res.data && typeof res.data === 'object' && !Array.isArray(res.data) ? res.data : {};
    render(data);
    show(status, false);
    loadCheckpoints();
  } catch (e) {
    status.textContent = errorText(e);
    status.className = 'message error';
    show($('transparency-retry'), true);
  }
}

/** Any value as readable text: numbers localised, "<5" as is, instants in local time. */
function fmtValue(v) {
  if (v === null || v === undefined || v === '') return t('transparency.empty');
  if (typeof v === 'number' || /^<\d+$/.test(String(v))) return fmtCount(v);
  if (typeof v === 'boolean') return v ? '✓' : '—';
  if (typeof v === 'string' && ISO_TIME.test(v)) return fmtDateTime(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * A label for a field of the answer. Every field the server sends today has one in both
 * languages; a field added later is shown with its name in words ("someNewCount" → "some new
 * count") until it gets one, rather than hidden.
 */
function fieldLabel(k) {
  if (has(`transparency.field.${k}`)) return t(`transparency.field.${k}`);
  return String(k).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function figure(id, labelKey, value) {
  return el('div', { class: 'figure', id },
    el('span', { class: 'figure-value', text: value }),
    el('span', { class: 'figure-label', text: t(labelKey) }));
}

function render(d) {
  const figures = $('figures');
  clear(figures);
  if ('entriesHeld' in d) figures.append(figure('entries-held', 'transparency.entriesHeld', fmtValue(d.entriesHeld)));
  if ('oldestEntry' in d) figures.append(figure('oldest-entry', 'transparency.oldestEntry', fmtValue(d.oldestEntry)));
  if ('retentionDays' in d) {
    const v = typeof d.retentionDays === 'number' ? t('transparency.retentionDays.value', { days: fmtCount(d.retentionDays) }) : fmtValue(d.retentionDays);
    figures.append(figure('retention-days', 'transparency.retentionDays', v));
  }
  if ('auditRetentionDays' in d) {
    const v = typeof d.auditRetentionDays === 'number' ? t('transparency.retentionDays.value', { days: fmtCount(d.auditRetentionDays) }) : fmtValue(d.auditRetentionDays);
    figures.append(figure('audit-retention-days', 'transparency.auditRetentionDays', v));
  }
  if ('venues' in d) figures.append(figure('venues', 'transparency.venues', fmtValue(d.venues)));
  if ('officialsActive' in d) figures.append(figure('officials-active', 'transparency.officialsActive', fmtValue(d.officialsActive)));
  if ('devicesActive' in d) figures.append(figure('devices-active', 'transparency.devicesActive', fmtValue(d.devicesActive)));
  show(figures, figures.childElementCount > 0);

  renderPurges(d.purges);
  renderQueries(d.queriesPerMonth);
  renderNotices(d.noticesPerMonth);

  const other = $('other-figures');
  clear(other);
  for (const [k, v] of Object.entries(d)) {
    if (KNOWN.includes(k)) continue;
    other.append(el('dt', { text: fieldLabel(k) }), el('dd', { text: fmtValue(v) }));
  }
  show($('other-section'), other.childElementCount > 0);
}

function renderPurges(purges) {
  const box = $('purges');
  clear(box);
  show($('purges-section'), purges !== undefined);
  if (!Array.isArray(purges) || !purges.length) {
    box.append(el('p', { class: 'empty', text: Array.isArray(purges) || purges == null ? t('transparency.purges.none') : fmtValue(purges) }));
    return;
  }
  const rows = purges.filter((p) => p && typeof p === 'object');
  const keys = [];
  for (const p of rows) for (const k of Object.keys(p)) if (!keys.includes(k) && k !== 'signature') keys.push(k);
  const label = fieldLabel;
  const table = el('table', { class: 'table' },
    el('thead', {}, el('tr', {}, keys.map((k) => el('th', { text: label(k), class: typeof rows[0][k] === 'number' ? 'num' : null })))),
    el('tbody', {}, rows.map((p) => el('tr', {}, keys.map((k) => el('td', { text: fmtValue(p[k]), class: typeof p[k] === 'number' || /^<\d+$/.test(String(p[k])) ? 'num' : null }))))));
  box.append(table);
}

/** The newest signed checkpoint of each log, from GET /api/checkpoints (newest first). */
async function loadCheckpoints() {
  const body = $('checkpoints').tBodies[0];
  try {
    const res = await api('GET', '/api/checkpoints?limit=10');
    const list = Array.isArray(res.data?.checkpoints) ? res.data.checkpoints : [];
    clear(body);
    const seen = new Set();
    for (const cp of list) {
      if (!cp || typeof cp !== 'object' || seen.has(cp.log)) continue;
      seen.add(cp.log);
      const head = String(cp.head ?? '');
      body.append(el('tr', { 'data-log': String(cp.log ?? '') },
        el('td', { text: has(`transparency.log.${cp.log}`) ? t(`transparency.log.${cp.log}`) : String(cp.log ?? '') }),
        el('td', { class: 'num', text: fmtValue(cp.entries) }),
        el('td', {}, el('code', { text: `${head.slice(0, 12)}…`, title: head })), // a hash, not words
        el('td', { text: fmtValue(cp.at) })));
    }
    if (!seen.size) body.append(el('tr', { class: 'empty' }, el('td', { colspan: 4, text: t('transparency.checkpoints.none') })));
    show($('checkpoints-section'), true);
  } catch {
    show($('checkpoints-section'), false); // the figures above still stand; the JSON link remains
  }
}

function fmtMonth(m) {
  const match = /^(\d{4})-(\d{2})$/.exec(String(m ?? ''));
  if (!match) return String(m ?? '');
  const d = new Date(Number(match[1]), Number(match[2]) - 1, 1);
  return d.toLocaleDateString(document.documentElement.lang === 'ko' ? 'ko-KR' : undefined, { year: 'numeric', month: 'long' });
}

function renderQueries(list) {
  show($('queries-section'), list !== undefined);
  const body = $('queries-per-month').tBodies[0];
  clear(body);
  if (!Array.isArray(list) || !list.length) {
    body.append(el('tr', { class: 'empty' }, el('td', { colspan: 3, text: t('transparency.queries.none') })));
    return;
  }
  for (const q of list) {
    if (!q || typeof q !== 'object') continue;
    body.append(el('tr', {},
      el('td', { text: fmtMonth(q.month) }),
      el('td', { class: 'num', text: fmtValue(q.queries) }),
      el('td', { class: 'num', text: fmtValue(q.recordsReturned) })));
  }
}

/** Exposure notices sent and acknowledged per month (each counted in the month it happened). */
function renderNotices(list) {
  show($('notices-section'), list !== undefined);
  const body = $('notices-per-month').tBodies[0];
  clear(body);
  if (!Array.isArray(list) || !list.length) {
    body.append(el('tr', { class: 'empty' }, el('td', { colspan: 3, text: t('transparency.notices.none') })));
    return;
  }
  for (const n of list) {
    if (!n || typeof n !== 'object') continue;
    body.append(el('tr', {},
      el('td', { text: fmtMonth(n.month) }),
      el('td', { class: 'num', text: fmtValue(n.sent) }),
      el('td', { class: 'num', text: fmtValue(n.acknowledged) })));
  }
}
