/* totango_py snippet: put it inline, first thing in <head>. Set TAG to where
   the tag folder is served. Calls are queued (and kept across a quick page
   exit) until Python has booted and takes them over, in order. */
(function (TAG) {
  var a = window.analytics = window.analytics || [];
  if (a.initialized || a.invoked) return;
  a.invoked = true;
  var KEY = /*@vocabulary.queueKey*/null;
  var calls = /*@vocabulary.queuedMethods*/null;
  function method(name) {
    return function () {
      if (arguments.length === 0 && name === "group") return undefined;
      var call = Array.prototype.slice.call(arguments);
      call.unshift(name);
      a.push(call);
      if (a._kick) a._kick();
      return a;
    };
  }
  for (var i = 0; i < calls.length; i++) a[calls[i]] = method(calls[i]);
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
  a.load = function (settings) {
    if (a._settings) return;
    a._settings = settings || {};
    var runtime = a._settings.runtime;
    var hints = PRELOAD[PRELOAD.hasOwnProperty(runtime) ? runtime : DEFAULT];
    add("script", { async: true, src: TAG + BOOT });
    for (var h = 0; h < hints.length; h++) {
      if (hints[h][0] === "fetch") add("link", { rel: "preload", as: "fetch", crossOrigin: "anonymous", href: TAG + hints[h][1] });
      else add("link", { rel: hints[h][0], href: TAG + hints[h][1] });
    }
  };
  try {
    var kept = JSON.parse(localStorage.getItem(KEY) || "[]");
    localStorage.removeItem(KEY);
    for (var k = 0; k < kept.length; k++) a.push(kept[k]);
  } catch (e) {}
  addEventListener("beforeunload", function () { a._leaving = true; });
  addEventListener("pagehide", function () {
    var keep = [];
    for (var j = 0; j < a.length; j++) {
      if (a[j][0] === "ready" || a[j][0] === "debug") continue;
      try { keep.push(JSON.parse(JSON.stringify(a[j]))); } catch (e) {}
    }
    try {
      if (keep.length) localStorage.setItem(KEY, JSON.stringify(keep));
      else localStorage.removeItem(KEY);
    } catch (e) {}
  });
})("/tag/");
