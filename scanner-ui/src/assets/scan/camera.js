// The rear camera and the frame loop: while the scanner is shown and the page visible, a
// frame is taken every DECODE_EVERY_MS and decoded (in a worker); each pass read is handed on
// once (oncePerPass), not again while it stays in front of the camera.
import { loadDecoder } from './decoder.js';

const DECODE_EVERY_MS = 120;
const DEDUP_MS = 5000; // the same pass read again within this window is not posted again

const $ = (id) => document.getElementById(id);

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

/**
 * The camera of #video, each frame decoded by the scanner's decoder. `wanted()` says whether the scanner is in
 * use (an enrolled tablet); `screen` shows the camera's state; `onText` gets decoded text.
 */
export function createCamera({ wanted, screen, onText }) {
  let stream = null;
  let starting = false;
  let decoder = null;
  let decodeTimer = null;
  let decoding = false;

  function start() {
    if (!wanted() || stream || starting || document.visibilityState === 'hidden') return;
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      screen.camera('error', 'scan.camera.insecure');
      return;
    }
    screen.camera('starting', 'scan.camera.starting');
    const video = $('video');
    starting = true;
    navigator.mediaDevices
      .getUserMedia({ audio: false, video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } } })
      .then(async (s) => {
        starting = false;
        if (!wanted() || document.visibilityState === 'hidden') {
          for (const track of s.getTracks()) track.stop();
          return;
        }
        stream = s;
        video.srcObject = s;
        await video.play().catch(() => {}); // muted + playsinline: allowed without a gesture
        if (!decoder) {
          decoder = await loadDecoder();
          screen.decoder = decoder.kind;
        }
        screen.camera('ready', 'scan.camera.ready');
        clearInterval(decodeTimer);
        decodeTimer = setInterval(decodeFrame, DECODE_EVERY_MS);
      })
      .catch((err) => {
        starting = false;
        stop();
        const key = err && err.message === 'decoder' ? 'scan.decoder.failed' : cameraErrorKey(err);
        screen.camera('error', key, err && err.name && key === 'scan.camera.failed' ? err.name : '');
      });
  }

  function stop() {
    clearInterval(decodeTimer);
    decodeTimer = null;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    $('video').srcObject = null;
  }

  async function decodeFrame() {
    const video = $('video');
    if (decoding || !decoder || video.readyState < 2 || !video.videoWidth) return;
    decoding = true;
    try {
      // The whole camera frame at full resolution, handed over (transferred) to the decoder,
      // which reads the centre crop first: more camera pixels per QR module than a frame
      // shrunk to 800 px, and the worker keeps the page responsive while it reads.
      const frame = await createImageBitmap(video);
      const text = await decoder.decode(frame);
      if (text) onText(text);
    } catch {
      // a frame that cannot be read is skipped; the next one is tried
    } finally {
      decoding = false;
    }
  }

  return { start, stop };
}

/**
 * Hands each pass to `submit` once: not again while it is read within DEDUP_MS of its last
 * reading, and not while the previous pass is still being sent (a different pass is read
 * again on the next frame).
 */
export function oncePerPass(submit) {
  const recent = new Map(); // pass text → last time it was read
  let busy = false;
  return (text) => {
    const now = Date.now();
    for (const [k, at] of recent) if (now - at > DEDUP_MS) recent.delete(k);
    if (recent.has(text)) {
      recent.set(text, now); // still in front of the camera: keep it quiet
      return;
    }
    if (busy) return;
    recent.set(text, now);
    busy = true;
    submit(text).finally(() => {
      busy = false;
    });
  };
}
