// The scanner's offline queue in IndexedDB: scans and manual entries that could not be
// delivered (offline, timeout, 5xx, 429) wait here, with their original scannedAt, until
// the server gives a definite answer. Survives reloads and browser restarts.
//
// Each item: {id, kind: 'scan'|'manual', body, deviceId, secret, queuedAt}. The device
// secret travels with the item so that items recorded before a re-enrollment are still
// sent as the device that recorded them (never attributed to another venue).

const DB_NAME = 'entrylog-scanner';
const STORE = 'queue';
let dbPromise = null;

function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (!('indexedDB' in window)) {
        reject(new Error('IndexedDB is not available'));
        return;
      }
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const d = req.result;
        if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('IndexedDB blocked'));
    });
    dbPromise.catch(() => {
      dbPromise = null;
    });
  }
  return dbPromise;
}

async function run(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(STORE, mode);
    const store = tx.objectStore(STORE);
    let result;
    const req = fn(store);
    if (req) req.onsuccess = () => {
      result = req.result;
    };
    // Resolve only when the transaction is durable, not when the request succeeds.
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

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

export function clearAll() {
  return run('readwrite', (s) => s.clear());
}
