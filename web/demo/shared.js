/* Shared by both demo pages (loaded in <head>, after config.js): which runtime
   and section the URL asks for, and the log of analytics calls the app made,
   which the inspector lists. The app logs its own calls; the tag is untouched. */
var DEMO_SECTIONS = { Dashboard: "Overview", Billing: "Invoices", Reports: "Usage", Settings: "Team" };
var demoCalls = [];

/* The runtime ?runtime=NAME asks for, if the tag offers it (DEMO_RUNTIMES, from config.js). */
function demoRuntime() {
  var asked = /[?&]runtime=([^&]*)/.exec(location.search);
  var name = asked && decodeURIComponent(asked[1]);
  return name && Object.prototype.hasOwnProperty.call(DEMO_RUNTIMES, name) ? name : DEMO_DEFAULT_RUNTIME;
}

function demoSection() {
  var name = decodeURIComponent(location.hash.slice(1));
  return Object.prototype.hasOwnProperty.call(DEMO_SECTIONS, name) ? name : "Dashboard";
}

/* Record one call, already written out as text (the Python app uses this). */
function demoLog(text) {
  demoCalls.push({ at: new Date(), text: String(text) });
}

/* An argument as it would be written in JS: {invoice: "INV-1042", amount: 249}. */
function demoFormat(value) {
  if (value instanceof Date) return "new Date(" + JSON.stringify(value.toISOString()) + ")";
  if (Array.isArray(value)) return "[" + value.map(demoFormat).join(", ") + "]";
  if (value && typeof value === "object") {
    return "{" + Object.keys(value).filter(function (k) { return value[k] !== undefined; }).map(function (k) {
      return (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)) + ": " + demoFormat(value[k]);
    }).join(", ") + "}";
  }
  return value === undefined ? "undefined" : JSON.stringify(value);
}

/* Log, then make, an analytics call: demoCall("track", "Pay invoice", {...}). */
function demoCall(method) {
  var args = Array.prototype.slice.call(arguments, 1);
  demoLog("analytics." + method + "(" + args.map(demoFormat).join(", ") + ")");
  return window.analytics[method].apply(window.analytics, args);
}
