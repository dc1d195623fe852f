/* totango_py relay: the page's side of Python (Pyodide) in a Web Worker (worker.js), so
   that its start-up never blocks the page.

   Loaded by boot.js, it starts the worker and sends it what Python reads: the settings,
   a copy of localStorage and each change other tabs make, the queued calls with the
   page's context, lifecycle events. Calls stay queued until the worker answers them, so
   a page left meanwhile keeps them (the snippet's pagehide). Each answer is a batch of
   effects, in Python's order, applied in one task: storage writes, collector commands,
   console lines, DOM events, then the calls' outcomes. Python asks the page to run page
   functions (callbacks, middleware) and waits for the answer. */
(function () {
  "use strict";
  var FN = /*@vocabulary.callback*/null;
  var a = window.analytics;
  var USER = /*@vocabulary.userKeys*/null, GROUP = /*@vocabulary.groupKeys*/null;
  var COOKIES = [USER.id, GROUP.id, /*@vocabulary.anonymousIdKey*/null];  // analytics.js may have left ids there
  var WORK = /*@vocabulary.workPrefix*/null, LEFT = /*@vocabulary.leftKey*/null;
  var COLLECTOR_ID = "totango-py-collector", COLLECTOR_MS = 15000;

  a._relay = function (boot) {
    var worker = a._worker, started = false;  // the snippet started it, if it could
    try {
      worker = worker || new Worker(boot.script, { type: "module" });
    } catch (e) {
      boot.report("running Python on the page (no worker: " + e + ")");
      return boot.onPage();
    }
    a._relayed = true;
    var laterDone = null, ready;
    var running = new Promise(function (resolve, reject) { ready = [resolve, reject]; });

    function post(message, transfer) { worker.postMessage(message, transfer || []); }
    function context() {
      var l = window.location;
      return JSON.stringify({ path: l.pathname, url: l.href, search: l.search, title: document.title,
                              referrer: document.referrer });
    }
    function stored() {
      var data = {}, store = window.localStorage;
      for (var i = 0; i < store.length; i++) { var key = store.key(i); data[key] = store.getItem(key); }
      COOKIES.forEach(function (key) { if (!(key in data) && cookie(key) !== null) data[key] = cookie(key); });
      return JSON.stringify(data);
    }
    function cookie(key) {
      var parts = document.cookie.split(";");
      for (var i = 0; i < parts.length; i++) {
        var at = parts[i].indexOf("="), name = parts[i].slice(0, at).trim();
        if (name === key) { try { return decodeURIComponent(parts[i].slice(at + 1)); } catch (e) { return null; } }
      }
      return null;
    }

    // Queued calls not yet sent go to the worker; they stay queued until answered.
    var state = null, status = null;
    a._drain = function () {
      var calls = JSON.parse(a._take(25));
      if (calls.length) post({ calls: calls, context: context() });
      return a._sent < a.length && calls.length > 0;
    };

    // What a message from the worker does on the page.
    worker.onmessage = function (e) {
      var m = e.data;
      if (m.ask) return answer(m.id, m.ask);
      if (m.failed !== undefined) return failed(m.failed);
      apply(m);
    };
    worker.onerror = function (e) {
      e.preventDefault();
      failed(e.message || "the worker could not start");
    };
    if (a._workerFailed) {  // before this file was loaded
      failed(a._workerFailed);
      return running;
    }
    function failed(why) {
      worker.terminate();
      if (!started) {
        a._drain = null;
        a._relayed = false;
        a._unsend();
        boot.report("running Python on the page (the worker: " + why + ")");
        ready[0](boot.onPage(true));
      } else {
        boot.fail(new Error(why));
      }
    }

    function apply(m) {
      var effects = m.effects ? JSON.parse(m.effects) : [];
      for (var i = 0; i < effects.length; i++) {
        try { EFFECTS[effects[i][0]].apply(null, effects[i].slice(1)); } catch (e) { boot.report("", e); }
      }
      (m.done || []).forEach(function (d) { DONE[d[0]](d[1]); });
      if (m.state) {
        state = m.state;
        status = m.status;
        a._state = function () { return state; };
        a._status = function () { return status; };
      }
      if (m.times) for (var k in m.times) boot.times[k] = m.times[k];
      if (m.fromSnapshot !== undefined) a._fromSnapshot = m.fromSnapshot;
      if (m.started && !started) {
        started = true;
        a.initialized = true;
        if (a._tabLock) a._tabLock.taken = true;
        ready[0](function (zip) {
          return new Promise(function (resolve, reject) {
            laterDone = function (error) { if (error) reject(new Error(error)); else resolve(); };
            post({ later: boot.unzip(zip) }, [zip]);
          });
        });
        boot.kick();
      }
    }
    var EFFECTS = {
      set: function (key, text) { window.localStorage.setItem(key, text); },
      remove: function (key) {
        window.localStorage.removeItem(key);
        if (COOKIES.indexOf(key) >= 0) document.cookie = key + "=; path=/; max-age=0; SameSite=Lax";
      },
      collector: collector,
      options: function (options) { window.totango_options = options; },
      send: function (command) { window.totango[command[0]].apply(window.totango, command.slice(1)); },
      log: function (level, message) { console[level](message); },
      dispatch: function (name, detail) { window.dispatchEvent(new CustomEvent(name, { detail: detail })); },
      tab: function (name) { a._tab = name; }
    };
    var DONE = {
      // A slice of calls answered: they leave the queue, and their Promises resolve.
      settle: function (text) {
        var count = JSON.parse(text).length;
        a.splice(0, count);
        a._sent -= count;
        a._settle(text);
      },
      loaded: function (outcome) { if (a._onLoad) a._onLoad(outcome); },
      failed: function (message) { a._failed = message; },
      holdAll: function (message) { a._holdAll(message); },
      later: function (error) { if (laterDone) laterDone(error); laterDone = null; }
    };

    // Page functions, run for Python: {ok, value} or {ok: false, error}.
    function answer(id, request) {
      var reply;
      try {
        reply = { ok: true, value: ASKED[request[0]].apply(null, request.slice(1)) };
      } catch (e) {
        reply = { ok: false, error: String(e && e.message || e) };
      }
      post({ answer: id, text: JSON.stringify(reply) });
    }
    function value(given) {
      return given && typeof given === "object" && FN in given ? a._fn(given[FN]) : given;
    }
    var ASKED = {
      apply: function (index, args) {
        var text = a._json(a._fn(index).apply(null, args.map(value)));
        return text === null ? null : JSON.parse(text);
      },
      middleware: function (index, message, context) {
        var text = a._middleware(a._fn(index), JSON.stringify(message), JSON.stringify(context));
        return text === null ? null : JSON.parse(text);
      },
      // trackLink / trackForm: on each click or submit, the track call is queued here.
      bind: function (elements, domEvent, event, properties) {
        elements = value(elements);
        event = value(event);
        properties = value(properties);
        var list = !elements ? [] : typeof elements.nodeType === "number" ? [elements] : elements;
        function listener(e) {
          var element = e.currentTarget, name, given;
          try {
            name = typeof event === "function" ? event(element) : event;
            given = typeof properties === "function" ? properties(element) : properties;
          } catch (error) {
            boot.report(domEvent + " handler: a function given threw:", error);
            return;
          }
          a.track(name, given);
        }
        var bound = 0;
        for (var i = 0; i < (list.length || 0); i++) {
          try { list[i].addEventListener(domEvent, listener); bound++; }
          catch (e) { boot.report("not an element, skipped: " + e); }
        }
        return bound;
      }
    };

    // Totango's collector: its stub, its options, one script; the worker is told how it went.
    function collector(options, url) {
      window.totango_options = options;
      var done = false, timer = setTimeout(function () {
        settled("the collector script did not load within " + COLLECTOR_MS / 1000 + " s");
      }, COLLECTOR_MS);
      function settled(why) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        post({ collector: why || null });
      }
      function loaded() {
        if (!window.__totango3) console.warn("[totango_py] the collector script loaded but did not define __totango3");
        settled();
      }
      var script = document.getElementById(COLLECTOR_ID);
      if (script && window.__totango3) return settled();
      if (!script) {
        if (!window.totango_tmp_stack) window.totango_tmp_stack = [];
        window.totango = {
          go: function () { return -1; },
          track: function (activity, module, org, user) {
            window.totango_tmp_stack.push({ activity: activity, module: module, org: org, user: user });
          },
          identify: function () {}, setAccountAttributes: function () {}
        };
        script = document.createElement("script");
        script.id = COLLECTOR_ID;
        script.setAttribute("async", "");
        script.src = url;
        document.head.appendChild(script);
      }
      script.addEventListener("load", loaded);
      script.addEventListener("error", function () {
        settled("the collector script could not be loaded from " + script.src);
      });
    }

    // The page's lifecycle and other tabs' storage writes, as Python in the worker sees them.
    ["beforeunload", "pagehide", "pageshow", "offline", "online", "storage"].forEach(function (type) {
      addEventListener(type, function (e) {
        if (type === "pagehide") left();
        if (type === "storage" && e.storageArea !== window.localStorage) return;
        post({ event: type, persisted: e.persisted, key: e.key, value: e.newValue });
      });
    });
    // Left: if this tab has work stored, other tabs are told at once (Python's owner.leave,
    // which may not run before the page is gone). The snippet has kept the calls not answered.
    function left() {
      if (a._tabLock && a._tabLock.release) a._tabLock.release();
      try {
        var store = window.localStorage, tab = ":" + a._tab;
        for (var i = 0; i < store.length; i++) {
          var key = store.key(i), text = store.getItem(key);
          if (key.indexOf(WORK) === 0 && key.slice(-tab.length) === tab && text !== "[]" && text !== "null") {
            store.setItem(LEFT, JSON.stringify({ tab: a._tab, at: Date.now() }));
            return;
          }
        }
      } catch (e) {}
    }

    // The start, at once: the worker fetches the runtime, its .wasm and its memory itself.
    // Then the package's files (moved, not copied).
    post({ start: { settings: a._json(a._settings || {}), tab: a._tab, leaving: !!a._leaving, storage: stored(),
                    context: context(), folder: boot.folder, runtime: boot.runtime, origin: performance.timeOrigin,
                    wasm: boot.wasm, snapshot: boot.snapshot } });
    Promise.resolve(boot.bundle).then(function (zip) {
      var files = boot.unzip(zip);
      post({ bundle: { value: files } }, [zip]);
    })["catch"](function (e) { post({ bundle: { value: null, error: String(e && e.message || e) } }); });
    // This tab's lock, which boot.js asked for, is the worker's to hold once Python has started
    // (above); the page lets it go at pagehide.
    if (a._tabLock) {
      a._tabLock.held.then(function (release) { post({ tabLock: !!release }); });
    } else {
      post({ tabLock: false });
    }
    return running;
  };
})();
