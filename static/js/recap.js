// "Your year": one full-screen card at a time, moved with the arrow keys, the space bar
// (Shift+Space goes back), Home/End, the buttons or a horizontal swipe. Without this script
// every card is shown one below the other. Motion is CSS only, off under prefers-reduced-motion.
(function () {
  "use strict";

  function setUp(deck) {
    var cards = Array.prototype.slice.call(deck.querySelectorAll("[data-recap-card]"));
    if (cards.length < 2) return;
    var controls = deck.querySelector("[data-recap-controls]");
    var position = deck.querySelector("[data-recap-position]");
    var prev = deck.querySelector("[data-recap-prev]");
    var next = deck.querySelector("[data-recap-next]");
    var hint = deck.querySelector("[data-recap-hint]");
    var template = deck.getAttribute("data-position") || "{n} / {total}";
    var current = 0;

    deck.classList.add("recap--paged");
    controls.hidden = false;
    if (hint) hint.hidden = false;

    function show(index, moveFocus) {
      current = Math.max(0, Math.min(cards.length - 1, index));
      cards.forEach(function (card, i) {
        card.hidden = i !== current;
        card.setAttribute("role", "region");
      });
      position.textContent = template
        .replace("{n}", String(current + 1))
        .replace("{total}", String(cards.length));
      prev.disabled = current === 0;
      next.disabled = current === cards.length - 1;
      if (moveFocus) {
        cards[current].setAttribute("tabindex", "-1");
        cards[current].focus({ preventScroll: true });
      }
    }

    prev.addEventListener("click", function () { show(current - 1, false); });
    next.addEventListener("click", function () { show(current + 1, false); });

    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (target.closest && target.closest("input, select, textarea, button, a, [contenteditable]")) {
        return; // the keys keep their own meaning on controls
      }
      var key = event.key;
      var to = null;
      if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown") to = current + 1;
      else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp") to = current - 1;
      else if (key === " " || key === "Spacebar") to = event.shiftKey ? current - 1 : current + 1;
      else if (key === "Home") to = 0;
      else if (key === "End") to = cards.length - 1;
      if (to === null) return;
      event.preventDefault();
      show(to, true);
    });

    var startX = null;
    var startY = null;
    deck.addEventListener("pointerdown", function (event) {
      startX = event.clientX;
      startY = event.clientY;
    });
    deck.addEventListener("pointerup", function (event) {
      if (startX === null) return;
      var dx = event.clientX - startX;
      var dy = event.clientY - startY;
      startX = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy) * 1.5) {
        show(dx < 0 ? current + 1 : current - 1, false);
      }
    });

    show(0, false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-recap]"), setUp);
  });
})();
