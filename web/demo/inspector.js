/* The inspector beside the app: polls every 500 ms and shows the calls the app
   made (demoCalls), where the tag put them (status()), and what the local
   Totango receiver got (GET /__totango/received), decoded. Read-only. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var EMULATOR = "/emulator/totango4.0.3.js";
  var records = [], lastSeq = 0, newestShown = 0, fetching = false, shown = {};

  function esc(text) {
    return String(text).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function clock(date) { return date.toTimeString().slice(0, 8); }
  function seconds(ms) { return ms >= 1000 ? (ms / 1000).toFixed(2) + " s" : Math.round(ms) + " ms"; }
  // Render a list only when its content changed, so scrolling is not reset.
  function put(id, html) { if (shown[id] !== html) { $(id).innerHTML = html; shown[id] = html; } }

  // status() from the tag; the PyScript page publishes demoStatus() instead.
  function status() {
    try {
      if (window.demoStatus) return JSON.parse(window.demoStatus());
      var a = window.analytics;
      return a && a.status ? a.status() : null;
    } catch (e) { return null; }
  }

  function showStatus(s) {
    var runtime = (s && s.runtime) || demoRuntime();
    $("stat-runtime").textContent = (DEMO_RUNTIMES[runtime] || {}).label || runtime;
    var tracker = s ? (s.bootError ? "failed" : s.tracker) : "starting";
    $("stat-tracker").textContent = tracker;
    $("stat-tracker").className = "st-" + (tracker === "ready" ? "ready" : tracker === "failed" ? "failed" : "loading");
    $("stat-delivered").textContent = s && s.delivered != null ? s.delivered : 0;
    var t = s && s.times;
    if (t && t.pythonReady) {
      $("stat-boot").textContent = seconds(t.pythonReady - t.bootStart);
      $("stat-boot-detail").textContent = "runtime " + Math.round(t.runtimeReady - t.bootStart) +
        " + Python " + Math.round(t.pythonReady - t.runtimeReady) + " ms";
    } else {
      $("stat-boot").textContent = s && s.bootError ? "failed" : "booting…";
      $("stat-boot-detail").textContent = s && s.bootError ? s.bootError : "runtime + Python";
    }
  }

  function showCalls() {
    var items = demoCalls.slice().reverse().map(function (c) {
      var m = c.text.match(/^(analytics\.\w+)(.*)$/) || [c.text, c.text, ""];
      return '<li title="' + esc(c.text) + '"><span class="t">' + clock(c.at) + '</span><span class="m">' +
        esc(m[1]) + "</span>" + esc(m[2]) + "</li>";
    });
    put("calls", items.join("") || '<li class="empty">none yet</li>');
  }

  function showHeld(s) {
    var rows = [];
    var a = window.analytics;
    if (!s && Array.isArray(a)) {  // the snippet's queue, before Python has taken over
      a.forEach(function (call) {
        if (call[0] !== "ready") rows.push([call[0] + "(…)", "queued: Python is starting", ""]);
      });
    }
    if (s) {
      (s.held_for_account || []).forEach(function (c) { rows.push([c, "held: Totango needs identify() + group() first", ""]); });
      (s.waiting_for_collector || []).forEach(function (c) { rows.push([c, "waiting for the collector script", ""]); });
      (s.dropped || []).slice().reverse().forEach(function (d) { rows.push([d.call, "dropped: " + d.reason, "dropped"]); });
    }
    put("held", rows.map(function (r) {
      return '<li class="' + r[2] + '" title="' + esc(r[1]) + '">' + esc(r[0]) + '<span class="why">' + esc(r[1]) + "</span></li>";
    }).join("") || '<li class="empty">nothing held, nothing dropped</li>');
  }

  // Send order: params._r is "<base36 ms>.<counter>" (pixels can arrive out of order).
  function sent(r) {
    var p = String((r.params && r.params._r) || "0.0").split(".");
    return [parseInt(p[0], 36), Number(p[1] || 0)];
  }
  function bySend(x, y) {
    var a = sent(x), b = sent(y);
    return a[0] - b[0] || a[1] - b[1];
  }

  function attrs(prefix, name, values) {
    var parts = [];
    if (name) parts.push("<b>name</b>=" + esc(name));
    Object.keys(values || {}).forEach(function (k) { parts.push("<b>" + esc(k) + "</b>=" + esc(values[k])); });
    return parts.length ? prefix + " " + parts.join(", ") : "";
  }

  // An identification pixel (go) carries attributes instead of an activity.
  function details(r) {
    return [attrs("account", r.account_name, r.account_attributes), attrs("user", r.user_name, r.user_attributes)]
      .filter(Boolean).join("<br>") || "none";
  }

  function row(r, attributes, unchanged) {
    var what = r.activity ? '<span class="act">' + esc(r.activity) + "</span>"
      : '<span class="ident">identify / attributes</span>' +
        (unchanged ? '<span class="same">(unchanged)</span>' : '<span class="attrs">' + attributes + "</span>");
    return '<tr class="' + (r.seq > newestShown ? "fresh " : "") + (r.activity === "__heartbeat" ? "beat" : "") +
      '"><td>' + clock(new Date(r.time)) + '</td><td class="party">' + esc(r.account || "—") + "<small>" +
      esc(r.user || "—") + "</small></td><td>" + what + "</td><td>" +
      (r.module ? '<span class="mod">' + esc(r.module) + "</span>" : "—") + "</td></tr>";
  }

  // Oldest first to spot repeated attributes (each page view re-sends them), shown newest first.
  function showReceived() {
    var key = records.length + ":" + lastSeq;
    if (key === shown.receivedKey) return;
    shown.receivedKey = key;
    var last = {}, html = [];
    records.slice().sort(bySend).forEach(function (r) {
      var who = r.account + "/" + r.user, attributes = r.activity ? null : details(r);
      html.push(row(r, attributes, attributes !== null && attributes === last[who]));
      if (attributes !== null) last[who] = attributes;
    });
    $("received").tBodies[0].innerHTML = html.reverse().slice(0, 100).join("") ||
      '<tr class="empty"><td colspan="4">nothing received yet</td></tr>';
    newestShown = lastSeq;
  }

  function fetchReceived() {
    if (fetching) return;
    fetching = true;
    fetch("/__totango/received?since=" + lastSeq, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (list) {
        list.forEach(function (r) { lastSeq = Math.max(lastSeq, r.seq); records.push(r); });
        if (records.length > 500) records = records.slice(-500);
        showReceived();
      })
      .catch(function () { /* the receiver is not there: a real collector, or the server stopped */ })
      .then(function () { fetching = false; });
  }

  function tick() {
    var s = status();
    showStatus(s);
    showCalls();
    showHeld(s);
    fetchReceived();
  }

  // The runtime switch reloads this page on the other interpreter; the section (hash) stays.
  function withRuntime(runtime) {
    var search = location.search.replace(/([?&])runtime=[^&]*&?/, "$1").replace(/[?&]$/, "");
    if (runtime !== DEMO_DEFAULT_RUNTIME) search += (search ? "&" : "?") + "runtime=" + encodeURIComponent(runtime);
    return search + location.hash;
  }
  document.querySelectorAll("[data-runtime]").forEach(function (button) {
    var runtime = button.dataset.runtime;
    button.setAttribute("aria-pressed", String(runtime === demoRuntime()));
    button.addEventListener("click", function () {
      if (runtime !== demoRuntime()) location.href = location.pathname + withRuntime(runtime);
    });
  });
  var page = document.body.dataset.app;
  $("link-js").setAttribute("href", "./" + withRuntime(demoRuntime()));
  $("link-py").setAttribute("href", "pyscript.html" + withRuntime(demoRuntime()));
  $(page === "pyscript" ? "link-py" : "link-js").setAttribute("aria-current", "page");

  $("clear").addEventListener("click", function () {
    fetch("/__totango/clear", { method: "POST" }).then(function () { records = []; showReceived(); });
  });

  var cfg = window.DEMO_CONFIG || {};
  var real = cfg.trackerUrl && cfg.trackerUrl !== EMULATOR;
  $("target").className = "target" + (real ? " real" : "");
  $("target").textContent = real
    ? "Sending to " + cfg.trackerUrl + " (service " + cfg.serviceId + ", region " + cfg.region + "). The table below only shows pixels sent to the local emulator."
    : "Collector: the local Totango emulator · service " + cfg.serviceId + " · region " + cfg.region;

  tick();
  setInterval(tick, 500);
})();
