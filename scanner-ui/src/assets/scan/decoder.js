// Reads a QR code from a canvas: the native BarcodeDetector where it reads QR codes, else
// the pinned jsQR (loaded only then, as a classic script from our own origin). A decoder is
// {kind, decode(canvas, ctx) → text or null}; another kind (a Worker) fits the same shape.

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

async function nativeDecoder() {
  if (!('BarcodeDetector' in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes('qr_code')) return null;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    return {
      kind: 'native',
      decode: async (canvas) => {
        const codes = await detector.detect(canvas);
        return codes.length ? codes[0].rawValue : null;
      },
    };
  } catch {
    return null; // fall back to jsQR
  }
}

async function jsqrDecoder() {
  if (typeof window.jsQR !== 'function') await loadScript('/assets/vendor/jsQR.js');
  if (typeof window.jsQR !== 'function') throw new Error('decoder');
  return {
    kind: 'jsqr',
    decode: async (canvas, ctx) => {
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
      return code ? code.data : null;
    },
  };
}

/** The best decoder this browser has; rejects with Error('decoder') when there is none. */
export async function loadDecoder() {
  return (await nativeDecoder()) || jsqrDecoder();
}
