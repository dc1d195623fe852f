/* totango_py relay: Python (Pyodide) in a Web Worker, so that its start-up never
   blocks the page. This one file is both sides.

   The page side (loaded by boot.js) starts the worker from this file and sends
   it what Python reads: the settings, a copy of localStorage and each change
   other tabs make, the queued calls with the page's context, lifecycle events.
   Calls stay queued until the worker answers them, so a page left meanwhile
   keeps them (the snippet's pagehide). Each answer is a batch of effects, in
   Python's order, applied in one task: storage writes, collector commands,
   console lines, DOM events, then the calls' outcomes. Python asks the page to
   run page functions (callbacks, middleware) and waits for the answer.

   The worker side runs Python with totango_py.browser.relay as its ports, one
   message at a time. */
(function () {
  "use strict";
  var FN = /*@vocabulary.callback*/null;
  if (typeof document === "undefined") return worker();

  var a = window.analytics;
  var USER = /*@vocabulary.userKeys*/null, GROUP = /*@vocabulary.groupKeys*/null;
  var COOKIES = [USER.id, GROUP.id, /*@vocabulary.anonymousIdKey*/null];  // analytics.js may have left ids there
  var WORK = /*@vocabulary.workPrefix*/null, LEFT = /*@vocabulary.leftKey*/null;
  var COLLECTOR_ID = "totango-py-collector", COLLECTOR_MS = 15000;

  a._relay = function (boot) {
    var worker, started = false;
    try {
      worker = new Worker(boot.script, { type: "module" });
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

    // The start, at once: the worker fetches the runtime and its memory itself. Then the
    // .wasm if the snippet compiled it, and the package's files (moved, not copied).
    post({ start: { settings: a._json(a._settings || {}), tab: a._tab, leaving: !!a._leaving, storage: stored(),
                    context: context(), folder: boot.folder, runtime: boot.runtime, origin: performance.timeOrigin,
                    snapshot: boot.snapshot } });
    [["wasm", a._wasm], ["bundle", boot.bundle]].forEach(function (part) {
      Promise.resolve(part[1]).then(function (got) {
        if (part[0] === "bundle") return post({ part: "bundle", value: boot.unzip(got) }, [got]);
        post({ part: part[0], value: got || null }, got instanceof ArrayBuffer ? [got] : []);
      })["catch"](function (e) { post({ part: part[0], value: null, error: String(e && e.message || e) }); });
    });
    // This tab's lock, which boot.js asked for, is the worker's to hold once Python has started
    // (above); the page lets it go at pagehide.
    if (a._tabLock) {
      a._tabLock.held.then(function (release) { post({ tabLock: !!release }); });
    } else {
      post({ tabLock: false });
    }
    return running;
  };
  return;

  // -- the worker -------------------------------------------------------------
  function worker() {
    var STEPS = /*@vocabulary.steps*/null, ROOT = /*@vocabulary.packageRoot*/null;
    var TAB_LOCK = /*@vocabulary.tabLockPrefix*/null, PYODIDE = null;
    var a = self.analytics = { _calls: [] }, py = null, relay = null, done = [], inbox = [], busy = false;
    var asks = {}, asked = 0, times = {}, pageOrigin = 0, parts = {};
    ["wasm", "bundle"].forEach(function (name) {
      parts[name] = new Promise(function (resolve) { parts["_" + name] = resolve; });
    });
    self.window = self;

    // What Python's browser code finds on window.analytics, as boot.js gives it on a page.
    a._take = function (max) { return JSON.stringify(a._calls.splice(0, max || a._calls.length)); };
    a._settle = function (text) { done.push(["settle", text]); };
    a._onLoad = function (outcome) { done.push(["loaded", outcome]); };
    a._holdAll = function (message) { done.push(["failed", message], ["holdAll", message]); };
    a._call = function (t, n) {
      try { return { ok: true, value: t[n].apply(t, Array.prototype.slice.call(arguments, 2)) }; }
      catch (e) { return { ok: false, error: String(e && e.message || e) }; }
    };
    // A question for the page (a page function to run): a Promise of its answer.
    a._ask = function (request) {
      return new Promise(function (resolve) {
        asks[++asked] = resolve;
        postMessage({ ask: JSON.parse(request), id: asked });
      });
    };
    // Python functions JavaScript calls (timers, events, locks) run one at a time, each able
    // to wait for the page: a Promise of the result, which Python gives in an array (ffi.py).
    // ``raw`` calls the function as it is, from this file, when Python is not running.
    a._entry = function (proxy) {
      function entry() {
        var args = arguments;
        return run(function () { return proxy.callPromising.apply(proxy, args); }).then(function (box) {
          return box[0];
        });
      }
      entry.raw = function () { return proxy.apply(null, arguments)[0]; };
      entry.raw.callPromising = function () {
        return proxy.callPromising.apply(proxy, arguments).then(function (box) { return box[0]; });
      };
      return entry;
    };

    self.onmessage = function (e) {
      var m = e.data;
      if (m.answer) { asks[m.answer](m.text); delete asks[m.answer]; return; }
      if (m.part) { parts["_" + m.part](m); return; }
      run(function () { return handle(m); })["catch"](function () {});  // reported by work()
    };
    function run(task) {
      return new Promise(function (resolve, reject) {
        inbox.push([task, resolve, reject]);
        if (!busy) work();
      });
    }
    function work() {
      busy = true;
      var item = inbox.shift();
      if (!item) { busy = false; return; }
      Promise.resolve().then(item[0]).then(item[1], function (e) {
        item[2](e);
        postMessage({ effects: JSON.stringify([["log", "error", "[totango_py] " + (e && e.message || e)]]) });
      }).then(function () {
        send();
        work();
      });
    }
    // This message's effects and outcomes, with user(), group() and status() as they are now.
    function send() {
      if (!relay) return;
      var m = { effects: relay.flush(), done: done };
      done = [];
      if (a._state) { m.state = a._state.raw(); m.status = a._status.raw(); }
      postMessage(m);
    }
    // A moment on the page's clock: ms since its navigation started.
    function mark(name) { times[name] = performance.timeOrigin + performance.now() - pageOrigin; }

    function handle(m) {
      if (m.start) return start(m.start);
      if (m.calls) {
        a._calls.push.apply(a._calls, m.calls);
        a._context = m.context;
        return a._drain.raw.callPromising(true);
      }
      if (m.event) {
        if (m.event === "storage") relay.storage.changed(m.key, m.value);
        var event = new Event(m.event);
        event.persisted = m.persisted;
        event.key = m.key;
        self.dispatchEvent(event);  // Python's listeners (``browser.lifecycle``) run next, one at a time
        return;
      }
      if (m.collector !== undefined) return relay.transport.settled.callPromising(m.collector);
      if (m.tabLock !== undefined) return a._tabLock.granted(m.tabLock);
      if (m.later) {
        try {
          write(m.later);
          py.runPython(PYODIDE.afterFiles);
          done.push(["later", ""]);
        } catch (e) {
          done.push(["later", String(e && e.message || e)]);
        }
      }
    }
    function write(files) {
      Object.keys(files).forEach(function (path) {
        var full = ROOT + "/" + path;
        py.FS.mkdirTree(full.slice(0, full.lastIndexOf("/")));
        py.FS.writeFile(full, files[path]);
      });
    }
    function value(part) {
      return part.then(function (m) {
        if (m.error) throw new Error(m.error);
        return m.value;
      });
    }

    function start(s) {
      PYODIDE = s.runtime;
      pageOrigin = s.origin;
      a._settings = JSON.parse(s.settings);
      a._tab = s.tab;
      a._leaving = s.leaving || undefined;
      a._storage = s.storage;
      a._context = s.context;
      // The page holds this tab's lock (boot.js): Python takes it over as on a page.
      var lock = a._tabLock = { name: TAB_LOCK + s.tab, taken: false, release: null };
      lock.held = new Promise(function (resolve) {
        lock.granted = function (held) { resolve(held ? function () {} : null); };
      });
      mark("workerStart");
      return import(s.folder + PYODIDE.module).then(function (loader) {
        var options = Object.assign({ indexURL: s.folder, wasmModule: value(parts.wasm) }, PYODIDE.options);
        if (!s.snapshot) return loader[PYODIDE.start](options);
        var memory = fetch(s.snapshot).then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.arrayBuffer();
        });
        memory["catch"](function () {});  // Pyodide takes the failure (below), maybe after it happened
        // A snapshot that cannot be had or used: the page runs Python instead, started afresh there.
        return loader[PYODIDE.start](Object.assign({ _loadSnapshot: memory }, options)).then(function (got) {
          got.runPython(PYODIDE.afterSnapshot);
          got.fromSnapshot = true;
          return got;
        }, function (e) {
          throw new Error("the runtime's snapshot could not be used: " + (e && e.message || e));
        });
      }).then(function (got) {
        py = got;
        mark("runtimeReady");
        return value(parts.bundle);
      }).then(function (files) {
        write(files);
        mark("filesWritten");
        STEPS.forEach(function (step) {
          py.runPython(step[1]);
          mark(step[0]);
        });
        relay = py.pyimport("totango_py.browser.relay");
        postMessage({ started: true, fromSnapshot: !!py.fromSnapshot, times: times });
        send();
      }, function (e) {
        postMessage({ failed: String(e && e.message || e) });  // the page runs Python itself
      });
    }
  }
})();
