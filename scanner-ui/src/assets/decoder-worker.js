// The scanner's QR decoder, off the main thread (a module worker made by decoder.js).
//
// ZXing-C++ compiled to WebAssembly (npm zxing-wasm, pinned; copied into /assets/vendor/zxing
// by build.mjs). On the hard camera frames of BENCHMARKS.md ("QR decoders") it read far more
// than jsQR and ZBar, in a fraction of their time; ZBar after it added 0.7 points for a
// second or more on every frame without a pass, so it is not shipped. The .wasm comes from
// our own origin: the package's default is a CDN, which a tablet on a venue's network may not
// reach and which the CSP (connect-src 'self') refuses anyway. Compiling it needs
// script-src 'wasm-unsafe-eval' (WebServer.CSP).
//
// Protocol. In: {id, image} with image an ImageData or an ImageBitmap (transferred).
// Out: {ready: true} once the wasm is compiled, or {failed: message} if it cannot be;
// then per frame {id, text} or {id, none: true}.
//
// Each frame: centre crop at full resolution first, then the whole frame (decoder-frames.js).
import { frameReader } from './decoder-frames.js';
import { prepareZXingModule, readBarcodes } from './vendor/zxing/reader/index.js';

const OPTIONS = {
  formats: ['QRCode'],
  tryHarder: true,
  tryInvert: false, // passes are dark on light
  maxNumberOfSymbols: 1,
};

const ready = prepareZXingModule({
  overrides: { locateFile: (file) => new URL(`./vendor/zxing/${file}`, import.meta.url).href },
  fireImmediately: true,
});

const decode = frameReader(async (imageData) => {
  const found = await readBarcodes(imageData, OPTIONS);
  return found.length && found[0].isValid ? found[0].text : null;
});

ready.then(
  () => self.postMessage({ ready: true }),
  (err) => self.postMessage({ failed: String((err && err.message) || err) }),
);

self.onmessage = async (event) => {
  const { id, image } = event.data || {};
  let text = null;
  try {
    await ready;
    text = await decode(image);
  } catch {
    text = null; // an unreadable frame is a frame without a pass
  }
  self.postMessage(text === null ? { id, none: true } : { id, text });
};
