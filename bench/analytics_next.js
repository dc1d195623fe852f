/* analytics-next, loaded like Segment's snippet does (a queue, then the library async), from
   this origin with inline settings: no settings fetch, no metrics, Segment.io delivery off.
   The destination plugin maps the calls to the same window.totango commands totango_py sends
   (identify -> go(user), group -> go(account), page -> 2 "Viewed ... Page" tracks + go(module),
   track -> track), holding them until the collector script has loaded, as totango_py does. */
(function () {
  var a = window.analytics = window.analytics || [];
  if (a.invoked) return;
  a.invoked = true;
  a._cdn = location.origin;  // optional chunks from /analytics-next/bundles/, never Segment's CDN
  ["identify", "group", "page", "track", "ready"].forEach(function (m) {
    a[m] = function () { var c = Array.prototype.slice.call(arguments); c.unshift(m); a.push(c); return a; };
  });
  function totango(serviceId, trackerUrl) {
    var base = {service_id: serviceId, region: "us", disable_heartbeat: true, allow_empty_accounts: false};
    var loaded = false, module = null, outbox = [];
    function send(fn, args) { if (loaded) window.totango[fn].apply(window.totango, args); else outbox.push([fn, args]); }
    function go(fields) { send("go", [Object.assign({}, base, fields)]); }
    function user(id, traits) { var t = Object.assign({}, traits); delete t.id; return Object.assign({id: id}, t); }
    function account(id, traits) {
      var t = Object.assign({}, traits); delete t.id;
      if (!("plan" in t)) t.plan = "Free";
      return Object.assign({id: id}, t);
    }
    return {
      name: "Totango (bench)", type: "destination", version: "0.0.0",
      isLoaded: function () { return loaded; },
      load: function (ctx, analytics) {
        var opts = Object.assign({}, base), u = analytics.user(), g = analytics.group();
        if (u.id()) { opts.username = u.id(); opts.user = user(u.id(), u.traits()); }
        if (g.id()) opts.account = account(g.id(), g.traits());
        window.totango_options = opts;
        return new Promise(function (resolve, reject) {
          var s = document.createElement("script");
          s.async = true;
          s.src = trackerUrl;
          s.onload = function () {
            loaded = true;
            if (window.__bench) __bench.marks.collectorReady = performance.now();
            outbox.splice(0).forEach(function (c) { send(c[0], c[1]); });
            resolve();
          };
          s.onerror = reject;
          document.head.appendChild(s);
        });
      },
      identify: function (ctx) { var e = ctx.event; go({username: e.userId, user: user(e.userId, e.traits)}); return ctx; },
      group: function (ctx) { var e = ctx.event; go({account: account(e.groupId, e.traits)}); return ctx; },
      page: function (ctx) {
        var e = ctx.event, c = e.category, n = e.name, full = c && n ? c + " " + n : n;
        if (c) send("track", ["Viewed " + c + " Page", c]);
        if (full) send("track", ["Viewed " + full + " Page", c || module]);
        if (c) { module = c; go({module: c}); }
        return ctx;
      },
      track: function (ctx) {
        var e = ctx.event;
        send("track", [e.event, (e.properties && e.properties.category) || module]);
        return ctx;
      }
    };
  }
  a.load = function (settings) {
    var s = document.createElement("script");
    s.async = true;
    s.src = "/analytics-next/bundles/index.js";
    s.onload = function () {
      var calls = a.splice(0, a.length);
      var ab = AnalyticsNext.AnalyticsBrowser.load({
        writeKey: "bench-local",
        cdnSettings: {integrations: {}, metrics: {sampleRate: 0}},
        plugins: [totango(settings.serviceId, settings.trackerUrl)]
      }, {integrations: {"Segment.io": false}});
      window.analytics = ab;
      calls.forEach(function (c) { ab[c[0]].apply(ab, c.slice(1)); });
      ab.then(function (r) { window.analytics = r[0]; });
    };
    document.head.appendChild(s);
  };
})();
