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
  var SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

  function validLooking(given) {
    if (typeof given === "string") return /^SP-[A-Za-z0-9_-]+$/.test(given);
    return !!given && typeof given.serviceId === "string" && SERVICE_ID.test(given.serviceId);
  }

  function reference(value) {
    var marker = {};
    marker[FN] = fns.push(value) - 1;
    return marker;
  }

  // Arguments JSON cannot carry: trackLink / trackForm's elements stay here and
  // Python gets them by reference; a list of middlewares is spread into arguments.
  function byReference() {
    function adapt(call) {
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
  // Python settles the calls it took, in the order it took them.
  function settleEachCall() {
    var taken = [], take = a._take;
    a._take = function (max) {
      for (var i = 0, n = Math.min(max || a.length, a.length); i < n; i++) taken.push(a[i].done);
      return take(max);
    };
    a._settle = function (outcomes) {
      var list = JSON.parse(outcomes), done = taken.splice(0, list.length);
      for (var i = 0; i < list.length; i++) if (done[i]) done[i](list[i]);
    };
  }

  // After a failed start the queue is kept for the next page: each Promise says so.
  function holdAll(reason) {
    var outcome = { outcome: "held", reason: "totango_py could not start (" + reason + "); kept for the next page" };
    a._kick = function () {
      for (var i = 0; i < a.length; i++) if (a[i].done) { a[i].done(outcome); a[i].done = null; }
    };
    a._kick();
    if (a._onLoad) a._onLoad({ outcome: "dropped", reason: reason });
  }
  a._holdAll = holdAll;

  // A page's middleware, run on a copy of the message: what it passed to
  // next() (as JSON), or null when it did not call next().
  a._middleware = function (fn, message, context) {
    var payload = { obj: JSON.parse(message) }, passed = null;
    var given = JSON.parse(context);
    given.payload = payload;
    given.next = function (p) { passed = JSON.stringify(encode((p || payload).obj, [])); };
    try { fn(given); } catch (e) { console.error("[totango_py] a middleware threw:", e); }
    return passed;
  };

  function skipped(reason) { var o = {}; o[SKIP] = reason; return o; }

  // Plain JSON-able copy: Dates become ISO strings, cycles/functions/DOM nodes
  // become a "skipped" marker that Python reports.
  function encode(value, seen) {
    var type = typeof value;
    if (value === null || type === "string" || type === "boolean") return value;
    if (type === "number") return isFinite(value) ? value : skipped("not a finite number");
    if (type === "bigint") return value.toString();
    if (type === "undefined") return undefined;
    if (type === "function") return skipped("a function cannot be sent");
    if (type !== "object") return skipped("a " + type + " cannot be sent");
    if (value instanceof Date) return isNaN(value) ? skipped("an invalid Date") : value.toISOString();
    if (seen.indexOf(value) >= 0) return skipped("it refers back to itself (cycle)");
    if (value.nodeType || value === window) return skipped("a page element cannot be sent");
    seen.push(value);
    var out;
    if (Array.isArray(value)) {
      out = [];
      for (var i = 0; i < value.length; i++) {
        var item = encode(value[i], seen);
        out.push(item === undefined ? null : item);
      }
    } else {
      out = {};
      for (var key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        var enc;
        try { enc = encode(value[key], seen); } catch (e) { enc = skipped("reading it failed: " + e); }
        if (enc !== undefined) out[key] = enc;
      }
    }
    seen.pop();
    return out;
  }

  function encodeCall(call) {
    var out = [call[0]];
    for (var i = 1; i < call.length; i++) {
      if (typeof call[i] === "function") {
        var marker = {};
        marker[FN] = fns.push(call[i]) - 1;
        out.push(marker);
      } else {
        var enc = encode(call[i], []);
        out.push(enc === undefined ? null : enc);
      }
    }
    return out;
  }

  a._take = function (max) {
    var calls = a.splice(0, max || a.length);
    return JSON.stringify(calls.map(encodeCall));
  };
  // A page function (or page elements) sent by reference: Python takes it once and keeps it.
  a._fn = function (index) {
    var fn = fns[index];
    fns[index] = null;
    return fn;
  };
  byReference();
  settleEachCall();
  // Python on MicroPython cannot catch a JS exception: risky calls go through this.
  a._guard = function (t, n, args) {
    try { return { ok: true, value: t[n].apply(t, args) }; }
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
    try { more = a._drain(false); } catch (e) { console.error("[totango_py]", e); }
    if (more) { a._scheduled = true; soon(drain); }
  }
  a._kick = function () {
    if (!a._drain || a._scheduled) return;
    a._scheduled = true;
    queueMicrotask(drain);
  };
  // user() / group(): Python's answer once it runs, the snippet's stored one before.
  function snapshot(which) {
    a._drain(true);
    var state = JSON.parse(a._state()), party = state[which];
    return { id: function () { return party.id; }, traits: function () { return party.traits; },
             anonymousId: function () { return state.anonymousId; } };
  }
  var storedUser = a.user;
  a.user = function () { return a._state ? snapshot("user") : storedUser(); };
  var queueGroup = a.group;
  a.group = function () {
    return arguments.length === 0 && a._state ? snapshot("group") : queueGroup.apply(a, arguments);
  };
  a.status = function () {
    var status = a._status ? JSON.parse(a._status()) : { tracker: a._failed ? "failed" : "booting" };
    status.runtime = runtime;
    status.times = times;
    if (a._failed) status.bootError = a._failed;
    return status;
  };

  function fail(error) {
    a._failed = String(error && error.message || error);
    console.error("[totango_py] could not start: " + a._failed + " (calls are kept and retried on the next page)");
    window.dispatchEvent(new CustomEvent("totango:error", { detail: { reason: a._failed } }));
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
  var bundle = fetch(base + WHERE[runtime].bundle).then(function (r) {
    if (!r.ok) throw new Error(WHERE[runtime].bundle + ": HTTP " + r.status);
    return r.arrayBuffer();
  }).then(unzip);
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
  var interpreter = import(folder + RT.module).then(function (m) {
    var options = Object.assign({}, RT.options);
    if (RT.indexURL) options.indexURL = folder;
    return m[RT.start](options);
  });
  Promise.all([interpreter, bundle]).then(function (loaded) {
    var py = loaded[0], files = loaded[1];
    times.runtimeReady = performance.now();
    var root = "/totango_py_lib";
    var made = {};
    Object.keys(files).forEach(function (path) {
      var parts = (root + "/" + path).split("/");
      for (var i = 2; i < parts.length; i++) {
        var dir = parts.slice(0, i).join("/");
        if (!made[dir]) { try { py.FS.mkdir(dir); } catch (e) {} made[dir] = true; }
      }
      py.FS.writeFile(root + "/" + path, files[path]);
    });
    times.filesWritten = performance.now();
    // Core, browser bridge, start: three short tasks rather than one long one.
    var steps = ["import sys\nsys.path.insert(0, '" + root + "')\nimport totango_py",
                 "from totango_py.browser import tag", "tag.start()"];
    var marks = ["coreImported", "bridgeImported", "pythonReady"];
    return steps.reduce(function (done, step, i) {
      return done.then(function () {
        return new Promise(soon);
      }).then(function () {
        py.runPython(step);
        times[marks[i]] = performance.now();
      });
    }, Promise.resolve());
  }).catch(fail);
})();
