// How the scanner reads one camera frame, shared by the decoder worker (ZXing) and its jsQR
// fallback on the page: first a full-resolution square from the frame's centre, where a pass
// held up to the tablet is, with every camera pixel per module the camera gives; only if
// that fails, the whole frame shrunk to at most 800 px (a pass held off-centre). On the hard
// frames of BENCHMARKS.md ("QR decoders") the crop first raised every decoder's reads.

export const MAX_SIDE = 800;

const canvas = () => (typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : document.createElement('canvas'));

/**
 * A frame reader around `read(imageData) -> Promise<string|null>`. The returned function takes
 * an ImageData or an ImageBitmap (which it closes) and resolves the text or null.
 */
export function frameReader(read) {
  const full = canvas();
  const fullCtx = full.getContext('2d', { willReadFrequently: true });
  const small = canvas();
  const smallCtx = small.getContext('2d', { willReadFrequently: true });
  return async (image) => {
    const w = image.width;
    const h = image.height;
    if (full.width !== w || full.height !== h) {
      full.width = w;
      full.height = h;
    }
    if (image instanceof ImageData) fullCtx.putImageData(image, 0, 0);
    else {
      fullCtx.drawImage(image, 0, 0);
      if (image.close) image.close();
    }
    if (Math.max(w, h) <= MAX_SIDE) return read(fullCtx.getImageData(0, 0, w, h));

    const side = Math.min(w, h, MAX_SIDE);
    const text = await read(fullCtx.getImageData((w - side) >> 1, (h - side) >> 1, side, side));
    if (text !== null) return text;

    const scale = MAX_SIDE / Math.max(w, h);
    small.width = Math.round(w * scale);
    small.height = Math.round(h * scale);
    smallCtx.drawImage(full, 0, 0, small.width, small.height);
    return read(smallCtx.getImageData(0, 0, small.width, small.height));
  };
}
