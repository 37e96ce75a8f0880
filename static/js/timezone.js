// Sign-up: tells the server the browser's time zone (an IANA name such as "Europe/Paris"), so
// dates, payment days and the home page's time of day are right from the first page. Fills the
// hidden fields marked data-detect-time-zone; without JavaScript they stay empty and the
// account keeps the default zone (editable on the account page).
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  function fill() {
    document.querySelectorAll("input[data-detect-time-zone]").forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  }
  if (document.readyState !== "loading") fill();
  else document.addEventListener("DOMContentLoaded", fill);
})();
