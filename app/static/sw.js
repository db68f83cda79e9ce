// Reshelf's service worker: keeps the scanning pages usable without signal.
//
// It is served from /sw.js so that it may answer for /scan and /stocktakes. Pages and static
// files are fetched from the network first (so they are never stale while there is signal),
// and a copy is kept; without signal the copy is served. The scans themselves are queued by
// the page (static/scan.js, IndexedDB) and sent to /scan/sync. The camera's decoder under
// /vendor/ is kept the same way (static/camera.js warms its copy), so the camera reads labels
// without signal too. Logging out drops the copies.
"use strict";

var CACHE = "reshelf-scan-v1"; // static/scan.js and static/camera.js warm the same cache
var PAGES = /^\/(scan(\/move(\/\d+)?|\/stocktake)?|stocktakes\/\d+)$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (key) { return key !== CACHE; })
          .map(function (key) { return caches.delete(key); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

// Without a copy of a storeroom's or a count's own page, the generic page stands in; the
// page's script reads the storeroom or count from the address.
function standIn(path) {
  if (/^\/scan\/move\/\d+$/.test(path)) return "/scan/move";
  if (/^\/stocktakes\/\d+$/.test(path)) return "/scan/stocktake";
  return "/scan";
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout") {
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  var isPage = PAGES.test(url.pathname);
  var isFile = /^\/(static|vendor)\//.test(url.pathname);
  if (request.method !== "GET" || !(isPage || isFile)) return;
  var key = url.pathname; // one copy per page, whatever its query
  event.respondWith(
    fetch(request)
      .then(function (response) {
        if (response.ok && !response.redirected && response.type === "basic") {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
        }
        return response;
      })
      .catch(function (error) {
        return caches.match(key).then(function (hit) {
          if (hit) return hit;
          if (!isPage) throw error;
          return caches.match(standIn(url.pathname)).then(function (page) {
            if (page) return page;
            throw error;
          });
        });
      })
  );
});
