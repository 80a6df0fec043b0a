// The bench side of DecoderBench, injected into a page served under the real CSP: each frame
// from hardFrames goes, the same pixels, to jsQR, ZXing-C++ (zxing-wasm) and ZBar
// (@undecaf/zbar-wasm), each two ways: the whole frame shrunk to at most 800 px (what scan.js
// does today) and a full-resolution square crop of the frame's centre. Times include the
// shrink or crop (a canvas draw and getImageData) as the scanner would pay it.
(() => {
  const ZX_OPTS = { formats: ['QRCode'], tryHarder: true, tryInvert: false, maxNumberOfSymbols: 1 };
  let zx;
  let zb;
  let zbScanner;
  const src = document.createElement('canvas');
  const sctx = src.getContext('2d', { willReadFrequently: true });
  const small = document.createElement('canvas');
  const smctx = small.getContext('2d', { willReadFrequently: true });

  async function init(vendor) {
    await new Promise((ok, fail) => {
      const s = document.createElement('script');
      s.src = '/assets/vendor/jsQR.js';
      s.onload = ok;
      s.onerror = () => fail(new Error('jsQR'));
      document.head.appendChild(s);
    });
    zx = await import(vendor + '/zxing-wasm/dist/es/reader/index.js');
    await zx.prepareZXingModule({
      overrides: { locateFile: (path) => vendor + '/zxing-wasm/dist/reader/' + path },
      fireImmediately: true,
    });
    zb = await import(vendor + '/@undecaf/zbar-wasm/dist/index.mjs');
    zbScanner = await zb.ZBarScanner.create();
    zbScanner.setConfig(zb.ZBarSymbolType.ZBAR_NONE, zb.ZBarConfigType.ZBAR_CFG_ENABLE, 0);
    zbScanner.setConfig(zb.ZBarSymbolType.ZBAR_QRCODE, zb.ZBarConfigType.ZBAR_CFG_ENABLE, 1);
    return [zx.ZXING_WASM_VERSION, typeof window.jsQR].join(' ');
  }

  const DECODERS = {
    jsqr: async (img) => {
      const c = window.jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
      return c ? c.data : null;
    },
    zxing: async (img) => {
      const r = await zx.readBarcodes(img, ZX_OPTS);
      return r.length && r[0].isValid ? r[0].text : null;
    },
    zbar: async (img) => {
      const s = await zb.scanImageData(img, zbScanner);
      return s.length ? s[0].decode() : null;
    },
  };

  function full800() {
    const scale = Math.min(1, 800 / Math.max(src.width, src.height));
    small.width = Math.round(src.width * scale);
    small.height = Math.round(src.height * scale);
    smctx.drawImage(src, 0, 0, small.width, small.height);
    return smctx.getImageData(0, 0, small.width, small.height);
  }

  function centreCrop() {
    const side = Math.min(src.width, src.height, 800);
    return sctx.getImageData((src.width - side) >> 1, (src.height - side) >> 1, side, side);
  }

  // One frame: [ok, ms] for each decoder x {full800, crop}, in DecoderBench.COLUMNS order.
  async function run(passIndex, condition, seed, only) {
    const frame = window.hardFrames.make(window.benchPasses[passIndex], window.benchSize, condition, seed);
    src.width = frame.width;
    src.height = frame.height;
    sctx.putImageData(frame, 0, 0);
    const want = window.benchTokens[passIndex];
    const out = [];
    for (const name of ['jsqr', 'zxing', 'zbar']) {
      for (const cut of [full800, centreCrop]) {
        if (!only.includes(name)) { // left out of this run: neither read nor timed
          out.push(0, 0);
          continue;
        }
        const t0 = performance.now();
        let text = null;
        try {
          text = await DECODERS[name](cut());
        } catch (e) {
          text = null;
        }
        out.push(text === want ? 1 : 0, performance.now() - t0);
      }
    }
    return out;
  }

  async function batch(items, only) {
    const rows = [];
    for (const [passIndex, condition, seed] of items) rows.push(await run(passIndex, condition, seed, only));
    return rows;
  }

  window.decoderBench = { init, batch };
})();
