// Sending scans and manual entries, and keeping those that cannot be delivered. A scan that
// meets no connection, a timeout, a 5xx or a 429 is kept in the offline queue (../queue.js)
// with its original scannedAt and sent later through /api/scans/batch: on `online`, every
// FLUSH_EVERY_MS, after a successful scan and on load. Manual entries have no batch form
// and are sent one by one. Scans and batches carry the tablet's queue report (queue.reportHeaders),
// which the owner page and the operator's /metrics show.
import { has, t } from '../i18n.js';
import { ApiError, NetworkError, api, errorDetail, errorText, localDay } from '../common.js';
import * as queue from '../queue.js';

const SCAN_TIMEOUT_MS = 4000; // slower than this and the scan is kept offline instead
const BATCH_MAX = 500;
const FLUSH_EVERY_MS = 10000;
const MAX_TOKEN_CHARS = 4096; // passes are ≤ 200 characters; anything huge is not a pass

function reasonFor(err) {
  if (err instanceof ApiError && has(`scan.reason.${err.code}`)) return t(`scan.reason.${err.code}`);
  return errorText(err);
}

function shouldQueue(err) {
  return err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429));
}

/** Sends a chunk one scan at a time (when the server refused the batch as a whole). */
async function sendSingly(chunk, secret) {
  const results = [];
  for (const item of chunk) {
    try {
      const res = await api('POST', '/api/scans', { body: item.body, token: secret, timeoutMs: 10000 });
      results.push({ status: res.status, ...(res.data || {}) });
    } catch (err) {
      if (err instanceof NetworkError) break;
      results.push({ status: err.status || 500, error: err.code, message: err.serverMessage });
      if (err.status === 429) break;
    }
  }
  return results;
}

/** Delivery for this tablet (`tablet` from tablet.js), answering on `screen` (screen.js). */
export function createSync({ tablet, screen, companions }) {
  let flushing = false;
  let blockedUntil = 0; // after a 429, nothing is sent before this time
  let timer = null;

  const countOne = () => {
    screen.today = tablet.countOne();
  };
  const blockFor = (err) => {
    blockedUntil = Date.now() + (err.retryAfter || 10) * 1000;
  };
  /**
   * What a failed send of `secret`'s items means for a flush: 'later' (no connection, 5xx,
   * or 429, which also holds further sends back: stop, keep everything), 'stop' (401/403: a
   * revoked or unknown tablet; its items are kept, as the only record of those visits, and
   * the screen says so; "Forget this tablet" discards them) or 'refused' (a definite answer
   * for what was sent).
   */
  const failure = (err, secret, report) => {
    if (err instanceof NetworkError || err.status >= 500) return 'later';
    if (err.status === 429) {
      blockFor(err);
      return 'later';
    }
    if (err.status === 401 || err.status === 403) {
      if (secret === tablet.device.secret) report.unauthorized = true;
      return 'stop';
    }
    return 'refused';
  };

  async function updatePending() {
    let n = 0;
    try {
      n = tablet.device ? await queue.count() : 0;
    } catch {
      n = 0;
    }
    screen.pending = n;
    return n;
  }

  function flushSoon() {
    if (screen.pending > 0) setTimeout(flush, 200);
  }

  /** Keeps an undelivered scan or manual entry; false when IndexedDB refused it. */
  async function keepOffline(kind, body, err) {
    if (err instanceof NetworkError || !err) screen.setOffline(true);
    try {
      // A pass read again after a reload (the 5 s memory is gone) is already kept: once is enough.
      const kept = kind === 'scan' && (await queue.all()).some((i) => i.kind === 'scan' && i.secret === tablet.device.secret && i.body.token === body.token);
      if (!kept) await queue.add({ kind, body, deviceId: tablet.device.deviceId, secret: tablet.device.secret });
    } catch {
      screen.showResult('rejected', t('scan.reason.local_storage'), '', body.scannedAt);
      return false;
    }
    await updatePending();
    if (err instanceof ApiError && err.status === 429) blockFor(err);
    const busyServer = err instanceof ApiError;
    screen.showResult('queued', t(busyServer ? 'scan.result.queued.busy' : 'scan.result.queued.reason'), errorDetail(err), body.scannedAt);
    return true;
  }

  /** Sends a pass read now; the answer (accepted, duplicate, rejected or queued) goes on screen. */
  async function submitScan(token) {
    const scannedAt = new Date().toISOString();
    if (token.length > MAX_TOKEN_CHARS) {
      screen.showResult('rejected', t('scan.reason.token_malformed'), '', scannedAt);
      return;
    }
    const body = { token, scannedAt, direction: tablet.direction };
    // companions (issue 13): chosen before the scan, sent with it (scan/companions.js)
    const n = companions ? companions.take() : 0;
    if (n) body.companions = n;
    if (navigator.onLine === false) {
      await keepOffline('scan', body, null);
      return;
    }
    try {
      const headers = await queue.reportHeaders(tablet.device.secret);
      const res = await api('POST', '/api/scans', { body, token: tablet.device.secret, timeoutMs: SCAN_TIMEOUT_MS, headers });
      screen.setOffline(false);
      if (res.data && res.data.duplicate === true) {
        screen.showResult('duplicate', '', '', scannedAt);
      } else {
        countOne();
        screen.showResult('accepted', '', n ? t('scan.companions.with', { n }) : '', scannedAt);
      }
      flushSoon();
    } catch (err) {
      if (shouldQueue(err)) {
        await keepOffline('scan', body, err);
      } else {
        screen.showResult('rejected', reasonFor(err), errorDetail(err), scannedAt);
      }
    }
  }

  /**
   * Sends a manual entry {name, phone, scannedAt}; the answer goes on screen. Resolves true
   * when it was recorded or kept (the form may be cleared), false when it could not be
   * kept; rejects with the server's refusal, for the form to show.
   */
  async function submitManual(body) {
    try {
      if (navigator.onLine === false) throw new NetworkError(null);
      await api('POST', '/api/manual-entries', { body, token: tablet.device.secret, timeoutMs: SCAN_TIMEOUT_MS });
      screen.setOffline(false);
      countOne();
      screen.showResult('accepted', '', '', body.scannedAt, t('scan.result.accepted'));
      return true;
    } catch (err) {
      if (shouldQueue(err)) return keepOffline('manual', body, err);
      throw err;
    }
  }

  /**
   * Sends one device's scans by batches of BATCH_MAX, adding to `report`. Returns 'later'
   * when the whole flush must stop, 'stop' when this device's other items must wait, else
   * 'done'.
   */
  async function sendScans(secret, scans, report) {
    for (let i = 0; i < scans.length; i += BATCH_MAX) {
      const chunk = scans.slice(i, i + BATCH_MAX);
      let results;
      try {
        const res = await api('POST', '/api/scans/batch', {
          body: { scans: chunk.map((c) => c.body) }, token: secret, timeoutMs: 30000,
          headers: await queue.reportHeaders(secret),
        });
        results = res.data && Array.isArray(res.data.results) ? res.data.results : [];
      } catch (err) {
        const failed = failure(err, secret, report);
        if (failed !== 'refused') return failed;
        results = await sendSingly(chunk, secret);
      }
      screen.setOffline(false);
      const done = [];
      chunk.forEach((item, idx) => {
        const r = results[idx];
        if (!r || typeof r.status !== 'number' || r.status >= 500 || r.status === 429) return;
        done.push(item.id);
        if (r.status === 200 || r.status === 201) {
          report.sent += 1;
          if (r.status === 201 && r.duplicate !== true && localDay(new Date(item.body.scannedAt)) === localDay()) countOne();
        } else {
          report.refused.push(reasonFor(new ApiError(r.status, r.error, r.message)));
        }
      });
      await queue.remove(done);
      if (done.length < chunk.length) return 'stop'; // the rest waits for the next round
    }
    return 'done';
  }

  /** Sends one device's manual entries one by one, adding to `report`; returns as sendScans. */
  async function sendManual(secret, entries, report) {
    for (const item of entries) {
      try {
        await api('POST', '/api/manual-entries', { body: item.body, token: secret, timeoutMs: 10000 });
        screen.setOffline(false); // the server answered: take the offline banner down
        report.sent += 1;
        if (localDay(new Date(item.body.scannedAt)) === localDay()) countOne();
        await queue.remove([item.id]);
      } catch (err) {
        const failed = failure(err, secret, report);
        if (failed !== 'refused') return failed;
        report.refused.push(reasonFor(err));
        await queue.remove([item.id]);
      }
    }
    return 'done';
  }

  /** Sends what the queue holds, grouped by the device that recorded it, and says how it went. */
  async function flush() {
    if (flushing || !tablet.device || Date.now() < blockedUntil) return;
    flushing = true;
    const report = { sent: 0, refused: [], unauthorized: false };
    try {
      const groups = new Map();
      for (const item of await queue.all()) {
        if (!groups.has(item.secret)) groups.set(item.secret, []);
        groups.get(item.secret).push(item);
      }
      for (const [secret, group] of groups) {
        const scans = await sendScans(secret, group.filter((i) => i.kind === 'scan'), report);
        if (scans === 'later') return;
        if (scans === 'stop') continue;
        if ((await sendManual(secret, group.filter((i) => i.kind === 'manual'), report)) === 'later') return;
      }
    } catch {
      // IndexedDB unavailable: nothing to flush
    } finally {
      flushing = false;
      await updatePending();
      const { sent, refused, unauthorized } = report;
      if (unauthorized) screen.showSync(t('scan.sync.unauthorized'), 'error', 0);
      else if (refused.length) screen.showSync(t('scan.sync.refused', { n: refused.length, reason: [...new Set(refused)].join(' · ') }), 'error', 30000);
      else if (sent) screen.showSync(t('scan.sync.sent', { n: sent }), 'ok', 8000);
    }
  }

  return {
    submitScan,
    submitManual,
    flush,
    updatePending,

    /** Sends now, then every FLUSH_EVERY_MS while the scanner is shown. */
    start() {
      flush();
      clearInterval(timer);
      timer = setInterval(flush, FLUSH_EVERY_MS);
    },
    stop() {
      clearInterval(timer);
      timer = null;
    },

    /** Drops everything kept on this tablet ("Forget this tablet"). */
    async discardAll() {
      try {
        await queue.clearAll();
      } catch {
        // nothing stored
      }
    },
  };
}
