// Staff tablet: enroll once, then scan passes from the rear camera continuously, with a
// full-screen answer for every pass. Scans that cannot be delivered are kept in IndexedDB
// with their original time and sent later through /api/scans/batch.
//
// localStorage: entrylog.device ({deviceId, secret, venueId, venueName}; the secret never
// leaves this tablet except as the Bearer token), entrylog.scan.direction,
// entrylog.scan.today ({day, count}).
import { has, t } from './i18n.js';
import {
  ApiError, NetworkError, api, errorText, fmtTime, initPage, keepScreenOn, registerServiceWorker, localDay, show,
  storageGet, storageSet, twoStepButton,
} from './common.js';
import * as queue from './queue.js';

const KEY_DEVICE = 'entrylog.device';
const KEY_DIRECTION = 'entrylog.scan.direction';
const KEY_TODAY = 'entrylog.scan.today';
const DEDUP_MS = 5000; // the same pass read again within this window is not posted again
const SCAN_TIMEOUT_MS = 4000; // slower than this and the scan is kept offline instead
const BATCH_MAX = 500;
const FLUSH_EVERY_MS = 10000;
const DECODE_EVERY_MS = 120;
const MAX_TOKEN_CHARS = 4096; // passes are ≤ 200 characters; anything huge is not a pass
const RESULT_MS = { accepted: 1600, duplicate: 2000, queued: 2600, rejected: 4000 };

const $ = (id) => document.getElementById(id);

let device = storageGet(KEY_DEVICE);
let direction = storageGet(KEY_DIRECTION) === 'out' ? 'out' : 'in';
const recent = new Map(); // pass text → last time it was read
let busy = false;
let stream = null;
let cameraStarting = false;
let decoder = null;
let decodeTimer = null;
let decoding = false;
let resultTimer = null;
let flushing = false;
let flushBlockedUntil = 0;
let syncTimer = null;
let audio = null;
let syncHide = null;
let offline = false; // the last request failed for want of a connection

const enrollCode = takeEnrollCode(); // before anything copies the address (language link)
initPage();
keepScreenOn();
registerServiceWorker();
wire();
boot(enrollCode);

/** Reads ?enroll=<code> and removes it from the address bar and history at once. */
function takeEnrollCode() {
  const params = new URLSearchParams(location.search);
  const code = params.get('enroll');
  if (code !== null) {
    // The enrollment code is a credential: it must not stay in history or be bookmarked.
    params.delete('enroll');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
  }
  return code;
}

function boot(code) {
  if (code) {
    $('enroll-code').value = code;
    showEnroll();
    enroll(code);
  } else if (device && device.secret) {
    showScanner();
  } else {
    showEnroll();
  }
}

function wire() {
  $('enroll-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    enroll($('enroll-code').value);
  });
  $('camera-retry').addEventListener('click', startCamera);
  $('manual-form').addEventListener('submit', onManual);
  $('result').addEventListener('click', hideResult);
  for (const input of document.querySelectorAll('input[name="direction"]')) {
    input.addEventListener('change', () => {
      if (input.checked) setDirection(input.value);
    });
  }
  setDirection(direction);
  twoStepButton($('forget-device'), () => confirmForgetText(), forgetDevice);
  document.addEventListener('visibilitychange', () => {
    if (!device) return;
    if (document.visibilityState === 'visible') {
      startCamera();
      renderToday();
      flush();
    } else {
      stopCamera(); // releases the camera while the tablet sleeps or another app is in front
    }
  });
  window.addEventListener('online', () => {
    updateOfflineBanner();
    flush();
  });
  window.addEventListener('offline', updateOfflineBanner);
  // Browsers start audio only after a gesture: make the context on the first touch.
  document.addEventListener('pointerdown', () => ensureAudio(), { once: true });
  setInterval(renderToday, 60000);
}

// ---------------------------------------------------------------- enrollment

function extractCode(value) {
  const v = String(value || '').trim();
  // Staff may paste the whole printed link instead of the code.
  if (/^https?:\/\//i.test(v)) {
    try {
      const fromUrl = new URL(v).searchParams.get('enroll');
      if (fromUrl) return fromUrl.trim();
    } catch {
      // not a URL after all
    }
  }
  return v;
}

async function enroll(raw) {
  const code = extractCode(raw);
  const error = $('enroll-error');
  show(error, false);
  if (!code) {
    error.textContent = t('common.required', { field: t('scan.enroll.code') });
    show(error, true);
    $('enroll-code').focus();
    return;
  }
  const button = $('enroll-submit');
  button.disabled = true;
  button.textContent = t('scan.enroll.busy');
  ensureAudio();
  try {
    const res = await api('POST', '/api/devices', { body: { enrollmentCode: code } });
    const d = res.data || {};
    if (!d.deviceId || !d.secret) throw new ApiError(res.status, 'bad_response', t('common.error'));
    device = { deviceId: String(d.deviceId), secret: String(d.secret), venueId: d.venueId ?? null, venueName: d.venueName ?? '' };
    if (!storageSet(KEY_DEVICE, device)) throw new ApiError(0, 'local_storage', t('scan.reason.local_storage'));
    $('enroll-code').value = '';
    showScanner();
    showSync(t('scan.enroll.done', { venue: device.venueName || device.venueId || '' }), 'ok', 8000);
  } catch (err) {
    error.textContent = errorText(err);
    show(error, true);
  } finally {
    button.disabled = false;
    button.textContent = t('scan.enroll.submit');
  }
}

function showEnroll() {
  stopCamera();
  clearInterval(syncTimer);
  syncTimer = null;
  show($('scanner-section'), false);
  show($('enroll-section'), true);
  const title = $('venue-name');
  title.textContent = t('nav.scan');
}

function showScanner() {
  show($('enroll-section'), false);
  show($('scanner-section'), true);
  const title = $('venue-name');
  title.removeAttribute('data-i18n');
  title.textContent = device.venueName || t('nav.scan');
  renderToday();
  updatePending();
  updateOfflineBanner();
  startCamera();
  flush();
  clearInterval(syncTimer);
  syncTimer = setInterval(flush, FLUSH_EVERY_MS);
}

function confirmForgetText() {
  const n = Number($('pending-count').textContent) || 0;
  return n > 0 ? t('scan.forget.confirm.pending', { n }) : t('scan.forget.confirm');
}

async function forgetDevice() {
  stopCamera();
  device = null;
  storageSet(KEY_DEVICE, null);
  storageSet(KEY_TODAY, null);
  try {
    await queue.clearAll();
  } catch {
    // nothing stored
  }
  $('settings').open = false;
  $('manual').open = false;
  updatePending();
  showEnroll();
}

// ---------------------------------------------------------------- camera and decoding

function setCamera(state, messageKey, extra) {
  $('camera').dataset.state = state;
  const msg = $('camera-message');
  msg.textContent = messageKey ? t(messageKey) + (extra ? ` (${extra})` : '') : '';
  show($('camera-retry'), state === 'error');
}

function cameraErrorKey(err) {
  switch (err && err.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'scan.camera.denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return 'scan.camera.notfound';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'scan.camera.busy';
    default:
      return 'scan.camera.failed';
  }
}

function startCamera() {
  if (!device || stream || cameraStarting || document.visibilityState === 'hidden') return;
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    setCamera('error', 'scan.camera.insecure');
    return;
  }
  setCamera('starting', 'scan.camera.starting');
  const video = $('video');
  cameraStarting = true;
  navigator.mediaDevices
    .getUserMedia({ audio: false, video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } } })
    .then(async (s) => {
      cameraStarting = false;
      if (!device || document.visibilityState === 'hidden') {
        for (const track of s.getTracks()) track.stop();
        return;
      }
      stream = s;
      video.srcObject = s;
      await video.play().catch(() => {}); // muted + playsinline: allowed without a gesture
      decoder = decoder || (await loadDecoder());
      setCamera('ready', 'scan.camera.ready');
      clearInterval(decodeTimer);
      decodeTimer = setInterval(decodeFrame, DECODE_EVERY_MS);
    })
    .catch((err) => {
      cameraStarting = false;
      stopCamera();
      const key = err && err.message === 'decoder' ? 'scan.decoder.failed' : cameraErrorKey(err);
      setCamera('error', key, err && err.name && key === 'scan.camera.failed' ? err.name : '');
    });
}

function stopCamera() {
  clearInterval(decodeTimer);
  decodeTimer = null;
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
  const video = $('video');
  video.srcObject = null;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.async = true;
    s.onload = resolve;
    s.onerror = () => reject(new Error('decoder'));
    document.head.append(s);
  });
}

/** The native BarcodeDetector where it reads QR codes, else jsQR (loaded only then). */
async function loadDecoder() {
  if ('BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) {
        const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        $('scanner-section').dataset.decoder = 'native';
        return async (canvas) => {
          const codes = await detector.detect(canvas);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    } catch {
      // fall back to jsQR
    }
  }
  if (typeof window.jsQR !== 'function') await loadScript('/assets/vendor/jsQR.js');
  if (typeof window.jsQR !== 'function') throw new Error('decoder');
  $('scanner-section').dataset.decoder = 'jsqr';
  return async (canvas, ctx) => {
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
    return code ? code.data : null;
  };
}

async function decodeFrame() {
  const video = $('video');
  if (decoding || !decoder || video.readyState < 2 || !video.videoWidth) return;
  decoding = true;
  try {
    const canvas = $('canvas');
    // Decode at most 800 px on the long side: plenty for a pass held at the tablet and
    // fast enough for jsQR on a modest tablet.
    const scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
    const w = Math.round(video.videoWidth * scale);
    const h = Math.round(video.videoHeight * scale);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, w, h);
    const text = await decoder(canvas, ctx);
    if (text) onDecoded(text);
  } catch {
    // a frame that cannot be read is skipped; the next one is tried
  } finally {
    decoding = false;
  }
}

function onDecoded(text) {
  const now = Date.now();
  for (const [k, at] of recent) if (now - at > DEDUP_MS) recent.delete(k);
  if (recent.has(text)) {
    recent.set(text, now); // still in front of the camera: keep it quiet
    return;
  }
  if (busy) return; // one pass at a time; a different pass is read again on the next frame
  recent.set(text, now);
  busy = true;
  submitScan(text).finally(() => {
    busy = false;
  });
}

// ---------------------------------------------------------------- sending scans

function reasonFor(err) {
  if (err instanceof ApiError && has(`scan.reason.${err.code}`)) return t(`scan.reason.${err.code}`);
  return errorText(err);
}

function shouldQueue(err) {
  return err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429));
}

async function submitScan(token) {
  const scannedAt = new Date().toISOString();
  if (token.length > MAX_TOKEN_CHARS) {
    showResult('rejected', t('scan.reason.token_malformed'), '', scannedAt);
    return;
  }
  const body = { token, scannedAt, direction };
  if (navigator.onLine === false) {
    await keepOffline('scan', body, null);
    return;
  }
  try {
    const res = await api('POST', '/api/scans', { body, token: device.secret, timeoutMs: SCAN_TIMEOUT_MS });
    setOffline(false);
    if (res.data && res.data.duplicate === true) {
      showResult('duplicate', '', '', scannedAt);
    } else {
      bumpToday();
      showResult('accepted', '', '', scannedAt);
    }
    flushSoon();
  } catch (err) {
    if (shouldQueue(err)) {
      await keepOffline('scan', body, err);
    } else {
      showResult('rejected', reasonFor(err), err instanceof ApiError && err.message !== reasonFor(err) ? err.message : '', scannedAt);
    }
  }
}

async function keepOffline(kind, body, err) {
  if (err instanceof NetworkError || !err) setOffline(true);
  try {
    // A pass read again after a reload (the 5 s memory is gone) is already kept: once is enough.
    const kept = kind === 'scan' && (await queue.all()).some((i) => i.kind === 'scan' && i.secret === device.secret && i.body.token === body.token);
    if (!kept) await queue.add({ kind, body, deviceId: device.deviceId, secret: device.secret });
  } catch {
    showResult('rejected', t('scan.reason.local_storage'), '', body.scannedAt);
    return false;
  }
  await updatePending();
  if (err instanceof ApiError && err.status === 429) flushBlockedUntil = Date.now() + (err.retryAfter || 10) * 1000;
  const busyServer = err instanceof ApiError;
  showResult('queued', t(busyServer ? 'scan.result.queued.busy' : 'scan.result.queued.reason'), busyServer ? err.message : '', body.scannedAt);
  return true;
}

async function onManual(ev) {
  ev.preventDefault();
  ensureAudio();
  const name = $('manual-name').value.trim();
  const phone = $('manual-phone').value.trim();
  const error = $('manual-error');
  show(error, false);
  if (!name || !phone) {
    error.textContent = t('common.required', { field: t(name ? 'pass.phone' : 'pass.name') });
    show(error, true);
    return;
  }
  const button = $('manual-submit');
  button.disabled = true;
  const body = { name, phone, scannedAt: new Date().toISOString() };
  try {
    if (navigator.onLine === false) throw new NetworkError(null);
    await api('POST', '/api/manual-entries', { body, token: device.secret, timeoutMs: SCAN_TIMEOUT_MS });
    setOffline(false);
    bumpToday();
    $('manual-form').reset();
    showResult('accepted', '', '', body.scannedAt, t('scan.result.accepted'));
  } catch (err) {
    if (shouldQueue(err)) {
      if (await keepOffline('manual', body, err)) $('manual-form').reset();
    } else {
      error.textContent = errorText(err);
      show(error, true);
    }
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- offline queue

async function updatePending() {
  let n = 0;
  try {
    n = device ? await queue.count() : 0;
  } catch {
    n = 0;
  }
  $('pending-count').textContent = String(n);
  $('pending-box').dataset.pending = String(n);
  return n;
}

function flushSoon() {
  if (Number($('pending-count').textContent) > 0) setTimeout(flush, 200);
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
      results.push({ status: err.status || 500, error: err.code, message: err.message });
      if (err.status === 429) break;
    }
  }
  return results;
}

async function flush() {
  if (flushing || !device || Date.now() < flushBlockedUntil) return;
  flushing = true;
  let sent = 0;
  const refused = [];
  let unauthorized = false;
  try {
    const items = await queue.all();
    if (!items.length) return;
    const groups = new Map();
    for (const item of items) {
      if (!groups.has(item.secret)) groups.set(item.secret, []);
      groups.get(item.secret).push(item);
    }
    for (const [secret, group] of groups) {
      const scans = group.filter((i) => i.kind === 'scan');
      let stop = false;
      for (let i = 0; i < scans.length && !stop; i += BATCH_MAX) {
        const chunk = scans.slice(i, i + BATCH_MAX);
        let results;
        try {
          const res = await api('POST', '/api/scans/batch', {
            body: { scans: chunk.map((c) => c.body) }, token: secret, timeoutMs: 30000,
          });
          results = res.data && Array.isArray(res.data.results) ? res.data.results : [];
        } catch (err) {
          if (err instanceof NetworkError || err.status >= 500) return;
          if (err.status === 429) {
            flushBlockedUntil = Date.now() + (err.retryAfter || 10) * 1000;
            return;
          }
          if (err.status === 401 || err.status === 403) {
            // A revoked or unknown tablet: keep the scans (they are the only record of
            // those visits) and say so; "Forget this tablet" discards them.
            if (secret === device.secret) unauthorized = true;
            stop = true;
            break;
          }
          results = await sendSingly(chunk, secret);
        }
        setOffline(false);
        const done = [];
        chunk.forEach((item, idx) => {
          const r = results[idx];
          if (!r || typeof r.status !== 'number' || r.status >= 500 || r.status === 429) return;
          done.push(item.id);
          if (r.status === 200 || r.status === 201) {
            sent += 1;
            if (r.status === 201 && r.duplicate !== true && localDay(new Date(item.body.scannedAt)) === localDay()) bumpToday();
          } else {
            refused.push(reasonFor(new ApiError(r.status, r.error, r.message)));
          }
        });
        await queue.remove(done);
        if (done.length < chunk.length) stop = true; // the rest waits for the next round
      }
      if (stop) continue;
      for (const item of group.filter((i) => i.kind === 'manual')) {
        try {
          await api('POST', '/api/manual-entries', { body: item.body, token: secret, timeoutMs: 10000 });
          setOffline(false); // the server answered: take the offline banner down
          sent += 1;
          if (localDay(new Date(item.body.scannedAt)) === localDay()) bumpToday();
          await queue.remove([item.id]);
        } catch (err) {
          if (err instanceof NetworkError || err.status >= 500) return;
          if (err.status === 429) {
            flushBlockedUntil = Date.now() + (err.retryAfter || 10) * 1000;
            return;
          }
          if (err.status === 401 || err.status === 403) {
            if (secret === device.secret) unauthorized = true;
            break;
          }
          refused.push(reasonFor(err));
          await queue.remove([item.id]);
        }
      }
    }
  } catch {
    // IndexedDB unavailable: nothing to flush
  } finally {
    flushing = false;
    await updatePending();
    if (unauthorized) showSync(t('scan.sync.unauthorized'), 'error', 0);
    else if (refused.length) showSync(t('scan.sync.refused', { n: refused.length, reason: [...new Set(refused)].join(' · ') }), 'error', 30000);
    else if (sent) showSync(t('scan.sync.sent', { n: sent }), 'ok', 8000);
  }
}

function showSync(text, kind, ms) {
  const s = $('sync-status');
  s.textContent = text;
  s.className = `banner ${kind}`;
  show(s, true);
  clearTimeout(syncHide);
  if (ms) syncHide = setTimeout(() => show(s, false), ms);
}

function setOffline(value) {
  offline = value;
  updateOfflineBanner();
}

function updateOfflineBanner() {
  show($('offline-banner'), offline || navigator.onLine === false);
}

// ---------------------------------------------------------------- counters, direction

function renderToday() {
  const saved = storageGet(KEY_TODAY);
  const n = saved && saved.day === localDay() ? Number(saved.count) || 0 : 0;
  $('today-count').textContent = String(n);
}

function bumpToday() {
  const saved = storageGet(KEY_TODAY);
  const today = localDay();
  const n = (saved && saved.day === today ? Number(saved.count) || 0 : 0) + 1;
  storageSet(KEY_TODAY, { day: today, count: n });
  $('today-count').textContent = String(n);
}

function setDirection(value) {
  direction = value === 'out' ? 'out' : 'in';
  storageSet(KEY_DIRECTION, direction);
  $('direction').dataset.value = direction;
  $(`direction-${direction}`).checked = true;
  document.body.dataset.direction = direction;
}

// ---------------------------------------------------------------- answer on screen

function showResult(state, reason, detail, scannedAt, titleText) {
  const box = $('result');
  let title;
  if (titleText) title = titleText;
  else if (state === 'accepted') title = t(direction === 'out' ? 'scan.result.accepted.out' : 'scan.result.accepted');
  else title = t(`scan.result.${state}`);
  $('result-title').textContent = title;
  $('result-reason').textContent = reason || '';
  $('result-detail').textContent = detail || '';
  $('result-time').textContent = scannedAt ? fmtTime(scannedAt) : '';
  box.dataset.state = state;
  box.dataset.seq = String(Number(box.dataset.seq || 0) + 1);
  show(box, true);
  beep(state);
  clearTimeout(resultTimer);
  resultTimer = setTimeout(hideResult, RESULT_MS[state] || 2000);
}

/** Hides the overlay; data-state keeps the last answer for anyone checking it later. */
function hideResult() {
  clearTimeout(resultTimer);
  show($('result'), false);
}

function ensureAudio() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    // Before the first touch the browser would refuse (and warn); the first tap makes it.
    if (!audio && navigator.userActivation && !navigator.userActivation.hasBeenActive) return null;
    if (!audio) audio = new Ctx();
    if (audio.state === 'suspended') audio.resume().catch(() => {});
    return audio;
  } catch {
    return null;
  }
}

const TONES = {
  accepted: [[1046, 0.12]],
  duplicate: [[880, 0.08], [880, 0.08]],
  queued: [[660, 0.1], [550, 0.14]],
  rejected: [[196, 0.45]],
};

function beep(state) {
  const ctx = ensureAudio();
  if (!ctx) return;
  try {
    let at = ctx.currentTime + 0.01;
    for (const [freq, dur] of TONES[state] || []) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = state === 'rejected' ? 'square' : 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + dur + 0.02);
      at += dur + 0.05;
    }
  } catch {
    // no sound; the screen still answers
  }
}
