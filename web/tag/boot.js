/* totango_py boot: loads the Python runtime and the totango_py package from
   this folder, then lets Python take over window.analytics. Only transport
   lives here: encoding queued calls as JSON, and calling back page functions. */
(function () {
  "use strict";
  var a = window.analytics;
  if (!a || a._booting) return;
  a._booting = true;
  var script = document.currentScript;
  var base = (script && script.src || "").replace(/[^\/]*$/, "");
  var times = a._times = { bootStart: performance.now() };
  var settings = a._settings || {};
  var RUNTIMES = /*@vocabulary.runtimes*/null;
  var runtime = RUNTIMES.hasOwnProperty(settings.runtime) ? settings.runtime : /*@vocabulary.defaultRuntime*/null;
  var RT = RUNTIMES[runtime];
  var WHERE = /*@build.runtimes*/null;  // this build's hashed folder and package of each runtime
  var SKIP = /*@vocabulary.skipped*/null;
  var FN = /*@vocabulary.callback*/null;
  var fns = [];
  var ELEMENT_METHODS = /*@vocabulary.elementMethods*/null;
  var LATER_METHODS = /*@vocabulary.laterMethods*/null;
  var SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
  var TAB_LOCK = /*@vocabulary.tabLockPrefix*/null;
  var STEPS = /*@vocabulary.steps*/null;  // [mark, Python code]

  // This tab's lock (totango_py/ownership.py), asked for now so that it is granted
  // while the runtime loads; Python takes it over (a._tabLock.taken). If the page
  // is left first, it is let go: a page holding a lock misses the back/forward cache.
  function askTabLock() {
    var locks = navigator.locks;
    if (!locks || typeof a._tab !== "string") return null;
    var lock = { name: TAB_LOCK + a._tab, taken: false, release: null, gone: false };
    lock.held = new Promise(function (granted) {
      try {
        locks.request(lock.name, { mode: "exclusive" }, function () {
          if (lock.gone) return granted(null);
          return new Promise(function (release) { lock.release = release; granted(release); });
        })["catch"](function () { granted(null); });
      } catch (e) { granted(null); }
    });
    addEventListener("pagehide", function () {
      if (lock.taken) return;
      lock.gone = true;
      if (lock.release) lock.release();
      if (a._tabLock === lock) a._tabLock = null;
    });
    return lock;
  }
  a._tabLock = askTabLock();

  function validLooking(given) {
    if (typeof given === "string") return /^SP-[A-Za-z0-9_-]+$/.test(given);
    return !!given && typeof given.serviceId === "string" && SERVICE_ID.test(given.serviceId);
  }

  // A page function's index; in the worker (worker.js) Python keeps indexes, so one function has one.
  function keep(value) {
    var index = a._relayed ? fns.indexOf(value) : -1;
    return index >= 0 ? index : fns.push(value) - 1;
  }
  function reference(value) {
    var marker = {};
    marker[FN] = keep(value);
    return marker;
  }

  // Arguments JSON cannot carry: trackLink / trackForm's elements stay here and
  // Python gets them by reference; a list of middlewares is spread into arguments.
  function byReference() {
    function adapt(call) {
      if (!Array.isArray(call)) return call;
      if (ELEMENT_METHODS.indexOf(call[0]) >= 0 && call.length > 1) call[1] = reference(call[1]);
      if (call[0] === "addDestinationMiddleware" && Array.isArray(call[2])) {
        call.splice.apply(call, [2, 1].concat(call[2]));
      }
      return call;
    }
    for (var i = 0; i < a.length; i++) adapt(a[i]);
    ELEMENT_METHODS.concat(["addDestinationMiddleware"]).forEach(function (name) {
      var queued = a[name];
      a[name] = function () {
        return queued.apply(a, adapt([name].concat(Array.prototype.slice.call(arguments))).slice(1));
      };
    });
  }

  // Each call's Promise resolves with its outcome once Python has handled it:
  // _take notes the resolvers of the calls Python takes, _settle calls them in that order.
  var taken = [];
  a._settle = function (outcomes) {
    var list = JSON.parse(outcomes), done = taken.splice(0, list.length);
    for (var i = 0; i < list.length; i++) if (done[i]) done[i](list[i]);
  };

  // After a failed start the queue is kept for the next page: each Promise says so.
  function holdAll(reason) {
    var outcome = { outcome: "held", reason: "totango_py could not start (" + reason + "); kept for the next page" };
    a._kick = function () {
      for (var i = 0; i < a.length; i++) if (a[i] && a[i].done) { a[i].done(outcome); a[i].done = null; }
    };
    a._kick();
    if (a._onLoad) a._onLoad({ outcome: "dropped", reason: reason });
  }
  a._holdAll = holdAll;

  // A page's middleware, run on a copy of the message: what it passed to
  // next() (as JSON), or null when it did not call next(). context.spread: classic
  // analytics.js's integration middleware, called (payload, integration, next).
  a._middleware = function (fn, message, context) {
    var payload = { obj: JSON.parse(message) }, passed = null;
    var given = JSON.parse(context);
    given.payload = payload;
    given.next = function (p) { passed = a._json((p || payload).obj); };
    try {
      if (given.spread) fn(payload, given.integration, given.next);
      else fn(given);
    } catch (e) { report("a middleware threw:", e); }
    return passed;
  };

  function skipped(reason) { var o = {}; o[SKIP] = reason; return o; }

  // Our own serialiser: a plain JSON text built here, never the page's
  // JSON.stringify, toJSON methods or prototype additions (Prototype.js gives
  // Array.prototype a toJSON; a page may add enumerable keys to
  // Object.prototype). Builtins are taken now, before later page code runs.
  // Dates → ISO strings, Map → object, Set → list, RegExp → its source text
  // ("/ab+c/gi"), Error → its message, boxed primitives → their value; cycles,
  // functions, DOM nodes and other kinds → a "skipped" marker that Python
  // reports. A getter or proxy trap that throws skips that value alone.
  var own = Object.keys, isArray = Array.isArray, objectToString = Object.prototype.toString;
  var getProto = Object.getPrototypeOf, ObjectProto = Object.prototype, ArrayProto = Array.prototype;
  var dateTime = Date.prototype.getTime, dateIso = Date.prototype.toISOString;
  var regexpText = RegExp.prototype.toString;
  var mapSize = Object.getOwnPropertyDescriptor(Map.prototype, "size").get, mapEach = Map.prototype.forEach;
  var setSize = Object.getOwnPropertyDescriptor(Set.prototype, "size").get, setEach = Set.prototype.forEach;
  var regexpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, "source").get;
  var replace = String.prototype.replace, slice = String.prototype.slice, toStr = String;
  var numberValue = Number.prototype.valueOf, stringValue = String.prototype.valueOf;
  var booleanValue = Boolean.prototype.valueOf, ErrorType = Error;
  var wellFormed = String.prototype.toWellFormed;
  var MAX_DEPTH = 20, MAX_TEXT = 100000, MAX_ITEMS = 10000;
  var ESCAPES = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

  function escapeChar(c) {
    return ESCAPES[c] || "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
  }
  function quote(text) {
    // Lone surrogates cannot cross into Python: U+FFFD instead.
    text = wellFormed ? wellFormed.call(text)
      : replace.call(text, /[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g, "$1\ufffd");
    return '"' + replace.call(text, /["\\\u0000-\u001f\u2028\u2029]/g, escapeChar) + '"';
  }
  function is(brand, value) { try { brand.call(value); return true; } catch (e) { return false; } }
  function reason(e) {
    try { return toStr(e && e.message || e); } catch (again) { return "an unreadable error"; }
  }

  // JSON text of value, or undefined for "leave it out"; budget counts items.
  function write(value, seen, budget) {
    var type = typeof value;
    if (value === null || type === "boolean") return value ? "true" : (value === null ? "null" : "false");
    if (type === "string") {
      return value.length > MAX_TEXT ? write(skipped("a text longer than " + MAX_TEXT + " characters"), seen, budget)
                                     : quote(value);
    }
    if (type === "number") return isFinite(value) ? toStr(value) : write(skipped("not a finite number"), seen, budget);
    if (type === "bigint") return quote(toStr(value));
    if (type === "undefined") return undefined;
    if (type === "function") return write(skipped("a function cannot be sent"), seen, budget);
    if (type !== "object") return write(skipped("a " + type + " cannot be sent"), seen, budget);
    if (seen.indexOf(value) >= 0) return write(skipped("it refers back to itself (cycle)"), seen, budget);
    if (seen.length >= MAX_DEPTH) return write(skipped("nested deeper than " + MAX_DEPTH + " levels"), seen, budget);
    if ((budget.left -= 1) < 0) return write(skipped("more than " + MAX_ITEMS + " values in one call"), seen, budget);
    var proto = getProto(value);  // plain objects and arrays skip the kind checks below
    if (proto === ObjectProto || proto === null) return members(value, seen, budget);
    if (proto === ArrayProto && isArray(value)) return items(value, seen, budget);
    if (is(dateTime, value)) {
      return isNaN(dateTime.call(value)) ? write(skipped("an invalid Date"), seen, budget) : quote(dateIso.call(value));
    }
    if (is(regexpSource, value) && value !== RegExp.prototype) return quote(regexpText.call(value));
    if (is(numberValue, value)) return write(numberValue.call(value), seen, budget);
    if (is(stringValue, value)) return write(stringValue.call(value), seen, budget);
    if (is(booleanValue, value)) return write(booleanValue.call(value), seen, budget);
    var parts = [];
    seen.push(value);
    try {
      if (is(mapSize, value)) {
        mapEach.call(value, function (item, key) {
          var text = member(item, seen, budget);
          if (text !== undefined) parts.push(quote(typeof key === "string" ? key : safeText(key)) + ":" + text);
        });
        return "{" + parts.join(",") + "}";
      }
      if (is(setSize, value)) {
        setEach.call(value, function (item) { var text = member(item, seen, budget); parts.push(text === undefined ? "null" : text); });
        return "[" + parts.join(",") + "]";
      }
      if (value instanceof ErrorType) return write(value.message === undefined ? "" : value.message, seen, budget);
      if (typeof value.nodeType === "number" || value === window) return write(skipped("a page element cannot be sent"), seen, budget);
      var kind = objectToString.call(value);
      if (kind !== "[object Object]" && kind !== "[object Array]" && kind !== "[object Arguments]") {
        return write(skipped("a " + slice.call(kind, 8, -1) + " cannot be sent"), seen, budget);
      }
    } finally {
      seen.pop();
    }
    return isArray(value) ? items(value, seen, budget) : members(value, seen, budget);
  }
  function items(value, seen, budget) {
    var parts = [];
    seen.push(value);
    try {
      for (var i = 0; i < value.length; i++) {
        if (i >= MAX_ITEMS) { parts.push(write(skipped("more than " + MAX_ITEMS + " values in one call"), seen, budget)); break; }
        var item = member(value[i], seen, budget);
        parts.push(item === undefined ? "null" : item);
      }
      return "[" + parts.join(",") + "]";
    } finally {
      seen.pop();
    }
  }
  function members(value, seen, budget) {
    var parts = [], keys = own(value);
    seen.push(value);
    try {
      for (var i = 0; i < keys.length && i < MAX_ITEMS; i++) {
        var text;
        try { text = member(value[keys[i]], seen, budget); }
        catch (e) { text = write(skipped("reading it failed: " + reason(e)), seen, budget); }
        if (text !== undefined) parts.push(quote(keys[i]) + ":" + text);
      }
      return "{" + parts.join(",") + "}";
    } finally {
      seen.pop();
    }
  }
  // A value inside an object or list: when reading it throws, only it is skipped.
  function member(value, seen, budget) {
    try { return write(value, seen, budget); }
    catch (e) { return write(skipped("reading it failed: " + reason(e)), seen, budget); }
  }
  function safeText(value) { try { return toStr(value); } catch (e) { return "?"; } }

  // JSON text of any page value (settings, a call), or null when it cannot be read at all.
  a._json = function (value) {
    try { var text = write(value, [], { left: MAX_ITEMS }); return text === undefined ? "null" : text; }
    catch (e) { return null; }
  };

  // One queued call as JSON text: [method, ...args], callbacks kept by index
  // (or, with keepFns false, left out). An argument that cannot be read at all
  // (a proxy whose traps throw) drops this call alone: {SKIP: why, method}.
  function encodeCall(call, keepFns) {
    try {
      if (!isArray(call) || typeof call[0] !== "string") throw new ErrorType("not an analytics call");
      var out = [quote(call[0])], budget = { left: MAX_ITEMS };
      for (var i = 1; i < call.length; i++) {
        var arg = call[i];
        if (typeof arg === "function") {
          if (!keepFns) { out.push("null"); continue; }
          arg = reference(arg);
        }
        var text = write(arg, [], budget);
        out.push(text === undefined ? "null" : text);
      }
      return "[" + out.join(",") + "]";
    } catch (e) {
      return droppedCall(call, "its arguments could not be read: " + reason(e));
    }
  }
  // A call Python only reports as dropped: {SKIP: why, method, args}, its leading
  // plain arguments (an event name, an id) naming it in status().
  function droppedCall(call, why) {
    var drop = {}, shown = [], plain = { string: 1, number: 1, boolean: 1 };
    drop[SKIP] = why;
    drop.method = isArray(call) && typeof call[0] === "string" ? call[0] : "?";
    for (var j = 1; isArray(call) && j < call.length && (call[j] === null || plain[typeof call[j]]); j++) {
      shown.push(typeof call[j] === "string" ? slice.call(call[j], 0, 100) : call[j]);
    }
    drop.args = shown;
    return write(drop, [], { left: 20 });
  }
  a._encodeCall = encodeCall;

  // Up to max calls, each encoded on its own, as one JSON list; they leave the
  // queue only once encoded, so nothing is lost to a throwing value. A call of a
  // later method waits, with every call after it, until its bundle is in.
  // From the worker (relay.js), the calls stay queued (a._sent of them sent) until answered.
  a._sent = 0;
  a._unsend = function () { taken.length = 0; a._sent = 0; };  // a worker that failed before answering
  a._take = function (max) {
    var from = a._relayed ? a._sent : 0, count = Math.min(from + (max || a.length), a.length), out = [];
    for (var i = from; i < count; i++) {
      var isLater = a[i] && LATER_METHODS.indexOf(a[i][0]) >= 0;
      if (isLater && !later.done) { later.load(); break; }
      taken.push(a[i] && a[i].done);
      out.push(isLater && later.failed ? droppedCall(a[i], "its code could not be loaded: " + later.failed)
                                       : encodeCall(a[i], true));
    }
    if (a._relayed) a._sent = i;
    else a.splice(0, i);
    return "[" + out.join(",") + "]";
  };
  // A page function (or page elements) sent by reference: Python takes it once and keeps it.
  a._fn = function (index) {
    var fn = fns[index];
    if (!a._relayed) fns[index] = null;
    return fn;
  };
  byReference();
  // Python on MicroPython cannot catch a JS exception: risky calls go through this.
  // _call(target, name, ...args): the arguments come as they are, so Python builds no array.
  var sliceArgs = Array.prototype.slice;
  a._call = function (t, n) {
    try { return { ok: true, value: t[n].apply(t, sliceArgs.call(arguments, 2)) }; }
    catch (e) { return { ok: false, error: String(e && e.message || e) }; }
  };
  // Runs fn in a task of its own, right after the page's pending work: a
  // message, not setTimeout, which browsers slow to 4 ms when it repeats.
  var channel = new MessageChannel(), next = [];
  channel.port1.onmessage = function () { next.shift()(); };
  function soon(fn) { next.push(fn); channel.port2.postMessage(0); }

  // Python drains right after the caller's task, in slices of a few ms, so a
  // burst of calls never becomes one long task.
  function drain() {
    a._scheduled = false;
    var more = false;
    try { more = a._drain(false); } catch (e) { report("", e); }
    if (more) { a._scheduled = true; soon(drain); }
  }
  // A drain once Python can take calls, unless one is already due: after the
  // caller's task (queueMicrotask) or in a task of its own (soon).
  function scheduleDrain(when) {
    if (!a._drain || a._scheduled) return;
    a._scheduled = true;
    when(drain);
  }
  a._kick = function () { scheduleDrain(queueMicrotask); };
  // user() / group(): Python's answer once it runs, the snippet's stored one before.
  function current(which) {
    a._drain(true);
    var state = JSON.parse(a._state()), party = state[which];
    return { id: function () { return party.id; }, traits: function () { return party.traits; },
             anonymousId: function () { return state.anonymousId; } };
  }
  var storedUser = a.user;
  a.user = function () { return a._state ? current("user") : storedUser(); };
  var queueGroup = a.group;
  a.group = function () {
    return arguments.length === 0 && a._state ? current("group") : queueGroup.apply(a, arguments);
  };
  a.status = function () {
    var status = a._status ? JSON.parse(a._status()) : { tracker: a._failed ? "failed" : "booting" };
    status.runtime = runtime;
    if (WHERE[runtime].snapshot) status.fromSnapshot = !!a._fromSnapshot;
    if (WHERE[runtime].relay) status.worker = !!a._relayed;
    status.times = times;
    if (a._failed) status.bootError = a._failed;
    return status;
  };

  // The page's console may be wrapped by a shim that throws: never let it through.
  function report(message, error) {
    try {
      if (error === undefined) console.error("[totango_py] " + message);
      else console.error("[totango_py] " + message, error);
    } catch (e) {}
  }

  function fail(error) {
    a._failed = reason(error);
    report("could not start: " + a._failed + " (calls are kept and retried on the next page)");
    try { window.dispatchEvent(new CustomEvent("totango:error", { detail: { reason: a._failed } })); } catch (e) {}
    holdAll(a._failed);
  }

  // The collector downloads while Python boots, once the settings look valid;
  // Python inserts it when ready.
  if (validLooking(settings) && (typeof settings.trackerUrl === "string" || settings.trackerUrl === undefined)) {
    var early = document.createElement("link");
    early.rel = "preload";
    early.as = "script";
    early.href = settings.trackerUrl || /*@vocabulary.defaultTrackerUrl*/null;
    document.head.appendChild(early);
  }
  // The package: a zip of stored entries (.mpy bytecode for MicroPython, .py sources
  // for Pyodide); the snippet has already asked for it.
  var bundle = fetchZip(WHERE[runtime].bundle);
  function fetchZip(name) {
    return fetch(base + name).then(function (r) {
      if (!r.ok) throw new Error(name + ": HTTP " + r.status);
      return r.arrayBuffer();
    });
  }
  function unzip(buffer) {
    var view = new DataView(buffer), names = new TextDecoder(), files = {}, at = 0;
    while (at + 30 <= buffer.byteLength && view.getUint32(at, true) === 0x04034b50) {
      var size = view.getUint32(at + 18, true), nameLength = view.getUint16(at + 26, true);
      var start = at + 30 + nameLength + view.getUint16(at + 28, true);
      files[names.decode(new Uint8Array(buffer, at + 30, nameLength))] = new Uint8Array(buffer, start, size);
      at = start + size;
    }
    return files;
  }
  var folder = base + WHERE[runtime].folder;
  // The runtime's memory as the build left it after the imports (tools/runtimes.py), if this
  // runtime has one, the snippet asked for it, and it arrives; else the runtime starts from scratch.
  var snapshot = WHERE[runtime].snapshot && !a._lean ? base + WHERE[runtime].snapshot : null;
  function fetchMemory() {
    return snapshot ? fetch(snapshot).then(function (r) {
      return r.ok ? r.arrayBuffer() : null;
    })["catch"](function () { return null; }) : null;
  }
  // Python runs in a Web Worker (worker.js, which the snippet started; relay.js talks to it),
  // off the page's thread, where this runtime can and the browser has what the worker needs;
  // else on the page. The worker fetches the runtime's files and memory itself.
  var relayed = WHERE[runtime].relay && settings.worker !== false && workerPossible();
  var memory = relayed ? null : fetchMemory();
  // The page's storage opens on its first use, a wait on the browser: taken
  // here, while the runtime loads, rather than when Python starts.
  try { void window.localStorage.length; } catch (e) {}

  // Either way, what runs Python gives a Promise of a function that adds the later methods'
  // code (a zip) to it.
  var addLater;
  if (relayed) {
    addLater = import(base + WHERE[runtime].relay).then(function () {
      return a._relay({ script: base + WHERE[runtime].worker, folder: folder, runtime: RT, snapshot: snapshot,
                        wasm: base + WHERE[runtime].wasm, bundle: bundle, times: times, unzip: unzip,
                        report: report, fail: fail, kick: function () { a._kick(); }, onPage: onPage });
    }, function (e) {
      report("running Python on the page:", e);
      endWorker();
      return onPage();
    });
  } else {
    endWorker();
    addLater = onPage();
  }
  // The worker the snippet started, where Python is to run on the page after all.
  function endWorker() {
    if (a._worker) a._worker.terminate();
    a._worker = null;
  }
  function workerPossible() {
    try {
      window.localStorage.setItem(TAB_LOCK, "1");
      window.localStorage.removeItem(TAB_LOCK);
      return typeof Worker === "function" && typeof WebAssembly.Suspending === "function" && !!navigator.locks;
    } catch (e) { return false; }
  }

  // The bundle of the later methods, fetched on the first such call; the calls
  // waiting for it go on once it is in (or, if it cannot be had, are dropped with why).
  var later = { done: false, failed: null, started: false };
  later.load = function () {
    if (later.started) return;
    later.started = true;
    Promise.all([addLater, fetchZip(WHERE[runtime].later)]).then(function (loaded) {
      return loaded[0](loaded[1]);
    }).catch(function (e) {
      later.failed = reason(e);
      report("could not load the code of " + LATER_METHODS.join(", ") + ": " + later.failed);
    }).then(function () {
      later.done = true;
      a._kick();
    });
  };

  // Python on the page: the runtime, the package's files, then boot.js's steps. ``again``:
  // the runtime's memory and the package were given to a worker that failed: fetched again.
  function onPage(again) {
    if (again) {
      memory = fetchMemory();
      bundle = fetchZip(WHERE[runtime].bundle);
    }
    var interpreter = Promise.all([import(folder + RT.module), memory]).then(function (loaded) {
      var start = loaded[0][RT.start], options = Object.assign({}, RT.options);
      if (RT.indexURL) options.indexURL = folder;
      if (a._wasm) options.wasmModule = a._wasm;  // the snippet's compile of the runtime's .wasm
      options.pause = function () { return new Promise(soon); };  // between the runtime's start-up steps
      if (!loaded[1]) return start(options);
      return start(Object.assign({ _loadSnapshot: loaded[1] }, options)).then(function (py) {
        py.runPython(RT.afterSnapshot);
        a._fromSnapshot = true;
        return py;
      }, function (e) {
        report("the runtime's snapshot could not be used; starting afresh:", e);
        return start(options);
      });
    });
    var root = /*@vocabulary.packageRoot*/null, made = {};
    function writeFiles(py, files) {
      Object.keys(files).forEach(function (path) {
        var parts = (root + "/" + path).split("/");
        for (var i = 2; i < parts.length; i++) {
          var dir = parts.slice(0, i).join("/");
          if (!made[dir]) { try { py.FS.mkdir(dir); } catch (e) {} made[dir] = true; }
        }
        py.FS.writeFile(root + "/" + path, files[path]);
      });
    }
    Promise.all([interpreter, bundle]).then(function (loaded) {
      var py = loaded[0];
      times.runtimeReady = performance.now();
      writeFiles(py, unzip(loaded[1]));
      times.filesWritten = performance.now();
      // Core, browser bridge, start, then the queued calls: short tasks rather than one long one.
      return STEPS.reduce(function (done, step) {
        return done.then(function () {
          return new Promise(soon);
        }).then(function () {
          py.runPython(step[1]);
          times[step[0]] = performance.now();
        });
      }, Promise.resolve()).then(function () { scheduleDrain(soon); });
    }).catch(fail);
    return interpreter.then(function (py) {
      return function (zip) {
        writeFiles(py, unzip(zip));
        if (RT.afterFiles) py.runPython(RT.afterFiles);
      };
    });
  }
})();
