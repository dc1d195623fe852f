/* Local stand-in for Totango's collector (totango4.0.3.js).
 * Speaks the real pixel protocol to the server it was loaded from, so tests can
 * check what goes on the wire without network access. Never throws into the page. */
(function () {
  'use strict';
  var w = window;
  var sent = w.__totango_emulator_sent = w.__totango_emulator_sent || [];
  var counter = 0;

  function warn(msg) {
    try { console.warn('[totango emulator] ' + msg); } catch (e) { /* no console */ }
  }

  // Pixels go back to the origin that served this script; eu1 gets its own path.
  var origin = '';
  try {
    var me = document.currentScript;
    if (!me || !me.src) {
      var all = document.getElementsByTagName('script');
      for (var i = 0; i < all.length; i++) {
        if (/totango[^\/]*\.js/.test(all[i].src)) { me = all[i]; }
      }
    }
    origin = new URL(me.src, location.href).origin;
  } catch (e) {
    origin = location.origin;
  }

  var opts = {};
  var user = null;
  var account = null;

  function isObj(v) { return v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v); }
  function copy(o) { var r = {}; for (var k in o) { if (Object.prototype.hasOwnProperty.call(o, k)) r[k] = o[k]; } return r; }
  function merge(a, b) { var r = copy(a || {}); for (var k in b) { if (Object.prototype.hasOwnProperty.call(b, k)) r[k] = b[k]; } return r; }
  function empty(v) { return v === undefined || v === null || v === ''; }

  // Same id: the new object updates the old one; different id: it replaces it.
  function nextEntity(current, incoming) {
    if (!isObj(incoming)) return current;
    if (current && (empty(incoming.id) || String(incoming.id) === String(current.id))) {
      return merge(current, incoming);
    }
    return copy(incoming);
  }

  function encodeValue(v) {
    if (v instanceof Date) return isNaN(v.getTime()) ? String(v) : v.toISOString();
    if (v !== null && typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function base() {
    return origin + (opts.region === 'eu1' ? '/eu1/' : '/');
  }

  function send(pairs) {
    pairs.push(['_r', Date.now().toString(36) + '.' + (++counter)]); // defeat the page's image cache
    var q = [];
    for (var i = 0; i < pairs.length; i++) {
      var v = pairs[i][1];
      if (v === undefined || v === null) continue;
      q.push(pairs[i][0] + '=' + encodeURIComponent(encodeValue(v)));
    }
    var url = base() + 'pixel.gif/?' + q.join('&');
    sent.push(url);
    try { new Image().src = url; } catch (e) { warn('could not send pixel: ' + e); }
    return url;
  }

  function identity(accountId, userId) {
    return [['sdr_s', opts.service_id], ['sdr_o', accountId], ['sdr_u', userId]];
  }

  function accountAttrs(pairs, attrs) {
    for (var k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k) || k === 'id') continue;
      var v = attrs[k];
      if (v === undefined || v === null) continue;
      if (k === 'name') pairs.push(['sdr_odn', v]);
      else if (k === 'parent') { if (isObj(v) && !empty(v.id)) pairs.push(['sdr_o.parent_id', v.id]); }
      else pairs.push(['sdr_o.' + encodeURIComponent(k), v]);
    }
  }

  function userAttrs(pairs, attrs) {
    for (var k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k) || k === 'id') continue;
      var v = attrs[k];
      if (v === undefined || v === null) continue;
      pairs.push(['sdr_u.' + encodeURIComponent(k), v]);
    }
  }

  function userId() { return user && !empty(user.id) ? user.id : null; }
  function accountId() { return account && !empty(account.id) ? account.id : null; }

  // Why nothing was sent, or null when a pixel may go out.
  function blocked(org, usr) {
    if (empty(opts.service_id)) return 'no service_id in totango_options';
    if (empty(usr)) return 'no user id';
    if (empty(org) && !opts.allow_empty_accounts) return 'no account id and allow_empty_accounts is false';
    return null;
  }

  function safe(name, fn) {
    return function () {
      try { return fn.apply(this, arguments); } catch (e) { warn(name + ' failed: ' + e); }
    };
  }

  function go(o, quiet) {
    if (!isObj(o)) o = {};
    for (var k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k) || k === 'user' || k === 'account') continue;
      opts[k] = o[k];
    }
    if (!empty(o.username) && !(isObj(o.user) && !empty(o.user.id))) {
      user = nextEntity(user, merge(o.user || {}, { id: o.username }));
    } else {
      user = nextEntity(user, o.user);
    }
    account = nextEntity(account, o.account);
    var why = blocked(accountId(), userId());
    if (why) { if (!quiet) warn('go: identification not sent: ' + why); return -1; }
    var pairs = identity(accountId(), userId());
    if (account) accountAttrs(pairs, account);
    if (user) userAttrs(pairs, user);
    send(pairs);
    return 0;
  }

  function track(activity, module, org, usr, quiet) {
    var o = empty(org) ? accountId() : org;
    var u = empty(usr) ? userId() : usr;
    var why = blocked(o, u);
    if (why) { if (!quiet) warn('track("' + activity + '") not sent: ' + why); return; }
    var m = empty(module) ? opts.module : module;
    var pairs = identity(o, u);
    pairs.push(['sdr_a', activity], ['sdr_m', empty(m) ? null : m]);
    send(pairs);
  }

  function identify(u) {
    if (!isObj(u)) { warn('identify: expected a user object'); return; }
    user = nextEntity(user, u);
    var why = blocked(accountId(), userId());
    if (why) { warn('identify not sent: ' + why); return; }
    var pairs = identity(accountId(), userId());
    userAttrs(pairs, user);
    send(pairs);
  }

  function setAccountAttributes(attrs) {
    if (!isObj(attrs)) { warn('setAccountAttributes: expected an object'); return; }
    account = merge(account, attrs);
    var why = empty(accountId()) ? 'no account id' : blocked(accountId(), userId());
    if (why) { warn('setAccountAttributes not sent: ' + why); return; }
    var pairs = identity(accountId(), userId());
    accountAttrs(pairs, attrs);
    send(pairs);
  }

  function setUserAttributes(attrs) {
    if (!isObj(attrs)) { warn('setUserAttributes: expected an object'); return; }
    user = merge(user, attrs);
    var why = blocked(accountId(), userId());
    if (why) { warn('setUserAttributes not sent: ' + why); return; }
    var pairs = identity(accountId(), userId());
    userAttrs(pairs, attrs);
    send(pairs);
  }

  function clear() { user = null; account = null; }

  try {
    var initial = isObj(w.totango_options) ? w.totango_options : {};
    var stack = w.totango_tmp_stack;
    w.totango = {
      go: safe('go', function (o) { return go(o, false); }),
      track: safe('track', function (a, m, o, u) { track(a, m, o, u, false); }),
      identify: safe('identify', identify),
      setAccountAttributes: safe('setAccountAttributes', setAccountAttributes),
      setUserAttributes: safe('setUserAttributes', setUserAttributes),
      clear: safe('clear', clear),
      __emulator: true
    };
    // Like the real collector, start from totango_options (quietly if there is no user yet).
    go(initial, true);
    if (Array.isArray(stack)) {
      var queued = stack.slice();
      stack.length = 0;
      for (var j = 0; j < queued.length; j++) {
        var e = queued[j] || {};
        w.totango.track(e.activity, e.module, e.org, e.user);
      }
    }
    w.__totango3 = true;
    setInterval(function () {
      try { if (!opts.disable_heartbeat) track('__heartbeat', '__system', null, null, true); } catch (e) { /* ignore */ }
    }, 60000);
  } catch (e) {
    warn('collector failed to start: ' + e);
  }
})();
