/* Initech Cloud, the plain HTML + JS version: what a web team writes around
   the tag. Every analytics call goes through demoCall (shared.js) so the
   inspector can show it; otherwise these are ordinary analytics.js calls. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };

  // The buttons and the events they send. Invite teammate names its own
  // category, so Totango files it under module "Team", not the current section.
  var ACTIONS = {
    "pay-invoice": function () { demoCall("track", "Pay invoice", { invoice: "INV-1042", amount: 249 }); },
    "export-report": function () { demoCall("track", "Export report", { format: "CSV", report: "Usage" }); },
    "invite-teammate": function () { demoCall("track", "Invite teammate", { category: "Team", role: "Editor" }); }
  };

  function showSection(name) {
    document.querySelectorAll("[data-panel]").forEach(function (el) { el.hidden = el.dataset.panel !== name; });
    document.querySelectorAll("[data-section]").forEach(function (el) {
      if (el.dataset.section === name) el.setAttribute("aria-current", "page");
      else el.removeAttribute("aria-current");
    });
  }

  function initials(text) {
    return String(text || "?").split(/\s+/).map(function (w) { return w.charAt(0); }).join("").slice(0, 2).toUpperCase();
  }

  // Who is signed in, as the tag itself knows it: analytics.user() and
  // analytics.group() exist once Python has booted (state kept in localStorage).
  function showAccount() {
    var user = window.analytics.user && window.analytics.user();
    if (!user) return;  // Python is still starting
    var group = window.analytics.group();
    var signedIn = !!(user.id() && group.id());
    var u = user.traits(), g = group.traits();
    $("booting").hidden = true;
    $("signin").hidden = signedIn;
    $("signout").hidden = !signedIn;
    $("account").dataset.state = signedIn ? "signed-in" : "signed-out";
    $("account-user").textContent = signedIn ? (u.name || user.id()) : "Not signed in";
    $("account-group").textContent = signedIn
      ? (g.name || group.id()) + (g.plan ? " · " + g.plan + " plan" : "")
      : "activity is held until sign-in";
    $("avatar").textContent = signedIn ? initials(u.name || user.id()) : "?";
    $("account").title = signedIn ? "analytics.user().id() = " + user.id() + ", analytics.group().id() = " + group.id() : "";
  }

  $("signin").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = function (name) { return $("f-" + name).value.trim(); };
    var created = value("created");
    // Shown once the tag has handled both calls: with Pyodide in its worker, user() and
    // group() reflect a call only then.
    Promise.all([
      demoCall("identify", value("userId"), { email: value("email"), name: value("name") }),
      demoCall("group", value("companyId"), {
        name: value("companyName"),
        plan: value("plan"),
        created: created ? new Date(created + "T00:00:00Z") : undefined
      })
    ]).then(showAccount);
  });

  $("signout").addEventListener("click", function () {
    demoCall("reset").then(showAccount);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (button && ACTIONS[button.dataset.action]) ACTIONS[button.dataset.action]();
  });

  // Each section is a Totango module: page(category, name).
  window.addEventListener("hashchange", function () {
    var name = demoSection();
    showSection(name);
    demoCall("page", name, DEMO_SECTIONS[name]);
  });

  showSection(demoSection());
  window.analytics.ready(showAccount);
  window.addEventListener("totango:error", showAccount);
  var poll = setInterval(function () {  // until Python is up (ready() waits for the collector too)
    showAccount();
    if ($("account").dataset.state !== "booting") clearInterval(poll);
  }, 100);
})();
