// Artwork impressions are the cards a viewer could see, not the cards the server rendered:
// a card (or the hero) at least half in view for a second counts once per page view. Seen
// cards are sent in batches to /artwork/seen/ (on a short timer and when the page is hidden).
// Without this file (or IntersectionObserver) nothing is logged, which is the honest answer.
(function () {
  "use strict";
  if (!("IntersectionObserver" in window)) return;

  var script = document.currentScript;
  var URL = (script && script.getAttribute("data-url")) || "/artwork/seen/";
  var DWELL_MS = 1000;
  var SEND_MS = 4000;
  var MAX_PER_REQUEST = 100;
  var timers = new Map(); // element -> dwell timer
  var reported = new Set(); // "view|title" already counted on this page
  var pending = new Map(); // view token -> [title ids]

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function viewOf(el) {
    if (el.hasAttribute("data-art-view")) return el.getAttribute("data-art-view");
    var holder = el.closest("[data-art-view]");
    return holder ? holder.getAttribute("data-art-view") : "";
  }

  function markSeen(el) {
    var view = viewOf(el);
    var title = el.getAttribute("data-art");
    if (!view || !title) return;
    var key = view + "|" + title;
    if (reported.has(key)) return;
    reported.add(key);
    if (!pending.has(view)) pending.set(view, []);
    pending.get(view).push(title);
    // track.js turns this into the event log's card_seen (one observer for both).
    var row = el.closest("section.row[id^=\"row-\"]");
    document.dispatchEvent(new CustomEvent("streamfront:seen", {
      detail: { title: title, view: view, row: row ? row.id.slice(4) : "" },
    }));
  }

  function send() {
    var token = csrfToken();
    pending.forEach(function (titles, view) {
      for (var i = 0; i < titles.length; i += MAX_PER_REQUEST) {
        var body = new FormData();
        body.append("csrfmiddlewaretoken", token);
        body.append("view", view);
        body.append("title", titles.slice(i, i + MAX_PER_REQUEST).join(","));
        fetch(URL, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          keepalive: true,
          headers: { "X-CSRFToken": token },
        }).catch(function () {});
      }
    });
    pending.clear();
  }

  var observer = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        var el = entry.target;
        if (entry.isIntersecting && entry.intersectionRatio >= 0.5) {
          if (!timers.has(el) && document.visibilityState === "visible") {
            timers.set(el, setTimeout(function () {
              timers.delete(el);
              markSeen(el);
              observer.unobserve(el);
            }, DWELL_MS));
          }
        } else if (timers.has(el)) {
          clearTimeout(timers.get(el));
          timers.delete(el);
        }
      });
    },
    { threshold: [0, 0.5, 1] }
  );

  function watch(root) {
    var found = root.querySelectorAll ? root.querySelectorAll("[data-art]") : [];
    Array.prototype.forEach.call(found, function (el) {
      if (viewOf(el)) observer.observe(el);
    });
    if (root.hasAttribute && root.hasAttribute("data-art") && viewOf(root)) observer.observe(root);
  }

  function start() {
    watch(document);
    setInterval(function () { if (pending.size) send(); }, SEND_MS);
  }

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
  // Lazily loaded rows and search results arrive through htmx.
  document.addEventListener("htmx:load", function (event) { watch(event.target); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      // A hidden page is not being looked at: dwell timers stop, seen cards are sent now.
      timers.forEach(function (timer) { clearTimeout(timer); });
      timers.clear();
      if (pending.size) send();
    } else {
      // Back in view: start over for the cards on screen.
      document.querySelectorAll("[data-art]").forEach(function (el) {
        if (viewOf(el) && !reported.has(viewOf(el) + "|" + el.getAttribute("data-art"))) {
          observer.unobserve(el);
          observer.observe(el);
        }
      });
    }
  });
  window.addEventListener("pagehide", function () { if (pending.size) send(); });
})();
