// Enrollment: the tablet trades a one-time code (typed, pasted as the printed link, or from
// /scan?enroll=<code>) for its device id and secret at POST /api/devices.
import { t } from '../i18n.js';
import { ApiError, api, errorMessage, show } from '../common.js';

const $ = (id) => document.getElementById(id);

/** Reads ?enroll=<code> and removes it from the address bar and history at once. */
export function takeEnrollCode() {
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

/**
 * Wires the enrollment form and returns enroll(code), for a code from the address. On
 * success the device is kept in `tablet` and `onEnrolled()` shows the scanner.
 */
export function createEnrollment({ tablet, screen, onEnrolled }) {
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
    screen.ensureAudio();
    try {
      const label = $('enroll-label').value.trim();
      const res = await api('POST', '/api/devices', { body: label ? { enrollmentCode: code, label } : { enrollmentCode: code } });
      const d = res.data || {};
      if (!d.deviceId || !d.secret) throw new ApiError(res.status, 'bad_response', t('common.error'));
      const device = { deviceId: String(d.deviceId), secret: String(d.secret), venueId: d.venueId ?? null, venueName: d.venueName ?? '', label: d.label ?? '' };
      if (!tablet.enroll(device)) throw new ApiError(0, 'local_storage', t('scan.reason.local_storage'));
      $('enroll-code').value = '';
      $('enroll-label').value = '';
      onEnrolled();
      screen.showSync(t('scan.enroll.done', { venue: device.venueName || device.venueId || '' }), 'ok', 8000);
    } catch (err) {
      error.textContent = errorMessage(err, 'scan.enroll');
      show(error, true);
    } finally {
      button.disabled = false;
      button.textContent = t('scan.enroll.submit');
    }
  }

  $('enroll-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    enroll($('enroll-code').value);
  });
  return enroll;
}
