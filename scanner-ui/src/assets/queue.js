// The scanner's offline queue in IndexedDB: scans and manual entries that could not be
// delivered (offline, timeout, 5xx, 429) wait here, with their original scannedAt, until
// the server gives a definite answer. Survives reloads and browser restarts.
//
// Each item: {id, kind: 'scan'|'manual', body, deviceId, secret, queuedAt}. The device
// secret travels with the item so that items recorded before a re-enrollment are still
// sent as the device that recorded them (never attributed to another venue).

import { objectStore } from './idb.js';

const run = objectStore('entrylog-scanner', 'queue', { keyPath: 'id', autoIncrement: true });

/** Adds an item; resolves with its id once committed. */
export function add(item) {
  return run('readwrite', (s) => s.add({ ...item, queuedAt: new Date().toISOString() }));
}

/** All items, oldest first. */
export function all() {
  return run('readonly', (s) => s.getAll());
}

export function count() {
  return run('readonly', (s) => s.count());
}

/** Removes the items with these ids (one transaction). */
export function remove(ids) {
  if (!ids.length) return Promise.resolve();
  return run('readwrite', (s) => {
    for (const id of ids) s.delete(id);
    return null;
  });
}

/**
 * The queue report a tablet sends with its requests (docs/design.md, "Queued offline scans"): how
 * many of its own items wait here, and the tablet's time of the oldest, as the headers the server
 * keeps per device. Empty when IndexedDB cannot be read: the server then keeps the last report.
 */
export async function reportHeaders(secret) {
  try {
    const mine = (await all()).filter((i) => i.secret === secret);
    const headers = { 'X-Entrylog-Queued': String(mine.length) };
    const times = mine.map((i) => Date.parse((i.body && i.body.scannedAt) || i.queuedAt)).filter(Number.isFinite);
    if (times.length) headers['X-Entrylog-Oldest-Queued'] = new Date(Math.min(...times)).toISOString();
    return headers;
  } catch {
    return {};
  }
}

export function clearAll() {
  return run('readwrite', (s) => s.clear());
}
