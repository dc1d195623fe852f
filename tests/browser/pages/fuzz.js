/* Seeded hostile calls for the fuzzer (tests/browser/test_fuzz.py). fuzz(seed, sequences)
   makes the calls and returns what each should become: named activities and the
   number of calls, so the test can check each is delivered or dropped, once. */
(function () {
  function prng(seed) {
    return function () {
      seed = (seed + 0x6D2B79F5) | 0;
      var t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  // small: for traits, which the collector puts in a pixel's URL, so that no
  // pixel outgrows what a receiver takes (the huge kinds still go to tracks).
  function hostile(r, depth, small) {
    var pick = Math.floor(r() * 34), o, p;
    switch (pick) {
      case 0: return Object.defineProperty({ ok: 1 }, "bad", { enumerable: true, get: function () { throw new Error("getter"); } });
      case 1: return new Proxy({ a: 1 }, { get: function () { throw new Error("get trap"); } });
      case 2: return new Proxy({}, { ownKeys: function () { throw new Error("ownKeys trap"); } });
      case 3: return new Proxy({}, { getPrototypeOf: function () { throw new Error("prototype trap"); } });
      case 4: p = Proxy.revocable({}, {}); p.revoke(); return p.proxy;
      case 5: o = { name: "loop" }; o.self = o; return o;
      case 6: o = [1]; o.push(o); return o;
      case 7: return "x".repeat(200000);
      case 8: return "é".repeat(small ? 300 : 2000);
      case 9: return "\ud83d\ude00 \u202e \u0000 \ud800 \udfff \u2028 \"'\\";
      case 10: return Symbol("s");
      case 11: return BigInt(12345678901234567890);
      case 12: return NaN;
      case 13: return -Infinity;
      case 14: return undefined;
      case 15: return function () { throw new Error("called"); };
      case 16: return new Date(NaN);
      case 17: return new Date(Date.UTC(2024, 1, 3));
      case 18: return new Map([[{ k: 1 }, 1], ["s", new Set([1, 2])]]);
      case 19: return /re+/g;
      case 20: return new TypeError("boom");
      case 21: return new WeakMap();
      case 22: return Promise.reject(new Error("never read")).catch(function () {}) && Promise.resolve(1);
      case 23: return new Float64Array(3);
      case 24: return document.body || document.documentElement;
      case 25: return window;
      case 26: return Object.create(null);
      case 27: o = []; o.length = small ? 100 : 50000000; return o;
      case 28: o = {}; p = o; for (var i = 0; i < 60; i++) { p.next = {}; p = p.next; } return o;
      case 29: o = {}; for (var j = 0; j < (small ? 200 : 12000); j++) o["k" + j] = j; return o;
      case 30: return depth < 2 ? { nested: hostile(r, depth + 1, small), list: [hostile(r, depth + 1, small), 1] } : 1;
      case 31: return new (function Thing() { this.a = 1; })();
      case 32: return Object.freeze({ frozen: true });
      default: return (function () { return arguments; })(1, 2);
    }
  }
  function bag(r, small) {
    var n = Math.floor(r() * 4), out = {};
    for (var i = 0; i < n; i++) out["k" + i] = hostile(r, 0, small);
    return r() < 0.15 ? hostile(r, 0, small) : out;
  }
  window.fuzz = function (seed, sequences) {
    var r = prng(seed), named = [], calls = 0, accounts = 0;
    for (var s = 0; s < sequences; s++) {
      var length = 1 + Math.floor(r() * 6);
      for (var c = 0; c < length; c++) {
        var name = "fz-" + seed + "-" + s + "-" + c, kind = r();
        calls++;
        if (kind < 0.45) {
          var args = [name];
          if (r() < 0.8) args.push(bag(r));
          if (r() < 0.3) args.push(r() < 0.5 ? bag(r) : { integrations: bag(r) });
          if (r() < 0.2) args.push(function () { throw new Error("callback"); });
          analytics.track.apply(analytics, args);
          named.push(name);
        } else if (kind < 0.6) {
          analytics.page(null, name, bag(r));
          named.push("Viewed " + name + " Page");
        } else if (kind < 0.75) {
          analytics.identify("u-1", bag(r, true));
          accounts++;
        } else if (kind < 0.9) {
          analytics.group("acme", bag(r, true));
          accounts++;
        } else {
          analytics.track(hostile(r, 0), bag(r));  // an event that is not a name
        }
      }
    }
    return { named: named, calls: calls, identifications: accounts };
  };
})();
