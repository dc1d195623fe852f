/* totango_py snippet: put it inline, first thing in <head>. Set TAG to where
   the tag folder is served. Calls are queued (and kept across a quick page
   exit) until Python has booted and takes them over, in order. Each returns a
   Promise of the call's outcome, resolved once Python has handled the call. */
(function (TAG) {
  var a = window.analytics = window.analytics || [];
  if (a.initialized || a.invoked) return;
  a.invoked = true;
  var KEY = /*@vocabulary.queueKey*/null;
  var calls = /*@vocabulary.queuedMethods*/null;
  var kept = /*@vocabulary.keptMethods*/null;
  var USER = /*@vocabulary.userKeys*/null, GROUP = /*@vocabulary.groupKeys*/null;
  var ANONYMOUS = /*@vocabulary.anonymousIdKey*/null;
  var resolver;
  function capture(resolve) { resolver = resolve; }  // one function for every call: no closure each time
  function method(name) {
    return function () {
      var call = [name];
      for (var i = 0; i < arguments.length; i++) call[i + 1] = arguments[i];
      var promise = new Promise(capture);
      call.done = resolver;
      a.push(call);
      if (a._kick) a._kick();
      return promise;
    };
  }
  for (var i = 0; i < calls.length; i++) a[calls[i]] = method(calls[i]);
  // user() and group() with no arguments: what is stored, until Python answers.
  function stored(key) { try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; } }
  function party(keys) {
    return { id: function () { return stored(keys.id); }, traits: function () { return stored(keys.traits) || {}; },
             anonymousId: function () { return stored(ANONYMOUS); } };
  }
  var queueGroup = a.group;
  a.group = function () { return arguments.length ? queueGroup.apply(a, arguments) : party(GROUP); };
  a.user = function () { return party(USER); };
  a.status = function () { return { tracker: "booting" }; };
  // boot.js, the runtime, its .wasm and the Python package are requested side by
  // side as soon as load() runs, not one after the other; only the chosen runtime's.
  var BOOT = /*@build.boot*/null;
  var PRELOAD = /*@build.preload*/null;
  var DEFAULT = /*@vocabulary.defaultRuntime*/null;
  function add(tag, props) {
    var el = document.createElement(tag);
    for (var p in props) el[p] = props[p];
    document.head.appendChild(el);
  }
  // The runtime's WebAssembly, compiled while it downloads (off the page's
  // thread): boot.js hands the module over. null if it cannot be.
  function compile(url) {
    try {
      return WebAssembly.compileStreaming(fetch(url, { credentials: "same-origin" }))["catch"](function () { return null; });
    } catch (e) { return null; }
  }
  // Python's Web Worker, started now so that it fetches the runtime while boot.js loads;
  // boot.js (relay.js) talks to it, or ends it if Python is to run on the page.
  function startWorker(early) {
    try {
      var worker = new Worker(early.worker, { type: "module" });
      worker.onerror = function (e) {
        e.preventDefault();
        a._workerFailed = e.message || "the worker could not start";
      };
      worker.postMessage({ early: early });
      return worker;
    } catch (e) { return null; }
  }
  a.load = function (settings) {
    if (a._settings) {
      var again = "load() called again; the first settings stay in force";
      console.warn("[totango_py] " + again);
      return Promise.resolve({ outcome: "dropped", reason: again });
    }
    a._settings = settings || {};
    var runtime = a._settings.runtime;
    var hints = PRELOAD[PRELOAD.hasOwnProperty(runtime) ? runtime : DEFAULT];
    add("script", { async: true, src: TAG + BOOT });
    // No snapshot (it saves time, not bytes) where the site turned it off or the visitor
    // asked the browser to save data.
    a._lean = a._settings.snapshot === false || !!(navigator.connection && navigator.connection.saveData);
    for (var h = 0, worker = false, early = {}; h < hints.length; h++) {
      var kind = hints[h][0], href = TAG + hints[h][1];
      // A runtime boot.js will run in a Web Worker: the worker fetches its files, off the page's thread.
      // The worker is told the first file of each kind: its loader's module, its .wasm, its memory.
      if (kind === "worker") worker = a._settings.worker !== false && typeof Worker === "function" &&
                                      !!(window.WebAssembly && WebAssembly.Suspending) && !!navigator.locks;
      if (worker && kind !== "bundle") {
        if (!(kind in early) && (kind !== "snapshot" || !a._lean)) early[kind] = href;
      }
      else if (kind === "worker") continue;
      else if (kind === "wasm") a._wasm = compile(href);
      else if (kind === "fetch" || kind === "bundle" || kind === "snapshot") {
        if (kind !== "snapshot" || !a._lean) add("link", { rel: "preload", as: "fetch", crossOrigin: "anonymous", href: href });
      }
      else add("link", { rel: kind, href: href });
    }
    if (worker) a._worker = startWorker(early);
    return new Promise(function (resolve) { a._onLoad = resolve; });
  };
  // This tab's name: calls still queued when it is hidden are kept under it
  // and leave the queue; Python (here, back from the back/forward cache, or
  // in the next tab) takes them over once, under a lock.
  a._tab = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  addEventListener("beforeunload", function () { a._leaving = true; });
  // A call Python's worker is handling (one of the first a._sent) stays for its answer if the
  // page may come back (the back/forward cache); else it is kept, as the answer cannot come.
  addEventListener("pagehide", function (e) {
    var keep = [], rest = [];
    for (var j = 0; j < a.length; j++) {
      if (!a[j] || kept.indexOf(a[j][0]) < 0 || (e.persisted && j < a._sent)) { rest.push(a[j]); continue; }
      try { keep.push(a._encodeCall ? a._encodeCall(a[j], false) : JSON.stringify(a[j])); } catch (e) {}
      if (a[j].done) a[j].done({ outcome: "held", reason: "kept at page exit; sent from the next page" });
    }
    if (!keep.length) return;
    // In pieces of 200 calls, numbered on from an earlier pagehide's: Python adopts one piece per task.
    var names = [];
    try {
      for (var p = 0; p < keep.length; p += 200) {
        names.push(KEY + "." + (a._pieces = (a._pieces || 0) + 1) + ":" + a._tab);
        localStorage.setItem(names[names.length - 1], "[" + keep.slice(p, p + 200).join(",") + "]");
      }
    } catch (e) {
      try { for (p = 0; p < names.length; p++) localStorage.removeItem(names[p]); } catch (again) {}
      return;
    }
    a.length = 0;
    for (j = 0; j < rest.length; j++) a.push(rest[j]);
  });
})("/tag/");
