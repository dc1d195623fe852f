/* totango_py worker: Python (Pyodide) in a Web Worker, started by the snippet (or, where
   it could not, by relay.js, the page's side), so that its start-up never blocks the
   page. It runs Python with totango_py.browser.relay as its ports, one message at a
   time: each message's effects and outcomes go back to the page in one answer. */
(function () {
  "use strict";
  var STEPS = /*@vocabulary.steps*/null, ROOT = /*@vocabulary.packageRoot*/null;
  var TAB_LOCK = /*@vocabulary.tabLockPrefix*/null, PYODIDE = null;
  var a = self.analytics = { _calls: [] }, py = null, relay = null, done = [], inbox = [], busy = false;
  var asks = {}, asked = 0, times = {}, pageOrigin = 0, bundleArrived;
  var bundle = new Promise(function (resolve) { bundleArrived = resolve; });  // the package, from the page
  var early = {};  // the downloads the snippet's message started, before boot.js ran
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
    if (m.bundle) { bundleArrived(m.bundle); return; }
    if (m.early) { fetchRuntime(m.early.modulepreload, m.early.wasm, m.early.snapshot); return; }
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
  // This message's effects and outcomes, with user(), group() and status() as they are now:
  // with every answer that settles calls (their Promises resolve: these reflect them), else at
  // most every STATUS_MS (a burst of answers would copy them thousands of times), and once
  // more after the last.
  var STATUS_MS = 100, statusAt = -Infinity, statusDue = null;
  function send() {
    if (!relay) return;
    var m = { effects: relay.flush(), done: done }, now = performance.now();
    done = [];
    if (a._state && (m.done.length || now - statusAt >= STATUS_MS)) {
      m.state = a._state.raw();
      m.status = a._status.raw();
      statusAt = now;
    } else if (a._state && statusDue === null) {
      statusDue = setTimeout(function () { statusDue = null; run(function () {}); }, STATUS_MS);
    }
    if (m.effects !== "[]" || m.done.length || m.state) postMessage(m);
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

  // The loader's module, the .wasm (compiled as it arrives) and the memory, asked for at
  // once: the loader's own chain (module, glue, memory, then .wasm) would start them late.
  function fetchRuntime(loader, wasm, snapshot) {
    early.loader = import(loader);
    early.loader["catch"](function () {});  // start() takes the failure
    early.wasm = WebAssembly.compileStreaming(fetch(wasm))["catch"](function () {
      return null;  // the loader fetches it
    });
    early.memory = snapshot ? fetch(snapshot).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.arrayBuffer();
    }) : null;
    if (early.memory) early.memory["catch"](function () {});  // Pyodide takes the failure, maybe after it happened
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
    if (!early.wasm) fetchRuntime(s.folder + PYODIDE.module, s.wasm, s.snapshot);
    var memory = s.snapshot ? early.memory : null;
    return early.loader.then(function (loader) {
      var options = Object.assign({ indexURL: s.folder, wasmModule: early.wasm }, PYODIDE.options);
      if (!memory) return loader[PYODIDE.start](options);
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
      return bundle.then(function (got) {
        if (got.error) throw new Error(got.error);
        return got.value;
      });
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
})();
