/* Streamfront's service worker (served at /sw.js): shows a pushed message and opens its link. */
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: event.data.text() }; }
  const title = data.title || "Streamfront";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    icon: data.icon || "/static/icons/favicon.svg",
    tag: data.tag || undefined,
    data: { url: data.url || "/inbox/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/inbox/", self.location.origin);
  if (url.origin !== self.location.origin) return; // only this site's pages
  event.waitUntil(self.clients.openWindow(url.href));
});
