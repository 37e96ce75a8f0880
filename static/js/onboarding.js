// Onboarding step 1: with htmx available, cards become toggle buttons (see picks.html).
// Without this file the page still works: every card is a checkbox of the Continue form.
(function () {
  "use strict";

  function enhance() {
    if (!window.htmx) return;
    document.querySelectorAll(".onb").forEach(function (el) {
      el.classList.add("onb--js");
    });
  }

  // The filter changes the address (hx-push-url) but not the Continue form's own: a refusal
  // ("pick exactly three") comes back with the genre and search in force now.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "onb-form") form.action = location.pathname + location.search;
  });

  // The sticky bar's height, for onboarding.css's scroll-padding: a focused card is scrolled
  // clear of the bar, however many lines the picks and a notice give it.
  var watched = null;
  var sizer = window.ResizeObserver ? new window.ResizeObserver(measureBar) : null;
  function measureBar() {
    var bar = document.querySelector(".onb:not(.onb--devices) .onb-bar");
    if (!bar) return;
    document.documentElement.style.setProperty("--onb-bar-h", bar.offsetHeight + "px");
    if (sizer && bar !== watched) {
      if (watched) sizer.unobserve(watched);
      sizer.observe(bar);
      watched = bar;
    }
  }
  document.addEventListener("htmx:afterSettle", measureBar);

  function ready() {
    enhance();
    measureBar();
  }
  if (document.readyState !== "loading") ready();
  else document.addEventListener("DOMContentLoaded", ready);

  // A refused pick (a fourth title, a bad id) answers 400/409 with an out-of-band notice and
  // "HX-Reswap: none"; htmx does not swap error responses by default, so let these through.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var elt = event.detail.elt || event.target;
    // A plain sentence (a tab left on another profile, an old CSRF token) is not one of them:
    // app.js shows it in the page's notice.
    var plain = (event.detail.xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
    if ((status === 400 || status === 409) && !plain && elt && elt.closest && elt.closest(".onb")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
