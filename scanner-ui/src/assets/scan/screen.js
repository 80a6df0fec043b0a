// The scanner's screen: the full-screen answer to every pass (with its tone), the banners,
// the counters, the camera's state and the direction control. It shows; it decides nothing.
import { t } from '../i18n.js';
import { fmtTime, show } from '../common.js';

const RESULT_MS = { accepted: 1600, duplicate: 2000, queued: 2600, rejected: 4000 };

const TONES = {
  accepted: [[1046, 0.12]],
  duplicate: [[880, 0.08], [880, 0.08]],
  queued: [[660, 0.1], [550, 0.14]],
  rejected: [[196, 0.45]],
};

const $ = (id) => document.getElementById(id);

/** The screen of this page; `tablet` gives the direction the answer names. */
export function createScreen(tablet) {
  let resultTimer = null;
  let syncHide = null;
  let audio = null;
  let offline = false; // the last request failed for want of a connection

  /** Hides the overlay; data-state keeps the last answer for anyone checking it later. */
  function hideResult() {
    clearTimeout(resultTimer);
    show($('result'), false);
  }

  function showResult(state, reason, detail, scannedAt, titleText) {
    const box = $('result');
    let title;
    if (titleText) title = titleText;
    else if (state === 'accepted') title = t(tablet.direction === 'out' ? 'scan.result.accepted.out' : 'scan.result.accepted');
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

  function updateOfflineBanner() {
    show($('offline-banner'), offline || navigator.onLine === false);
  }

  $('result').addEventListener('click', hideResult);
  $('device-id').addEventListener('click', (ev) => {
    const b = ev.currentTarget;
    b.textContent = b.textContent === b.dataset.deviceId ? b.dataset.short : b.dataset.deviceId;
  });
  // Browsers start audio only after a gesture: make the context on the first touch.
  document.addEventListener('pointerdown', () => ensureAudio(), { once: true });

  return {
    showResult,
    ensureAudio,
    updateOfflineBanner,

    /** The enrollment form instead of the scanner. */
    showEnroll() {
      show($('scanner-section'), false);
      show($('enroll-section'), true);
      $('venue-name').textContent = t('nav.scan');
    },

    /** The scanner, titled with the venue's name. */
    showScanner(venueName) {
      show($('enroll-section'), false);
      show($('scanner-section'), true);
      const title = $('venue-name');
      title.removeAttribute('data-i18n');
      title.textContent = venueName || t('nav.scan');
    },

    /**
     * Which tablet this is, so staff can name it to the operator who revokes a lost one: its label
     * and the first 8 characters of its id; a tap shows the whole id (also the title, on hover).
     */
    set device(d) {
      const b = $('device-id');
      const id = String(d?.deviceId ?? '');
      const short = `${d?.label ? `${d.label} · ` : ''}${id.slice(0, 8)}…`;
      b.textContent = short;
      b.title = id;
      b.dataset.deviceId = id;
      b.dataset.short = short;
    },

    showSync(text, kind, ms) {
      const s = $('sync-status');
      s.textContent = text;
      s.className = `banner ${kind}`;
      show(s, true);
      clearTimeout(syncHide);
      if (ms) syncHide = setTimeout(() => show(s, false), ms);
    },

    setOffline(value) {
      offline = value;
      updateOfflineBanner();
    },

    /** The count of items waiting to be sent, as shown. */
    get pending() {
      return Number($('pending-count').textContent) || 0;
    },
    set pending(n) {
      $('pending-count').textContent = String(n);
      $('pending-box').dataset.pending = String(n);
    },

    set today(n) {
      $('today-count').textContent = String(n);
    },

    set direction(value) {
      $('direction').dataset.value = value;
      $(`direction-${value}`).checked = true;
      document.body.dataset.direction = value;
    },

    /** The camera's state: starting, ready or error, with a message (and a retry button on error). */
    camera(state, messageKey, extra) {
      $('camera').dataset.state = state;
      const msg = $('camera-message');
      msg.textContent = messageKey ? t(messageKey) + (extra ? ` (${extra})` : '') : '';
      show($('camera-retry'), state === 'error');
    },

    /** Which decoder reads the frames: native or jsqr. */
    set decoder(kind) {
      $('scanner-section').dataset.decoder = kind;
    },
  };
}
