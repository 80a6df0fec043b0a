// Page side of the scanner's QR decoder: createDecoder() starts decoder-worker.js (ZXing in
// WebAssembly, off the main thread) and, if the worker or its wasm cannot load (an old
// browser, a CSP without 'wasm-unsafe-eval'), falls back to jsQR on the main thread, read the
// same way (decoder-frames.js).
//
//   const decoder = await createDecoder();
//   const text = await decoder.decode(imageDataOrImageBitmap); // string, or null: no pass read
//   decoder.kind; // 'zxing' (worker) or 'jsqr' (main thread)
//   decoder.close();
//
// decode() transfers its argument to the worker (an ImageData's pixels, an ImageBitmap): the
// caller must not use it afterwards. One frame at a time: a frame given while another is
// being read resolves null at once (dropped), so a camera loop never builds a backlog.

import { frameReader } from './decoder-frames.js';

const WORKER_URL = '/assets/decoder-worker.js';
const JSQR_URL = '/assets/vendor/jsQR.js';
const LOAD_TIMEOUT_MS = 15000; // the wasm is ~1 MB: compiled once per page, then kept
const FRAME_TIMEOUT_MS = 10000;

function startWorker() {
  return new Promise((resolve, reject) => {
    let worker;
    try {
      worker = new Worker(WORKER_URL, { type: 'module' });
    } catch (err) {
      reject(err);
      return;
    }
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new Error('decoder worker did not start'));
    }, LOAD_TIMEOUT_MS);
    worker.onerror = (event) => {
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(event.message || 'decoder worker failed to load'));
    };
    worker.onmessage = (event) => {
      clearTimeout(timer);
      if (event.data && event.data.ready) resolve(worker);
      else {
        worker.terminate();
        reject(new Error((event.data && event.data.failed) || 'decoder worker failed'));
      }
    };
  });
}

function workerDecoder(worker, onBroken) {
  let nextId = 1;
  let pending = null; // {id, resolve, timer}
  const settle = (text) => {
    if (!pending) return;
    clearTimeout(pending.timer);
    const { resolve } = pending;
    pending = null;
    resolve(text);
  };
  worker.onmessage = (event) => {
    const m = event.data || {};
    if (pending && m.id === pending.id) settle(typeof m.text === 'string' ? m.text : null);
  };
  worker.onerror = () => {
    settle(null);
    onBroken();
  };
  return {
    kind: 'zxing',
    decode(image) {
      if (pending) return Promise.resolve(null);
      return new Promise((resolve) => {
        const id = nextId++;
        pending = { id, resolve, timer: setTimeout(() => { settle(null); onBroken(); }, FRAME_TIMEOUT_MS) };
        const transfer = image instanceof ImageData ? [image.data.buffer] : [image];
        worker.postMessage({ id, image }, transfer);
      });
    },
    close() {
      settle(null);
      worker.terminate();
    },
  };
}

function loadJsqr() {
  if (typeof window.jsQR === 'function') return Promise.resolve(window.jsQR);
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = JSQR_URL;
    s.onload = () => (typeof window.jsQR === 'function' ? resolve(window.jsQR) : reject(new Error('decoder')));
    s.onerror = () => reject(new Error('decoder'));
    document.head.appendChild(s);
  });
}

function jsqrDecoder(jsQR) {
  const decode = frameReader(async (img) => {
    const code = jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
    return code ? code.data : null;
  });
  return { kind: 'jsqr', decode, close() {} };
}

/**
 * The best decoder this browser can run. Rejects with Error('decoder') only when neither the
 * worker nor jsQR can be loaded (scan.js shows 'scan.decoder.failed' for that).
 */
export async function createDecoder() {
  let current;
  const fallBack = async () => {
    current = jsqrDecoder(await loadJsqr());
  };
  try {
    const worker = await startWorker();
    current = workerDecoder(worker, () => {
      // a worker that crashed or hung mid-frame: carry on with jsQR on the main thread
      const broken = current;
      current = null;
      broken.close();
      fallBack().catch(() => {});
    });
  } catch {
    await fallBack();
  }
  return {
    get kind() {
      return current.kind;
    },
    decode: (image) => (current ? current.decode(image) : Promise.resolve(null)),
    close: () => current && current.close(),
  };
}
