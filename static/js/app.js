// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Selects marked .js-autosubmit submit their form on change (language switcher).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-autosubmit") && el.form) el.form.submit();
  });

  // Row arrows scroll the track by one screen; arrow keys scroll it when it has focus.
  function enhanceRows(root) {
    root.querySelectorAll(".row").forEach(function (row) {
      if (row.dataset.enhanced) return;
      row.dataset.enhanced = "1";
      var track = row.querySelector(".track");
      if (!track) return;
      row.querySelectorAll(".row__arrow").forEach(function (btn) {
        btn.hidden = false;
        btn.addEventListener("click", function () {
          var dir = btn.classList.contains("row__arrow--prev") ? -1 : 1;
          track.scrollBy({ left: dir * track.clientWidth * 0.9, behavior: "smooth" });
        });
      });
      track.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
        var cards = Array.prototype.slice.call(track.querySelectorAll(".card__link"));
        var i = cards.indexOf(document.activeElement);
        if (i < 0) return;
        var next = cards[i + (event.key === "ArrowRight" ? 1 : -1)];
        if (next) {
          event.preventDefault();
          next.focus();
          next.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "smooth" });
        }
      });
    });
  }

  onReady(function () { enhanceRows(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhanceRows(event.target); });
})();

// The "Undo" notice after a removal (templates/includes/undo_toast.html) stays a few seconds.
(function () {
  "use strict";
  var timer = null;
  var SHOW_MS = 8000;
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var toast = document.getElementById("undo-toast");
    if (!toast || !toast.dataset.undoOpen) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      var current = document.getElementById("undo-toast");
      if (current && current.dataset.undoOpen) {
        current.hidden = true;
        current.textContent = "";
        delete current.dataset.undoOpen;
      }
    }, SHOW_MS);
  });
})();
