// Service worker: keeps the staff scanner (/scan) and the visitor pass (/pass) loadable with
// no connection, so a tablet that reloads (or is restarted) while the server is away still
// opens the scanner, shows its pending count and keeps queueing scans in IndexedDB.
//
// Pages and assets only: the API (/api/...) is never intercepted or cached. Answers and
// secrets must come from the server or not at all, and a cached answer would be a stale one.
//
// Cache-first for the listed files: they are what this build of the jar serves. BUILD is
// stamped by build.mjs with a hash of dist/, so a new jar means a new worker, which fills a
// new cache and drops the old ones; the page that is open keeps its code until it reloads.
const BUILD = '__ENTRYLOG_BUILD__';
const CACHE = `entrylog-pages-${BUILD}`;

// build.mjs refuses a list naming a file that is not in dist/, and one that leaves out a
// module that a listed script imports (the page would not start offline without it).
const PRECACHE = [
  '/scan',
  '/pass',
  '/assets/app.css',
  '/assets/common.js',
  '/assets/i18n.js',
  '/assets/idb.js',
  '/assets/queue.js',
  '/assets/scan.js',
  '/assets/scan/camera.js',
  '/assets/scan/companions.js',
  '/assets/scan/decoder.js',
  '/assets/scan/enroll.js',
  '/assets/scan/screen.js',
  '/assets/scan/sync.js',
  '/assets/scan/tablet.js',
  '/assets/scan/occupancy.js',
  '/assets/occupancy.js',
  '/assets/icons/full.svg',
  '/assets/pass.js',
  '/assets/phone.js',
  '/assets/pass/bundle.js',
  '/assets/icon.svg',
  '/assets/icons/accepted.svg',
  '/assets/icons/duplicate.svg',
  '/assets/icons/queued.svg',
  '/assets/icons/rejected.svg',
  '/assets/vendor/jsQR.js',
  '/assets/decoder.js',
  '/assets/decoder-worker.js',
  '/assets/decoder-frames.js',
  '/assets/vendor/zxing/reader/index.js',
  '/assets/vendor/zxing/share.js',
  '/assets/vendor/zxing/zxing_reader.wasm',
];
const KEEP = new Set(PRECACHE);

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // 'reload' skips the HTTP cache, so the worker never pins a copy older than this build.
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('entrylog-pages-') && name !== CACHE) await caches.delete(name);
    }
    // Take over the page that registered us, so it works offline without a second load.
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || !KEEP.has(url.pathname)) return; // straight to the network
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // /scan?enroll=… and ?lang=… are the same page: the script reads the query itself.
    const hit = await cache.match(url.pathname, { ignoreSearch: true });
    if (hit) return hit;
    const res = await fetch(req);
    if (res.ok && res.type === 'basic') cache.put(url.pathname, res.clone()).catch(() => {});
    return res;
  })());
});
