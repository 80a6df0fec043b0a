// Staff tablet: enroll once, then scan passes from the rear camera continuously, with a
// full-screen answer for every pass. Scans that cannot be delivered are kept in IndexedDB
// with their original time and sent later through /api/scans/batch.
//
// This file wires the parts; each lives in scan/:
//   tablet.js  what the tablet keeps in localStorage (device, direction, today's count)
//   enroll.js  the enrollment form and ?enroll=<code>
//   camera.js  the camera and the frame loop (decoder.js: BarcodeDetector or jsQR)
//   sync.js    sending scans and manual entries; the offline queue (queue.js) and its flush
//   screen.js  the answer overlay and its tones, banners, counters, camera state
//   companions.js  the "+1" count sent with the next scan
// State lives in those objects, made once here and handed to whoever needs them.
import { t } from './i18n.js';
import { errorMessage, initPage, keepScreenOn, registerServiceWorker, show, twoStepButton } from './common.js';
import { loadTablet } from './scan/tablet.js';
import { createScreen } from './scan/screen.js';
import { createCamera, oncePerPass } from './scan/camera.js';
import { createSync } from './scan/sync.js';
import { createEnrollment, takeEnrollCode } from './scan/enroll.js';
import { createCompanions } from './scan/companions.js';
import { startOccupancy } from './scan/occupancy.js';

const $ = (id) => document.getElementById(id);

const enrollCode = takeEnrollCode(); // before anything copies the address (language link)
initPage();
keepScreenOn();
registerServiceWorker();

const tablet = loadTablet();
const screen = createScreen(tablet);
const companions = createCompanions();
const sync = createSync({ tablet, screen, companions });
const camera = createCamera({ wanted: () => !!tablet.device, screen, onText: oncePerPass(sync.submitScan) });
const enroll = createEnrollment({ tablet, screen, onEnrolled: showScanner });
const occupancy = startOccupancy(tablet); // "inside 37 / 50" (issue 16)
wire();
boot(enrollCode);

function boot(code) {
  if (code) {
    $('enroll-code').value = code;
    showEnroll();
    enroll(code);
  } else if (tablet.device && tablet.device.secret) {
    showScanner();
  } else {
    showEnroll();
  }
}

function wire() {
  $('camera-retry').addEventListener('click', camera.start);
  $('manual-form').addEventListener('submit', onManual);
  $('card-entry-form').addEventListener('submit', onCardNumber);
  for (const input of document.querySelectorAll('input[name="direction"]')) {
    input.addEventListener('change', () => {
      if (input.checked) setDirection(input.value);
    });
  }
  setDirection(tablet.direction);
  twoStepButton($('forget-device'), () => confirmForgetText(), forgetDevice);
  document.addEventListener('visibilitychange', () => {
    if (!tablet.device) return;
    if (document.visibilityState === 'visible') {
      camera.start();
      screen.today = tablet.today();
      sync.flush();
    } else {
      camera.stop(); // releases the camera while the tablet sleeps or another app is in front
    }
  });
  window.addEventListener('online', () => {
    screen.updateOfflineBanner();
    sync.flush();
  });
  window.addEventListener('offline', screen.updateOfflineBanner);
  setInterval(() => {
    screen.today = tablet.today();
  }, 60000);
}

function setDirection(value) {
  screen.direction = tablet.setDirection(value);
}

function showEnroll() {
  camera.stop();
  sync.stop();
  screen.showEnroll();
}

function showScanner() {
  occupancy.refresh();
  screen.showScanner(tablet.device.venueName);
  screen.device = tablet.device;
  screen.today = tablet.today();
  sync.updatePending();
  screen.updateOfflineBanner();
  camera.start();
  sync.start();
}

function confirmForgetText() {
  const n = screen.pending;
  return n > 0 ? t('scan.forget.confirm.pending', { n }) : t('scan.forget.confirm');
}

async function forgetDevice() {
  camera.stop();
  tablet.forget();
  await sync.discardAll();
  $('settings').open = false;
  $('manual').open = false;
  sync.updatePending();
  showEnroll();
}

async function onManual(ev) {
  ev.preventDefault();
  screen.ensureAudio();
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
  try {
    const entry = { name, phone, scannedAt: new Date().toISOString() };
    const n = companions.take();
    if (n) entry.companions = n;
    if (await sync.submitManual(entry)) $('manual-form').reset();
  } catch (err) {
    error.textContent = errorMessage(err, 'scan.manual');
    show(error, true);
  } finally {
    button.disabled = false;
  }
}

/** A printed card's number, typed when the camera cannot read the card: posted as the scan's token. */
async function onCardNumber(ev) {
  ev.preventDefault();
  screen.ensureAudio();
  const input = $('card-entry-number');
  const number = input.value.replace(/[^0-9]/g, '');
  if (!number) return;
  await sync.submitScan(number);
  input.value = '';
}
