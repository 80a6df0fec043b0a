// Offline passes: the bundle of single-use slot passes (POST /api/visitors/{id}/pass-bundle)
// kept in IndexedDB, so the pass page can show a valid code when it cannot reach the server.
//
// Stored: one record per visitor id, {visitorId, passes:[{token, notBefore, expiresAt, qrPng}]}.
// The passes are as good as the live pass during their slot (single-use, one slot each), so
// they are kept only on this phone, dropped with the registration ("Remove my registration"),
// and pruned as the page learns they are spent (see prune()).
//
// Slots are chosen by this phone's clock: offline it has no other. A phone whose clock is wrong
// by more than the two-minute grace shows a code the door refuses (token_expired), as it would
// show a wrong time; phones take their clock from the network, so this is rare.

import { objectStore } from '../idb.js';

const run = objectStore('entrylog-pass', 'bundle', { keyPath: 'visitorId' });

/** Keeps only well-formed passes, in slot order. */
function clean(passes) {
  const out = [];
  for (const p of Array.isArray(passes) ? passes : []) {
    const from = Date.parse(p && p.notBefore);
    const to = Date.parse(p && p.expiresAt);
    if (typeof p.token === 'string' && typeof p.qrPng === 'string' && p.qrPng.startsWith('data:image/png;base64,')
      && Number.isFinite(from) && Number.isFinite(to) && to > from) {
      out.push({ token: p.token, notBefore: p.notBefore, expiresAt: p.expiresAt, qrPng: p.qrPng, from, to });
    }
  }
  return out.sort((a, b) => a.from - b.from);
}

/** The stored passes of a visitor, in slot order ([] when none or when IndexedDB is unavailable). */
export async function load(visitorId) {
  try {
    const rec = await run('readonly', (s) => s.get(visitorId));
    return clean(rec && rec.passes);
  } catch {
    return [];
  }
}

/** Replaces the stored passes of a visitor. */
export async function save(visitorId, passes) {
  const list = clean(passes).map(({ token, notBefore, expiresAt, qrPng }) => ({ token, notBefore, expiresAt, qrPng }));
  await run('readwrite', (s) => s.put({ visitorId, passes: list }));
  return clean(list);
}

/** Forgets every stored bundle (the registration is removed from this phone). */
export async function forgetAll() {
  try {
    await run('readwrite', (s) => s.clear());
  } catch {
    // nothing stored
  }
}

/**
 * The pass to show at {@code now}: the one whose slot holds it. At a boundary the next slot's
 * pass is shown, since the door counts a slot's pass from two minutes before the slot.
 */
export function current(passes, now) {
  let best = null;
  for (const p of passes) {
    if (p.from <= now && now < p.to) best = p;
  }
  return best;
}

/** True when the bundle should be renewed: none, or less than half of its span still ahead. */
export function runningLow(passes, now) {
  if (!passes.length) return true;
  const first = passes[0].from;
  const last = passes[passes.length - 1].to;
  return last - now < (last - first) / 2;
}

/**
 * Drops the passes that are spent or can no longer be of use, learned once the page is online
 * again (the rule needs no endpoint): passes of slots that are over, and the pass of every slot
 * during which the visitor's history shows a visit (between two minutes before the slot and its
 * end), whichever pass that visit was made with. A pass shown offline and scanned is thus never
 * shown again once the scan has reached the server; the cost is at most one unused slot pass.
 */
export function prune(passes, now, visitTimes) {
  const GRACE = 2 * 60 * 1000;
  return passes.filter((p) => p.to > now && !visitTimes.some((v) => v >= p.from - GRACE && v <= p.to));
}
