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
  a.load = function (settings) {
    if (a._settings) return;
    a._settings = settings || {};
    var s = document.createElement("script");
    s.async = true;
    s.src = TAG + "boot.js";
    document.head.appendChild(s);
  };
  // This tab's name: calls still queued when it is hidden are kept under it
  // and leave the queue; Python (here, back from the back/forward cache, or
  // in the next tab) takes them over once, under a lock.
  a._tab = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  addEventListener("beforeunload", function () { a._leaving = true; });
  addEventListener("pagehide", function () {
    var keep = [], rest = [];
    for (var j = 0; j < a.length; j++) {
      if (a[j][0] === "ready" || a[j][0] === "debug") { rest.push(a[j]); continue; }
      try { keep.push(a._encodeCall ? a._encodeCall(a[j], false) : JSON.stringify(a[j])); } catch (e) {}
    }
    if (!keep.length) return;
    try { localStorage.setItem(KEY + ":" + a._tab, "[" + keep.join(",") + "]"); } catch (e) { return; }
    a.length = 0;
    for (j = 0; j < rest.length; j++) a.push(rest[j]);
  });
})("/tag/");
