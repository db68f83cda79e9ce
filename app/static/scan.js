// Scanning page. Without JavaScript the page works as plain forms: a typed code, a hardware
// scanner typing plus Enter, or a photo decoded on the server. With it:
//  - every scan of an item (look up, move, count) goes into a queue on the phone (IndexedDB)
//    with its own id and scan time, and the queue is sent to /scan/sync whenever there is
//    signal; the server applies it in scan order, once, and answers each scan;
//  - without signal the page still answers from a copy of the user's items and storerooms,
//    and our service worker (/sw.js) serves the pages themselves;
//  - the camera scans continuously (static/camera.js), filling in the code and sending the form.
(function () {
  "use strict";
  var page = document.querySelector(".scan-page");
  var form = page && page.querySelector(".scan-form");
  if (!form) return;

  var CACHE = "reshelf-scan-v1"; // the service worker's cache (static/sw.js)
  var RETRY_MS = 15000;
  var user = Number(page.dataset.user);
  var messages = JSON.parse(page.dataset.messages);
  var codeField = form.querySelector("input[name=code]");
  var whenField = form.querySelector("input[name=scanned_at]");
  var photoField = form.querySelector("input[name=photo]");
  var statusLine = page.querySelector("[data-queue-status]");
  var answer = page.querySelector("[data-offline-answer]");
  var results = page.querySelector("[data-results]");
  var state = {
    mode: page.dataset.mode,
    storeroom: page.dataset.storeroom ? Number(page.dataset.storeroom) : null,
    stocktake: page.dataset.stocktake ? Number(page.dataset.stocktake) : null,
    csrf: form.querySelector("input[name=csrf_token]").value,
    index: null, // {version, storerooms, items, byTag, byCode}
    offline: false,
    lookup: null // client id of the look-up whose answer opens the item
  };

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function codeFromScan(text) {
    text = text.trim();
    var marker = text.toLowerCase().lastIndexOf("/s/");
    if (marker !== -1 && /^https?:\/\//i.test(text)) text = text.slice(marker + 3);
    return text.trim().replace(/^\/+|\/+$/g, "").slice(0, 64);
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // --- the queue and the copy, in IndexedDB -------------------------------------------------

  var database = null;
  function db() {
    if (!database) {
      database = new Promise(function (resolve, reject) {
        var opening = window.indexedDB.open("reshelf-scan", 1);
        opening.onupgradeneeded = function () {
          opening.result.createObjectStore("queue", { keyPath: "client_id" });
          opening.result.createObjectStore("copy", { keyPath: "user" });
        };
        opening.onsuccess = function () { resolve(opening.result); };
        opening.onerror = function () { reject(opening.error); };
      });
    }
    return database;
  }

  function store(name, mode, work) {
    return db().then(function (handle) {
      return new Promise(function (resolve, reject) {
        var tx = handle.transaction(name, mode);
        var result = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function queued() {
    return store("queue", "readonly", function (s) { return s.getAll(); }).then(function (all) {
      return all.filter(function (scan) { return scan.user === user; });
    });
  }

  function enqueue(scan) {
    return store("queue", "readwrite", function (s) { s.put(scan); });
  }

  function dequeue(ids) {
    return store("queue", "readwrite", function (s) { ids.forEach(function (id) { s.delete(id); }); });
  }

  // --- sending ------------------------------------------------------------------------------

  function showStatus(count) {
    var text = count ? say(messages.waiting, { n: count }) : "";
    if (state.offline) text = (text + " " + messages.offline).trim();
    statusLine.textContent = text;
    statusLine.hidden = !text;
    statusLine.classList.toggle("offline", state.offline);
  }

  function refreshStatus() {
    return queued().then(function (scans) { showStatus(scans.length); return scans; });
  }

  function showResult(result) {
    var empty = results.querySelector(".empty");
    if (empty) empty.remove();
    var line = document.createElement("li");
    line.className = "scan-" + result.outcome;
    line.textContent = result.message;
    results.insertBefore(line, results.firstChild);
    var undo = page.querySelector("form[data-needs-queue-sent] button[disabled]");
    if (undo && result.outcome === "done") undo.disabled = false;
  }

  function showCounts(stocktakes) {
    var counts = stocktakes && stocktakes[state.stocktake];
    var line = page.querySelector("[data-count-line]");
    if (counts && line) line.textContent = say(messages.counts, counts);
  }

  function post(scans, retried) {
    return fetch(page.dataset.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": state.csrf },
      body: JSON.stringify({ scans: scans })
    }).then(function (response) {
      if (response.redirected) throw { login: true };
      if (response.status === 400 && !retried) {
        // The page's token may have expired while it was kept offline: fetch a fresh one.
        return fetch(page.dataset.syncUrl, { credentials: "same-origin" })
          .then(function (fresh) {
            if (fresh.redirected) throw { login: true };
            return fresh.json();
          })
          .then(function (body) { state.csrf = body.csrf_token; return post(scans, true); });
      }
      if (!response.ok) throw { status: response.status };
      return response.json();
    });
  }

  var sending = null;
  var sendAgain = false; // a scan queued while a send was under way goes right after it
  function send() {
    if (sending) {
      sendAgain = true;
      return sending.then(function () { return send(); });
    }
    sendAgain = false;
    sending = queued()
      .then(function (scans) {
        if (!scans.length) return null;
        return post(scans.slice(0, 500)).then(function (body) {
          state.offline = false;
          var done = body.results.map(function (r) { return r.client_id; });
          return dequeue(done).then(function () {
            body.results.forEach(showResult);
            showCounts(body.stocktakes);
            var opened = body.results.filter(function (r) { return r.client_id === state.lookup; });
            if (opened.length) window.location.assign(resolveUrl(opened[0].code));
            return body.results;
          });
        });
      })
      .catch(function (problem) {
        if (problem && problem.login) {
          statusLine.textContent = messages.login;
          statusLine.hidden = false;
          throw problem;
        }
        state.offline = !(problem && problem.status);
        return null;
      })
      .then(function (sent) {
        sending = null;
        if (sendAgain && sent !== null) return send();
        return refreshStatus().then(function () { return sent; });
      }, function () { sending = null; });
    return sending;
  }

  function resolveUrl(code) {
    return page.dataset.resolveUrl.replace("CODE", encodeURIComponent(code));
  }

  // --- the copy on the phone, for answers without signal ------------------------------------

  function useCopy(copy) {
    if (!copy || copy.user !== user) return;
    copy.byTag = {};
    copy.items.forEach(function (row) { copy.byTag[row[0].toUpperCase()] = row; });
    copy.byCode = {};
    copy.storerooms.forEach(function (room) { copy.byCode[room.code.toUpperCase()] = room; });
    copy.byId = {};
    copy.storerooms.forEach(function (room) { copy.byId[room.id] = room; });
    state.index = copy;
  }

  function loadCopy() {
    var kept = store("copy", "readonly", function (s) { return s.get(user); });
    return kept.then(function (copy) {
      useCopy(copy);
      var headers = copy && copy.version ? { "If-None-Match": '"' + copy.version + '"' } : {};
      return fetch(page.dataset.indexUrl, { credentials: "same-origin", headers: headers })
        .then(function (response) {
          if (response.status !== 200 || response.redirected) return null;
          return response.json().then(function (fresh) {
            fresh.user = user;
            fresh.saved_at = new Date().toISOString();
            useCopy(fresh);
            var plain = { user: user, version: fresh.version, saved_at: fresh.saved_at,
                          storerooms: fresh.storerooms, items: fresh.items };
            return store("copy", "readwrite", function (s) { s.put(plain); });
          });
        })
        .catch(function () { return null; });
    });
  }

  function storeroomByCode(code) {
    return state.index ? state.index.byCode[code.toUpperCase()] : undefined;
  }

  function answerFromCopy(code) {
    var index = state.index;
    var item = index && index.byTag[code.toUpperCase()];
    var room = storeroomByCode(code);
    if (item) answer.textContent = say(messages.item, { tag: item[0], name: item[1], place: item[2] || "-" });
    else if (room) answer.textContent = say(messages.storeroom, room);
    else answer.textContent = say(messages.unknown, { code: code });
    answer.hidden = false;
  }

  // --- modes switched on the phone when the server cannot be asked --------------------------

  function enterMove(room) {
    state.mode = "move";
    state.storeroom = room.id;
    var url = page.dataset.moveUrl.replace(/0$/, String(room.id));
    form.action = url;
    page.querySelector("h1").textContent = say(messages.moving, room);
    if (window.location.pathname !== url) window.history.replaceState(null, "", url);
  }

  function enterCount(stocktakeId) {
    state.mode = "stocktake";
    state.stocktake = stocktakeId;
    page.querySelector("h1").textContent = messages.counting;
  }

  function standInFor() {
    // The service worker served the generic page for a storeroom's or a count's own page.
    var path = window.location.pathname;
    var move = path.match(/\/scan\/move\/(\d+)$/);
    var count = path.match(/\/stocktakes\/(\d+)$/);
    if (move && state.mode === "move-start" && state.index) {
      var room = state.index.byId[Number(move[1])];
      if (room) enterMove(room);
    } else if (count && state.mode === "stocktake-start") {
      enterCount(Number(count[1]));
    }
  }

  // --- scanning -----------------------------------------------------------------------------

  function scanMode() {
    if (state.mode === "move") return "move";
    if (state.mode === "stocktake") return "stocktake";
    return "lookup";
  }

  form.addEventListener("submit", function (event) {
    whenField.value = new Date().toISOString();
    if (photoField && photoField.files.length) return; // photos are read by the server
    // The server opens the item's offer form, or takes the aid's step.
    if (state.mode === "offer" || state.mode === "aid") return;
    var code = codeFromScan(codeField.value);
    if (!code) return; // the server asks for a code
    answer.hidden = true;
    if (state.mode === "move-start" || state.mode === "stocktake-start" ||
        (state.mode === "move" && storeroomByCode(code))) {
      if (navigator.onLine && !state.offline) return; // the server opens the storeroom's page
      event.preventDefault();
      var room = storeroomByCode(code);
      if (room && state.mode !== "stocktake-start") enterMove(room);
      else if (room) { answer.textContent = messages.needs_connection; answer.hidden = false; }
      else answerFromCopy(code);
      codeField.value = "";
      return;
    }
    event.preventDefault();
    var scan = {
      client_id: newId(), user: user, code: code, mode: scanMode(),
      scanned_at: whenField.value, storeroom_id: state.storeroom, stocktake_id: state.stocktake
    };
    if (scan.mode === "lookup") state.lookup = scan.client_id;
    codeField.value = "";
    codeField.focus();
    enqueue(scan).then(send).then(function (sent) {
      if (sent === null && scan.mode === "lookup") {
        state.lookup = null; // answered here; the page stays when the scan is sent later
        answerFromCopy(code);
      }
    });
  });

  // Undo and finish act on what the server has: the waiting scans go first.
  Array.prototype.forEach.call(page.querySelectorAll("form[data-needs-queue-sent]"), function (other) {
    other.addEventListener("submit", function (event) {
      if (other.dataset.queueSent) return;
      event.preventDefault();
      send().then(queued).then(function (left) {
        if (left.length) {
          answer.textContent = messages.send_first + " " + messages.needs_connection;
          answer.hidden = false;
        } else {
          other.dataset.queueSent = "yes";
          other.requestSubmit();
        }
      });
    });
  });

  window.addEventListener("online", function () { state.offline = false; send(); });
  window.addEventListener("offline", function () { state.offline = true; refreshStatus(); });
  window.setInterval(function () {
    refreshStatus().then(function (scans) { if (scans.length) send(); });
  }, RETRY_MS);

  // --- the service worker and the pages it keeps ---------------------------------------------

  function keep(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) return;
      return caches.open(CACHE).then(function (cache) { return cache.put(url, response); });
    }).catch(function () {});
  }

  if ("serviceWorker" in navigator && window.caches) {
    navigator.serviceWorker.register(page.dataset.workerUrl, { scope: "/" }).then(function () {
      if (!navigator.onLine) return;
      ["/scan", "/scan/move", "/scan/stocktake", window.location.pathname].forEach(keep);
    }).catch(function () {});
  }

  loadCopy().then(standInFor);
  send();
})();
