// The scanner's QR decoder: ZXing-C++ in WebAssembly in a module worker (../decoder.js), which
// reads a full-resolution crop of the frame's centre before the whole frame; jsQR on the page
// when the worker or its wasm cannot load. BENCHMARKS.md "QR decoders" has the measurement that
// chose it (ZXing crop-then-frame 94.7 % of hard frames, jsQR as before 28.9 %).
import { createDecoder } from '../decoder.js';

/** {kind, decode(image) → Promise<text|null>}; rejects with Error('decoder') when there is none. */
export async function loadDecoder() {
  try {
    return await createDecoder();
  } catch {
    throw new Error('decoder');
  }
}
