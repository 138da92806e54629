// GAN Playground's service worker: the page's own files, kept in the browser so that a second
// visit starts without the network and the page works offline after one load (classrooms have
// bad wifi). scripts/precache.sh writes it into the build with VERSION and FILES above this
// line: every file of the build with a hash of its content, and whether the first visit keeps
// it at once (the page, the CPU worker, the digits generator) or when first fetched (the WebGPU
// worker, the food generator: large, and not every visitor needs them).
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

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const [path, , atOnce] of FILES) {
      if (!atOnce) continue;
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
