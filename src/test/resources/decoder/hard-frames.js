// Seeded camera frames of a pass QR code, made hard the way a tablet's camera sees a phone:
// blur, tilt (perspective), low ink contrast, glare, a small code far away, a dim phone
// screen, sensor noise, and these combined. Runs in the page (injected by the browser test or
// the bench through DevTools), so every decoder gets the same pixels. Same seed, same frames.
//
// hardFrames.make(modules, size, condition, seed) -> ImageData of 1280x720 (grey RGBA).
// `modules` is the rendered pass, one char per module ('1' dark), quiet zone included.
(() => {
  const W = 1280;
  const H = 720;

  function rng(seed) { // mulberry32
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6D2B79F5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const uni = (r, lo, hi) => lo + (hi - lo) * r();
  function gauss(r) {
    const u = Math.max(r(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  }

  // What the camera sees, per condition. ppm = camera pixels per module at the code's centre
  // in the full 1280x720 frame; blur in modules; tilt in degrees; luminances 0-255.
  const CONDITIONS = {
    clean: (r) => ({ ppm: uni(r, 3.6, 4.4) }),
    blur: (r) => ({ ppm: uni(r, 3.6, 4.4), blur: uni(r, 0.3, 0.5) }),
    tilt: (r) => ({ ppm: uni(r, 3.6, 4.4), tilt: uni(r, 35, 50) }),
    lowContrast: (r) => ({ ppm: uni(r, 3.6, 4.4), ink: 0.25 }),
    glare: (r) => ({ ppm: uni(r, 3.6, 4.4), glare: uni(r, 120, 260), glareR: uni(r, 0.07, 0.15) }),
    far: (r) => ({ ppm: uni(r, 2.4, 3.2) }),
    dimScreen: (r) => {
      const paper = uni(r, 45, 75);
      return { ppm: uni(r, 3.6, 4.4), paper, inkLevel: paper * uni(r, 0.3, 0.45), bg: uni(r, 10, 30), noise: uni(r, 5, 8) };
    },
    noise: (r) => ({ ppm: uni(r, 3.6, 4.4), noise: uni(r, 18, 28) }),
    combined: (r) => ({ ppm: uni(r, 3.6, 4.4), blur: uni(r, 0.2, 0.35), tilt: uni(r, 20, 35), noise: uni(r, 8, 14),
      glare: uni(r, 100, 200), glareR: uni(r, 0.06, 0.12) }),
  };

  function invert3(m) {
    const [a, b, c, d, e, f, g, h, i] = m;
    const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
    const det = a * A + b * B + c * C;
    return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
      B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
      C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
  }

  function blurInPlace(L, x0, y0, x1, y1, sigma) {
    const rad = Math.ceil(3 * sigma);
    const k = new Float32Array(2 * rad + 1);
    let s = 0;
    for (let i = -rad; i <= rad; i++) { k[i + rad] = Math.exp(-(i * i) / (2 * sigma * sigma)); s += k[i + rad]; }
    for (let i = 0; i < k.length; i++) k[i] /= s;
    const tmp = new Float32Array(W * H);
    tmp.set(L);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        let v = 0;
        for (let i = -rad; i <= rad; i++) v += k[i + rad] * L[y * W + Math.min(W - 1, Math.max(0, x + i))];
        tmp[y * W + x] = v;
      }
    }
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        let v = 0;
        for (let i = -rad; i <= rad; i++) v += k[i + rad] * tmp[Math.min(H - 1, Math.max(0, y + i)) * W + x];
        L[y * W + x] = v;
      }
    }
  }

  function make(modules, size, condition, seed) {
    const r = rng(seed);
    const p = Object.assign({ blur: 0.12, tilt: 0, noise: 3, glare: 0, paper: null, inkLevel: null, bg: null, ink: null },
      CONDITIONS[condition](r));
    const paper = p.paper ?? uni(r, 190, 235);
    const ink = p.inkLevel ?? (p.ink ? paper * (1 - p.ink) : uni(r, 15, 40));
    const bg = p.bg ?? uni(r, 60, 170);
    const rot = uni(r, 0, 2 * Math.PI);
    const axis = uni(r, 0, 2 * Math.PI);
    const t = (p.tilt * Math.PI) / 180;
    const cx = W / 2 + uni(r, -0.1, 0.1) * W;
    const cy = H / 2 + uni(r, -0.08, 0.08) * H;
    // plane point (x, y) in modules, centred -> rotate in plane -> tilt about `axis` -> camera
    const cr = Math.cos(rot), sr = Math.sin(rot);
    const ax = Math.cos(axis), ay = Math.sin(axis);
    const ct = Math.cos(t), st = Math.sin(t);
    // Rodrigues rotation about (ax, ay, 0) by t
    const R = [
      ct + ax * ax * (1 - ct), ax * ay * (1 - ct), ay * st,
      ax * ay * (1 - ct), ct + ay * ay * (1 - ct), -ax * st,
      -ay * st, ax * st, ct,
    ];
    const r1 = [R[0] * cr + R[1] * sr, R[3] * cr + R[4] * sr, R[6] * cr + R[7] * sr];
    const r2 = [-R[0] * sr + R[1] * cr, -R[3] * sr + R[4] * cr, -R[6] * sr + R[7] * cr];
    const f = 2.5 * size; // camera distance in modules: a moderate perspective
    const k = p.ppm * f;
    const M = [
      k * r1[0] + cx * r1[2], k * r2[0] + cx * r2[2], cx * f,
      k * r1[1] + cy * r1[2], k * r2[1] + cy * r2[2], cy * f,
      r1[2], r2[2], f,
    ];
    const Hi = invert3(M);
    const half = size / 2;
    const screen = half + 3; // the phone's white screen goes on 3 modules past the quiet zone
    // bounding box of the screen in the frame
    let bx0 = W, by0 = H, bx1 = 0, by1 = 0;
    for (const [x, y] of [[-screen, -screen], [screen, -screen], [screen, screen], [-screen, screen]]) {
      const w = M[6] * x + M[7] * y + M[8];
      const px = (M[0] * x + M[1] * y + M[2]) / w, py = (M[3] * x + M[4] * y + M[5]) / w;
      bx0 = Math.min(bx0, px); by0 = Math.min(by0, py); bx1 = Math.max(bx1, px); by1 = Math.max(by1, py);
    }
    const blurPx = p.blur * p.ppm;
    const pad = Math.ceil(3 * blurPx) + 2;
    const X0 = Math.max(0, Math.floor(bx0) - pad), Y0 = Math.max(0, Math.floor(by0) - pad);
    const X1 = Math.min(W, Math.ceil(bx1) + pad), Y1 = Math.min(H, Math.ceil(by1) + pad);
    const L = new Float32Array(W * H).fill(bg);
    const SS = [0.25, 0.75]; // 2x2 samples per pixel: the sensor integrates over its area
    for (let y = Y0; y < Y1; y++) {
      for (let x = X0; x < X1; x++) {
        let sum = 0;
        for (const oy of SS) {
          for (const ox of SS) {
            const X = x + ox, Y = y + oy;
            const w = Hi[6] * X + Hi[7] * Y + Hi[8];
            const u = (Hi[0] * X + Hi[1] * Y + Hi[2]) / w, v = (Hi[3] * X + Hi[4] * Y + Hi[5]) / w;
            if (Math.abs(u) > screen || Math.abs(v) > screen) { sum += bg; continue; }
            const mx = Math.floor(u + half), my = Math.floor(v + half);
            const dark = mx >= 0 && my >= 0 && mx < size && my < size && modules.charCodeAt(my * size + mx) === 49;
            sum += dark ? ink : paper;
          }
        }
        L[y * W + x] = sum / 4;
      }
    }
    if (blurPx > 0.05) blurInPlace(L, X0, Y0, X1, Y1, blurPx);
    if (p.glare) { // a reflection on the phone's glass: bright, saturating, somewhere on the code
      const gx = uni(r, bx0 + (bx1 - bx0) * 0.25, bx0 + (bx1 - bx0) * 0.75);
      const gy = uni(r, by0 + (by1 - by0) * 0.25, by0 + (by1 - by0) * 0.75);
      const gr = p.glareR * (bx1 - bx0);
      for (let y = Math.max(0, Math.floor(gy - 4 * gr)); y < Math.min(H, gy + 4 * gr); y++) {
        for (let x = Math.max(0, Math.floor(gx - 4 * gr)); x < Math.min(W, gx + 4 * gr); x++) {
          const d2 = (x - gx) ** 2 + (y - gy) ** 2;
          L[y * W + x] += p.glare * Math.exp(-d2 / (2 * gr * gr));
        }
      }
    }
    const out = new ImageData(W, H);
    const d = out.data;
    for (let i = 0; i < W * H; i++) {
      let v = L[i] + p.noise * gauss(r);
      v = v < 0 ? 0 : v > 255 ? 255 : v;
      d[4 * i] = d[4 * i + 1] = d[4 * i + 2] = v;
      d[4 * i + 3] = 255;
    }
    return out;
  }

  window.hardFrames = { W, H, conditions: Object.keys(CONDITIONS), make };
})();
