// GAN Playground's service worker: the page's own files, kept in the browser so that a second
// visit starts without the network and the page works offline after one load (classrooms have
// bad wifi). scripts/precache.sh writes it into the build with VERSION and FILES above this
// line: every file of the build with a hash of its content, and whether the first visit keeps
// it at once (the page, the CPU worker, the explorer's opening generator) or when first fetched
// (the WebGPU worker, the other generators, the emoji sets' sheets: large, and not every
// visitor needs them). Of the two CPU workers
// ('relaxed-simd', 'no-relaxed-simd') it keeps the one the page will load.
//
// A new build has new hashes, so a new VERSION and a new service worker: it fills its own
// cache while the page runs on the old one, then waits; the page says a new version is ready
// and, when the user agrees, tells it to take over (message 'skip-waiting') and reloads. The
// old cache is deleted then. File names stay stable: the hashes live here, not in the names.

const CACHE = `gan-playground-${VERSION}`;
const SCOPE = new URL(self.registration.scope);
const urlOf = (path) => new URL(path, SCOPE).href;
const KNOWN = new Set(FILES.map(([path]) => urlOf(path)));
const INDEX = urlOf('index.html');

/** Fetches `url` from the network: the HTTP cache may answer, but only after the server
 * confirms it holds this build's file (a conditional request: no second download of what the
 * page itself just fetched, on hosts that send validators). */
const fresh = (url) => fetch(new Request(url, { cache: 'no-cache' }));

// The question the page asks before it picks a CPU worker: does this engine validate the
// smallest module that uses relaxed SIMD? The same bytes as protocol::device::RELAXED_SIMD_PROBE
// (a native test there compares them).
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b,
  0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20,
  0x02, 0xfd, 0x85, 0x02, 0x0b,
]);
const CPU_WORKER = WebAssembly.validate(RELAXED_SIMD_PROBE) ? 'relaxed-simd' : 'no-relaxed-simd';
const keptAtOnce = (atOnce) => atOnce === true || atOnce === CPU_WORKER;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const [path, , atOnce] of FILES) {
      if (!keptAtOnce(atOnce)) continue;
      const response = await fresh(urlOf(path));
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      await cache.put(urlOf(path), response);
    }
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('gan-playground-') && name !== CACHE) await caches.delete(name);
    }
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // The page's address carries the device (?cpu) and the explorer's view (#…): one file.
  let key = url.origin + url.pathname;
  if (request.mode === 'navigate' && url.pathname === SCOPE.pathname) key = INDEX;
  if (!KNOWN.has(key)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(key);
    if (kept) return kept;
    const response = await fresh(key);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  })());
});
