/* The notifications page's push switch: registers /sw.js, subscribes with the site's VAPID key
   and posts the subscription (or its removal) to the server. */
(function () {
  "use strict";
  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(padded);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  function csrf() {
    const headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    }).then((r) => { if (!r.ok) throw new Error(String(r.status)); return r; });
  }
  function init() {
    const panel = document.querySelector(".push-panel");
    if (!panel) return;
    const status = panel.querySelector(".push-panel__status");
    const on = panel.querySelector(".js-push-on");
    const off = panel.querySelector(".js-push-off");
    function show(state) {
      status.textContent = status.dataset["text" + state.charAt(0).toUpperCase() + state.slice(1)] || "";
      on.hidden = state !== "off";
      off.hidden = state !== "on";
    }
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) { show("unsupported"); return; }
    if (window.Notification && Notification.permission === "denied") { show("denied"); return; }
    const ready = navigator.serviceWorker.register(panel.dataset.workerUrl, { scope: "/" })
      .then(() => navigator.serviceWorker.ready);
    ready.then((reg) => reg.pushManager.getSubscription()).then((sub) => show(sub ? "on" : "off"))
      .catch(() => show("unsupported"));
    on.addEventListener("click", () => {
      ready.then((reg) => reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(panel.dataset.pushKey) }))
        .then((sub) => post(panel.dataset.subscribeUrl, sub.toJSON()))
        .then(() => show("on"))
        .catch(() => show(window.Notification && Notification.permission === "denied" ? "denied" : "failed"));
    });
    off.addEventListener("click", () => {
      ready.then((reg) => reg.pushManager.getSubscription()).then((sub) => {
        if (!sub) return null;
        const json = sub.toJSON();
        return sub.unsubscribe().then(() => post(panel.dataset.unsubscribeUrl, json));
      }).then(() => show("off")).catch(() => show("failed"));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
