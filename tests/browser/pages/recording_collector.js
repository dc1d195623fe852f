/* A stand-in for Totango's collector for tests: records every call made to
   window.totango, as JSON values, in window.__recorded ([method, ...args]).
   Loaded as recording_collector.js?bare=1 it does not define __totango3. */
(function () {
  "use strict";
  var recorded = window.__recorded = window.__recorded || [];
  function recorder(name) {
    return function () {
      var call = [name];
      for (var i = 0; i < arguments.length; i++) call.push(arguments[i] === undefined ? null : arguments[i]);
      recorded.push(JSON.parse(JSON.stringify(call)));
    };
  }
  var methods = ["go", "track", "identify", "setAccountAttributes", "setUserAttributes", "clear"];
  var totango = {};
  for (var i = 0; i < methods.length; i++) totango[methods[i]] = recorder(methods[i]);
  window.totango = totango;
  var me = document.currentScript;
  if (!(me && /[?&]bare=1/.test(me.src))) window.__totango3 = { recording: true };
})();
