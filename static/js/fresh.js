// Back and Forward show the truth (QA17: after "I like this" or "+ My list", going to My list
// and pressing Back showed the title page as first drawn, thumbs off and "+ Add", because the
// browser redrew it from its HTTP cache; a viewer would press again).
//
// Each page notes in its history entry when its HTML was drawn and when its DOM was last
// brought up to date; a successful htmx action (any non-GET: thumbs, My list, Not for me...)
// stamps "personal state changed" for this tab. A page brought back by Back or Forward that is
// older than the last change is fetched again, once (location.replace: a GET of the same
// address, never a form resubmitted; the new page notes fresh times, so it never loops). Pages
// drawn after the change, or a bfcache page whose own DOM made the change, stay as they are.
// Only pages answered to a GET load this script (templates/base.html).
(function () {
  "use strict";

  var KEY = "sf.changedAt";

  function changedAt() {
    try {
      return parseInt(window.sessionStorage.getItem(KEY), 10) || 0;
    } catch (e) {
      return 0;
    }
  }

  function state() {
    var s = window.history.state;
    return s && typeof s === "object" ? s : {};
  }

  function note(values) {
    var merged = {};
    var old = state();
    Object.keys(old).forEach(function (k) { merged[k] = old[k]; });
    Object.keys(values).forEach(function (k) { merged[k] = values[k]; });
    try {
      window.history.replaceState(merged, "");
    } catch (e) { /* a browser refusing history writes: no refresh, as before */ }
  }

  function refetch() {
    // With a #fragment in the address, replacing it by itself is only a jump to the fragment
    // (QA19: "See all" lands at #more-like-this): reload instead, a GET as well (this script
    // runs only on pages answered to a GET), which keeps the fragment and the scroll.
    if (window.location.hash) {
      window.location.reload();
    } else {
      window.location.replace(window.location.href);
    }
  }

  var navigation = (window.performance && window.performance.getEntriesByType)
    ? window.performance.getEntriesByType("navigation")[0] : null;
  var noted = state();
  var now = Date.now();
  if (navigation && navigation.type === "back_forward" && noted.sfHtmlAt) {
    // transferSize 0: the HTML came from the HTTP cache, as drawn back then.
    var cached = !(navigation.transferSize > 0);
    if (cached && noted.sfHtmlAt < changedAt()) {
      refetch();
      return;
    }
    if (!cached) note({ sfHtmlAt: now, sfDomAt: now });
  } else {
    note({ sfHtmlAt: now, sfDomAt: now });
  }

  window.addEventListener("pageshow", function (event) {
    if (event.persisted && (state().sfDomAt || 0) < changedAt()) refetch();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var verb = detail.requestConfig && detail.requestConfig.verb;
    if (!detail.successful || !verb || verb.toLowerCase() === "get") return;
    var at = Date.now();
    try {
      window.sessionStorage.setItem(KEY, String(at));
    } catch (e) {
      return;
    }
    note({ sfDomAt: at });
  });
})();
