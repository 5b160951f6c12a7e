/*
 * The field page's service worker, served at /veld/sw.js by maps/views/field/page.py, which writes FIELD_PAGE,
 * FIELD_ASSETS, FIELD_CACHE and FIELD_MANIFEST in front of this code. Its scope is /veld/.
 *
 * - install: keep the page's assets (and the page itself, when the user is logged in) in the cache FIELD_CACHE;
 * - activate: drop the caches of older versions;
 * - the page: network first (always the latest categories and login), the kept copy without a connection;
 * - the assets: from the cache (a new version of any asset comes with a new worker);
 * - everything else (the API, "around me", sending reports) goes to the network untouched: reports made
 *   offline wait in the page's IndexedDB queue, never in this worker.
 */
/* global FIELD_PAGE, FIELD_ASSETS, FIELD_CACHE, FIELD_MANIFEST */

const CACHE_PREFIX = "veld-";

async function keepPage(cache) {
  try {
    const response = await fetch(FIELD_PAGE, { credentials: "same-origin" });
    if (response.ok && !response.redirected) await cache.put(FIELD_PAGE, response);
  } catch {
    // Offline or logged out while installing: the page is kept on its next visit.
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(FIELD_CACHE);
      await cache.addAll([...FIELD_ASSETS, FIELD_MANIFEST]);
      await keepPage(cache);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== FIELD_CACHE).map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

async function pageNetworkFirst(request) {
  const cache = await caches.open(FIELD_CACHE);
  try {
    const response = await fetch(request);
    // Only a real page is kept: not the login redirect, not an error page.
    if (response.ok && response.type === "basic" && !response.redirected) {
      await cache.put(FIELD_PAGE, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(FIELD_PAGE);
    if (kept) return kept;
    throw error;
  }
}

async function assetCacheFirst(request) {
  const kept = await caches.match(request, { cacheName: FIELD_CACHE, ignoreSearch: true });
  return kept || fetch(request);
}

const assetPaths = new Set([...FIELD_ASSETS, FIELD_MANIFEST]);

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === FIELD_PAGE) {
    event.respondWith(pageNetworkFirst(request));
  } else if (assetPaths.has(url.pathname)) {
    event.respondWith(assetCacheFirst(request));
  }
});
