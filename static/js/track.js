// First-party collection: batches this page's events and sends them to POST /t/events (the
// event catalogue, apps/tracking/catalogue.py, lists names and property types). No third
// party, no inline code. Sends nothing without personalization consent (data-consent="on").
//
// Why fetch and not sendBeacon: the endpoint is CSRF-protected like every POST, and a beacon
// cannot carry the X-CSRFToken header the page provides (body hx-headers). `fetch` with
// `keepalive: true` survives the page being closed just as a beacon does, within the same
// 64 KB budget as the endpoint's batch limit. Every event has a client id, so a batch
// re-sent after a failure counts once.
//
// Cards seen: seen.js already watches cards (half in view for a second) for the artwork's
// impressions; it announces each newly seen card with a "streamfront:seen" event, which is
// turned into one card_seen here. One observer, one report per card and page view.
//
// Other scripts report with window.streamfrontTrack(name, properties) or by dispatching a
// "streamfront:track" CustomEvent with {detail: {name, properties}}.
(function () {
  "use strict";
  var script = document.currentScript;
  var queue = [];
  window.streamfrontTrack = function () {};
  if (!script || script.getAttribute("data-consent") !== "on" || !window.fetch) return;

  var URL = script.getAttribute("data-url") || "/t/events";
  var MAX_BATCH = 50;
  var MAX_QUEUE = 200;
  var SEND_MS = 5000;
  var counter = 0;
  var pageId = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);

  function clientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    counter += 1;
    return pageId + "-" + counter;
  }

  function text(value) {
    return String(value || "").slice(0, 200);
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function track(name, properties) {
    queue.push({ name: name, properties: properties || {}, client_id: clientId() });
    if (queue.length > MAX_QUEUE) queue.splice(0, queue.length - MAX_QUEUE);
    if (queue.length >= MAX_BATCH) send();
  }

  function send() {
    var token = csrfToken();
    while (queue.length) {
      var events = queue.splice(0, MAX_BATCH);
      post(events, token);
    }
  }

  function post(events, token) {
    fetch(URL, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ events: events }),
    }).then(function (response) {
      // Refused batches (4xx) are not retried; a busy server (429, 5xx) gets them again later.
      if (response.status === 429 || response.status >= 500) requeue(events);
    }).catch(function () { requeue(events); });
  }

  function requeue(events) {
    if (queue.length + events.length <= MAX_QUEUE) queue = events.concat(queue);
  }

  window.streamfrontTrack = track;
  document.addEventListener("streamfront:track", function (event) {
    if (event.detail && event.detail.name) track(event.detail.name, event.detail.properties);
  });
  document.addEventListener("streamfront:seen", function (event) {
    var id = parseInt(event.detail && event.detail.title, 10);
    if (!id) return;
    var props = { title_id: id, path: text(location.pathname) };
    if (event.detail.row) props.row = text(event.detail.row);
    track("card_seen", props);
  });
  // Searches: the query as submitted (the search page's form).
  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector && event.target.querySelector("input[type=search]");
    if (input && input.value.trim()) track("search", { query: text(input.value.trim()) });
  });

  var referrer = "";
  try {
    var from = new window.URL(document.referrer);
    if (from.origin === location.origin) referrer = from.pathname;  // never another site's URL
  } catch (e) { /* no referrer */ }
  var view = { path: text(location.pathname), title: text(document.title) };
  if (referrer) view.referrer = text(referrer);
  track("page_view", view);

  setInterval(function () { if (queue.length) send(); }, SEND_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && queue.length) send();
  });
  window.addEventListener("pagehide", function () { if (queue.length) send(); });
})();
