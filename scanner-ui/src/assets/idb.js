// One IndexedDB object store, opened once per page: the scanner's offline queue (queue.js) and
// the pass page's offline passes (pass/bundle.js) each keep theirs in a database of their own.

/**
 * Returns run(mode, fn) for the store {@code storeName} of database {@code dbName} (version 1,
 * made with {@code options} on first use). fn gets the object store and may return a request,
 * whose result run resolves with once the transaction is durable, not when the request succeeds.
 */
export function objectStore(dbName, storeName, options) {
  let dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        if (!('indexedDB' in window)) {
          reject(new Error('IndexedDB is not available'));
          return;
        }
        const req = indexedDB.open(dbName, 1);
        req.onupgradeneeded = () => {
          const d = req.result;
          if (!d.objectStoreNames.contains(storeName)) d.createObjectStore(storeName, options);
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

  return async function run(mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const tx = d.transaction(storeName, mode);
      let result;
      const req = fn(tx.objectStore(storeName));
      if (req) req.onsuccess = () => {
        result = req.result;
      };
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
    });
  };
}
