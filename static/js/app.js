// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // The homepage's toast ("Signed in as …") is a role=status box already there when the page
  // loads, which most screen readers do not announce (QA13): say it once in the live region,
  // unless something else (coming back to a row) already speaks there. Elsewhere a message is
  // at the top of the page, where reading starts.
  onReady(function () {
    var box = document.querySelector("body.page-home .messages");
    var region = document.getElementById("a11y-status");
    if (!box || !region) return;
    setTimeout(function () {
      if (!region.textContent.trim()) region.textContent = box.textContent.trim().replace(/\s+/g, " ");
    }, 300);
  });

  // Selects marked .js-autosubmit submit their form on change (language switcher).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-autosubmit") && el.form) el.form.submit();
  });

  // Browsing like a remote (roving tabindex): each row is one tab stop, its current card; the
  // arrow keys move between cards (left, right, Home, End) and rows (up, down), Enter opens,
  // and the row scrolls to keep the focused card in view. A card's own buttons (My list,
  // thumbs, remove) join the tab order only while focus is on that card. Screen readers hear
  // each row as a list labelled "Row 3 of 14, Horror" and each card's place in it ("2 of 20").
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  // Scrolling the rows glides, unless the viewer asked for less motion: the stylesheet's
  // prefers-reduced-motion rule does not reach a behavior given to scrollBy/scrollIntoView.
  function scrollBehavior() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  }

  function cardLinks(track) {
    return Array.prototype.slice.call(track.querySelectorAll(".card__link"));
  }

  function itemOf(el) {
    return el && el.closest ? el.closest("[role=listitem]") : null;
  }

  function setTabStops(track, current) {
    var links = cardLinks(track);
    if (!links.length) return;
    if (links.indexOf(current) < 0) {
      current = links.filter(function (a) { return a.getAttribute("tabindex") === "0"; })[0] || links[0];
    }
    var active = itemOf(document.activeElement);
    track.querySelectorAll(FOCUSABLE).forEach(function (el) {
      if (el === current) el.setAttribute("tabindex", "0");
      else if (el.classList.contains("card__link")) el.setAttribute("tabindex", "-1");
      else el.setAttribute("tabindex", active && itemOf(el) === active && track.contains(active) ? "0" : "-1");
    });
  }

  function labelRows() {
    var rows = document.getElementById("rows");
    var all = document.querySelectorAll("#rows section.row");
    var template = rows ? rows.dataset.rowLabel : "";
    var total = rows ? Math.max(parseInt(rows.dataset.totalRows, 10) || 0, all.length) : all.length;
    all.forEach(function (row, i) {
      var track = row.querySelector(".track");
      var heading = row.querySelector("h2");
      if (!track || !heading || !template) return;
      track.setAttribute("aria-label", template
        .replace("%(n)s", String(i + 1))
        .replace("%(total)s", String(total))
        .replace("%(row)s", heading.textContent.trim()));
    });
  }

  function labelItems(track) {
    var items = track.querySelectorAll("[role=listitem]");
    items.forEach(function (item, i) {
      item.setAttribute("aria-posinset", String(i + 1));
      item.setAttribute("aria-setsize", String(items.length));
    });
  }

  function focusCard(link) {
    link.focus({ preventScroll: true });
    link.scrollIntoView({ block: "nearest", inline: "nearest", behavior: scrollBehavior() });
  }

  function rowCurrent(row) {
    var track = row.querySelector(".track");
    if (!track) return null;
    return track.querySelector('.card__link[tabindex="0"]') || track.querySelector(".card__link");
  }

  function onTrackKey(event) {
    var track = event.currentTarget;
    var item = itemOf(event.target);
    if (!item) return;
    var links = cardLinks(track);
    var link = item.querySelector(".card__link");
    var i = links.indexOf(link);
    var next = null;
    if (event.key === "ArrowRight") next = links[i + 1];
    else if (event.key === "ArrowLeft") next = links[i - 1];
    else if (event.key === "Home") next = links[0];
    else if (event.key === "End") next = links[links.length - 1];
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var rows = Array.prototype.slice.call(document.querySelectorAll("section.row"));
      var r = rows.indexOf(track.closest("section.row"));
      var target = rows[r + (event.key === "ArrowDown" ? 1 : -1)];
      next = target ? rowCurrent(target) : null;
      if (!next) return;
    } else return;
    event.preventDefault();
    if (next) focusCard(next);
  }

  function enhanceRows() {
    document.querySelectorAll("section.row").forEach(function (row) {
      var track = row.querySelector(".track");
      if (!track) return;
      if (!row.dataset.enhanced) {
        row.dataset.enhanced = "1";
        row.querySelectorAll(".row__arrow").forEach(function (btn) {
          btn.hidden = false;
          btn.setAttribute("tabindex", "-1"); // the arrow keys do this for keyboards
          btn.addEventListener("click", function () {
            var dir = btn.classList.contains("row__arrow--prev") ? -1 : 1;
            track.scrollBy({ left: dir * track.clientWidth * 0.9, behavior: scrollBehavior() });
          });
        });
        track.addEventListener("keydown", onTrackKey);
        track.addEventListener("focusin", function (event) {
          var item = itemOf(event.target);
          var link = item ? item.querySelector(".card__link") : null;
          setTabStops(track, link);
        });
        track.addEventListener("focusout", function (event) {
          if (!track.contains(event.relatedTarget)) setTabStops(track, rowCurrent(row));
        });
      }
      labelItems(track);
      setTabStops(track, rowCurrent(row));
    });
    labelRows();
  }

  onReady(enhanceRows);

  // Menus that float over the page as a <details> (the header's bell, the player's audio and
  // subtitles, the phone header's Menu): Escape closes the open one and gives focus back to its
  // summary, and focus or a click going elsewhere closes it, as a menu does; a <details> alone
  // stays open over the page. Wider than a phone the header's menu is no menu (its button is
  // hidden, its links sit in the header's row: static/css/layout.css), so it is never [open].
  var MENUS = "details.bell[open], details.player__menu[open], details.site-menu[open]";
  // A row's "Why this row?" (templates/includes/row.html) is a disclosure, not a menu: Escape
  // from inside it closes it the same way, but it stays open when focus or a click moves on.
  var ESCAPABLE = MENUS + ", details.row__why[open]";

  function closeMenu(menu, refocus) {
    menu.open = false;
    var summary = menu.querySelector("summary");
    if (refocus && summary) summary.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") return;
    var menu = event.target.closest ? event.target.closest(ESCAPABLE) : null;
    if (!menu) {
      // Escape with focus outside (a mouse opened it): close whatever menu is open; focus
      // dropped on <body> (its content was swapped) goes back to the menu's button.
      var lost = !document.activeElement || document.activeElement === document.body;
      document.querySelectorAll(MENUS).forEach(function (open) { closeMenu(open, lost); });
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // the player's own Escape (the next-episode countdown) stays put
    closeMenu(menu, true);
  }, true);
  document.addEventListener("focusout", function (event) {
    var menu = event.target.closest ? event.target.closest(MENUS) : null;
    if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) closeMenu(menu, false);
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll(MENUS).forEach(function (menu) {
      if (!menu.contains(event.target)) closeMenu(menu, false);
    });
  });
  document.addEventListener("htmx:afterSwap", enhanceRows);
  document.addEventListener("htmx:oobAfterSwap", enhanceRows);
})();

// The "Undo" notice after a removal (templates/includes/undo_toast.html) stays a few seconds,
// and never goes while it holds the focus (a keyboard user who tabbed to Undo keeps it; it goes
// when focus leaves it). A refused Undo (too late: the server keeps it 30 s) answers 400 with a
// notice that says so and how to put things back by hand; htmx drops 4xx by default, which left
// the viewer pressing a button that did nothing, so that answer is let in to take the notice's
// place (the server says it in the live region too), with a Dismiss button.
(function () {
  "use strict";
  var timer = null;
  var SHOW_MS = 8000;

  function hide(toast) {
    toast.hidden = true;
    toast.textContent = "";
    delete toast.dataset.undoOpen;
    delete toast.dataset.undoDue;
  }

  function close() {
    var current = document.getElementById("undo-toast");
    if (!current || !current.dataset.undoOpen) return;
    if (current.contains(document.activeElement)) {
      current.dataset.undoDue = "1";
      return;
    }
    hide(current);
  }

  function arm() {
    var toast = document.getElementById("undo-toast");
    if (!toast || !toast.dataset.undoOpen) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(close, SHOW_MS);
  }

  document.addEventListener("htmx:oobAfterSwap", arm);

  // The server says what was removed in #a11y-status, after the notice (apps/core/undo.py);
  // where the notice shows its Ctrl+Z (not on a phone: static/css/discover.css), the shortcut
  // is said too, in the same moment, so a screen reader reads one sentence.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var region = document.getElementById("a11y-status");
    var toast = document.getElementById("undo-toast");
    // (fired on every element the answer put in so far; detail.target is the one just swapped)
    if (!region || event.detail.target !== region || !toast || !toast.dataset.undoOpen) return;
    var keys = toast.querySelector(".undo-toast__keys[data-said]");
    if (!keys || toast.dataset.keysSaid || !keys.checkVisibility()) return;
    toast.dataset.keysSaid = "1";
    region.textContent = region.textContent.trim() + " " + keys.dataset.said;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "undo-toast") arm(); // a refusal
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.id === "undo-toast") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-undo-dismiss]") : null;
    var toast = button && document.getElementById("undo-toast");
    if (!toast) return;
    hide(toast);
    var main = document.getElementById("main");
    if (main) main.focus({ preventScroll: true });
  });
  document.addEventListener("focusout", function (event) {
    var toast = document.getElementById("undo-toast");
    if (!toast || !toast.dataset.undoDue || toast.contains(event.relatedTarget)) return;
    delete toast.dataset.undoDue;
    close();
  });

  // The notice sits last in <main>: on a long homepage a keyboard user tabbing to it could take
  // longer than its few seconds. So Ctrl+Z (Cmd+Z) presses its Undo from anywhere outside a text
  // field, and each Tab while it is up gives it its few seconds again.
  function editing(el) {
    return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (event) {
    var toast = document.getElementById("undo-toast");
    if (!toast || !toast.dataset.undoOpen) return;
    if (event.key === "Tab") { arm(); return; }
    var undoKey = (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey &&
      (event.key === "z" || event.key === "Z");
    var button = toast.querySelector("button[hx-post]");
    if (!undoKey || !button || button.disabled || editing(document.activeElement)) return;
    event.preventDefault();
    button.focus({ preventScroll: true });
    button.click();
  });

  // A done Undo reloads the page (apps/core/undo.py undo_done), which left focus on <body> and
  // said nothing. Its answer fires "undo-done" (the message, the title put back) before the
  // reload: kept in sessionStorage with where the removal was pressed (the row or list, the
  // control's classes), then after the reload focus goes to that title's card there (else
  // anywhere on the page), else the row's card, else the same control (the title page's "Not
  // for me"), else <main>; the message goes to #a11y-status.
  var KEPT = "streamfront:undo-done";
  var removedAt = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.closest || elt.tagName !== "BUTTON" || elt.closest("#undo-toast")) return;
    var place = elt.closest("section.row") || (elt.closest(".card") || elt).parentNode.closest("[id]");
    removedAt = {
      place: place ? place.id : "",
      fromCard: !!elt.closest(".card"),
      control: Array.prototype.filter.call(elt.classList, function (c) {
        return c !== "is-on" && c.indexOf("htmx-") !== 0;
      }),
    };
  });

  document.addEventListener("undo-done", function (event) {
    var detail = event.detail || {};
    try {
      window.sessionStorage.setItem(KEPT, JSON.stringify({
        path: location.pathname + location.search,
        message: detail.message || "",
        title: detail.title || null,
        place: removedAt ? removedAt.place : "",
        control: removedAt ? removedAt.control : [],
        fromCard: removedAt ? removedAt.fromCard : false,
      }));
    } catch (e) { return; /* no storage (private mode): the page reloads as before */ }
    // The reload would put the scroll back where it was after the focus moved (at load),
    // leaving the focused card out of view: this once, the focus move scrolls.
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  });

  function comeBack() {
    var kept = null;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(KEPT) || "null");
      window.sessionStorage.removeItem(KEPT);
    } catch (e) { return; }
    if (!kept || kept.path !== location.pathname + location.search) return;
    var place = kept.place ? document.getElementById(kept.place) : null;
    var card = null;
    if (kept.title) {
      var sel = '.card[data-title="' + String(parseInt(kept.title, 10)) + '"] .card__link';
      card = (place && place.querySelector(sel)) || document.querySelector(sel);
    }
    // A row's other card only when the removal was pressed on a card: a title page's "Not for
    // me" sits in <main>, whose "More like this" cards are not where the keyboard was.
    var inRow = kept.fromCard && place;
    var next = card ||
      (inRow && (place.querySelector('.card__link[tabindex="0"]') || place.querySelector(".card__link"))) ||
      (kept.control && kept.control.length && document.querySelector("main ." + kept.control.map(CSS.escape).join("."))) ||
      document.getElementById("main");
    if (next) {
      next.focus({ preventScroll: true });
      next.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    var region = document.getElementById("a11y-status");
    if (region && kept.message) region.textContent = kept.message;
    // Chrome restores the scroll after the load event: back to normal only when leaving.
    window.addEventListener("pagehide", function () {
      if ("scrollRestoration" in history) history.scrollRestoration = "auto";
    });
  }

  if (document.readyState !== "loading") comeBack();
  else document.addEventListener("DOMContentLoaded", comeBack);
})();

// htmx swaps that replace the focused control (My list, thumbs) would drop keyboard focus onto
// <body>: give it back to the same control in the new markup (same classes, state aside), or,
// when the control's block went away (My List's "Remove"), to its neighbour, else to <main>.
// The control is the one focused when the answer lands (a Tab pressed while the request was in
// flight may have moved on to the next button of the same group), and focus moves at the swap
// itself, not at the settle 20 ms later: a Tab pressed in between would start from <body>.
// Announcements go to base.html's #a11y-status: the server sends it out-of-band for actions;
// a swapped block can carry [data-announce] (the search results' count) for this script to read.
(function () {
  "use strict";
  var STATE = ["is-on"];
  var pending = null;

  function keyOf(el) {
    return Array.prototype.filter.call(el.classList, function (c) {
      return STATE.indexOf(c) < 0 && c.indexOf("htmx-") !== 0; // htmx-request and friends come and go
    });
  }

  // The first control a Tab would reach: not a row's scroll arrow or a card a row's roving
  // tabindex keeps out of the order (tabindex=-1), where focus left Tab nowhere sensible.
  function firstFocusable(root) {
    var out = "a[href], button:not([disabled]), input, select, textarea, [tabindex]";
    return root.querySelector(out.split(", ").map(function (sel) {
      return sel + ':not([tabindex="-1"])';
    }).join(", "));
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    // Search's 400 (too long) carries the message for the viewer, and its suggestions' 400 an
    // empty list in place of the shorter query's; htmx drops 4xx by default, and the page's
    // "That did not work" notice would say the viewer did something wrong twice (QA16 #3).
    if (event.detail.xhr.status === 400 && target &&
        (target.id === "search-results" || target.id === "search-suggestions")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    // Only a swap that holds the focus says where it goes next: another answer landing first
    // (the bell's own count, asked for at page load) must not forget a dismissal's restore.
    if (!target || !active || active === document.body || !target.contains(active)) return;
    pending = {
      parent: target.parentNode,
      classes: keyOf(active),
      neighbour: target.nextElementSibling || target.previousElementSibling,
      // A card alone in its list item (the inbox): the next item, else the one before.
      item: target.parentNode && target.parentNode.tagName === "LI" &&
        (target.parentNode.nextElementSibling || target.parentNode.previousElementSibling),
      // The homepage's "More rows" link (focused, so revealed) gives way to the rows it loads:
      // focus goes on to the first new row's card, where a keyboard was heading.
      lastRow: target.classList.contains("rows__more") ? target.previousElementSibling : null,
    };
    window.setTimeout(restore, 0);
  });

  // After the swap, and at the latest on the next tick: a swap that removes its target (the
  // inbox's "Dismiss" answers nothing) fires afterSwap on the detached element, which never
  // reaches the document, and focus was left on <body>.
  function restore() {
    var p = pending;
    pending = null;
    if (!p || (document.activeElement && document.activeElement !== document.body)) return;
    var next = null;
    if (p.lastRow && p.lastRow.isConnected) {
      var row = p.lastRow.nextElementSibling;
      next = row && (row.querySelector('.card__link[tabindex="0"]') || row.querySelector(".card__link"));
    }
    if (!next && p.parent && p.parent.isConnected && p.classes.length) {
      next = p.parent.querySelector("." + p.classes.map(CSS.escape).join("."));
    }
    if (!next && p.neighbour && p.neighbour.isConnected) next = firstFocusable(p.neighbour);
    if (!next && p.item && p.item.isConnected) next = firstFocusable(p.item);
    if (!next) next = document.getElementById("main");
    if (next) next.focus({ preventScroll: true });
  }
  document.addEventListener("htmx:afterSwap", restore);

  // "More rows" (templates/browse/home_rows.html) loads by itself when scrolled into view; its
  // link, clicked or given Enter, loads the rows in place too rather than opening them as a
  // page (which also raced the load already under way). What came is said in #a11y-status.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".rows__more a[href]") : null;
    if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    window.htmx.trigger(link.closest(".rows__more"), "more-rows");
  });
  var more = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    more = target && target.classList.contains("rows__more") ? {
      before: target.previousElementSibling,
      label: target.dataset.loaded || "",
    } : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var m = more;
    more = null;
    var region = document.getElementById("a11y-status");
    if (!m || !m.label || !region || !m.before || !m.before.isConnected) return;
    var n = 0;
    for (var el = m.before.nextElementSibling; el && el.matches("section.row"); el = el.nextElementSibling) n++;
    if (n) region.textContent = m.label.replace("%(n)s", String(n));
  });

  // The bell is asked for after the page loads (templates/engagement/bell_slot.html). A "Mark
  // read" or "Dismiss" answered while that request was out found no bell to refresh, and the
  // bell then arrived with the count from before it (1 beside a read inbox): ask once more.
  var inboxChanges = 0;
  var bellAskedAt = null;
  document.addEventListener("inbox-changed", function () { inboxChanges++; });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.classList.contains("bell-slot")) bellAskedAt = inboxChanges;
  });
  // (The slot is replaced, so its afterSwap never reaches the document; the new bell's load does.)
  document.addEventListener("htmx:load", function (event) {
    if (event.target.id !== "bell" || bellAskedAt === null) return;
    var stale = inboxChanges > bellAskedAt;
    bellAskedAt = null;
    if (stale) window.setTimeout(function () { window.htmx.trigger(document.body, "inbox-changed"); }, 0);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var region = document.getElementById("a11y-status");
    var target = event.detail.target;
    if (!region || !target) return;
    var root = target.isConnected ? target : document.getElementById(target.id);
    var said = root && (root.matches("[data-announce]") ? root : root.querySelector("[data-announce]"));
    if (said) region.textContent = said.textContent.trim();
  });
})();

// Search as you type (templates/browse/search.html) replaces the address with each settled
// query, so it stays shareable without leaving a history entry per pause ("horror" typed slowly
// left 16: QA16 #1); pressing Search or Enter is a search the viewer means to come back to, so
// it is one entry, unless the address already says that query.
document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
  "use strict";
  var detail = event.detail;
  var config = detail.requestConfig || {};
  var form = config.elt; // (the event's own elt is <body>)
  var asked = config.triggeringEvent;
  if (!form || !form.matches || !form.matches("form[data-push-on-submit]") || !detail.history) return;
  var here = location.pathname + location.search;
  if (asked && asked.type === "submit" && detail.history.path !== here) detail.history.type = "push";
});

// On a phone the plan-and-billing tabs (.sub-nav) scroll sideways, and the current one could
// sit past the right edge, cut ("Échéancier de…" at 390 px in French): start scrolled to it.
(function () {
  "use strict";
  function showCurrentTab() {
    document.querySelectorAll(".sub-nav").forEach(function (nav) {
      var current = nav.querySelector('[aria-current="page"]');
      if (!current || nav.scrollWidth <= nav.clientWidth) return;
      var box = nav.getBoundingClientRect();
      var tab = current.getBoundingClientRect();
      if (tab.left >= box.left && tab.right <= box.right) return;
      nav.scrollLeft += tab.left - box.left - (box.width - tab.width) / 2;
    });
  }
  if (document.readyState !== "loading") showCurrentTab();
  else document.addEventListener("DOMContentLoaded", showCurrentTab);
})();

// A failed htmx request the viewer made that no handler above let in as content (a thumb, My
// list, Remind me pressed in a tab left open on another profile, or from before signing in
// again; a server error; no connection) was dropped by htmx without a word. The page's notice
// (base.html #request-notice) shows what the server said when it answered a short sentence
// (text/plain: apps/accounts/middleware.py, apps/core/views.py csrf_failure), else a general
// one, with Reload and Dismiss buttons; #a11y-status says it too.
(function () {
  "use strict";
  var MAX_SAID = 400; // a longer plain answer is not a sentence for the viewer (a traceback)

  function notice() { return document.getElementById("request-notice"); }

  function show(message) {
    var box = notice();
    if (!box || !message) return;
    box.querySelector("#request-notice-text").textContent = message;
    box.hidden = false;
    var region = document.getElementById("a11y-status");
    if (region) region.textContent = message;
  }

  function said(xhr) {
    var type = (xhr && xhr.getResponseHeader("Content-Type")) || "";
    var text = type.indexOf("text/plain") === 0 ? (xhr.responseText || "").trim() : "";
    return text.length <= MAX_SAID ? text : "";
  }

  // What the viewer asked for: an action (any POST), or a GET from a link, button or form.
  // A page's own background reads (the bell, the next rows when scrolled to, a count kept
  // fresh) failing is not something the viewer did, and "nothing was changed" would puzzle.
  function viewerAsked(detail) {
    var verb = detail.requestConfig && detail.requestConfig.verb;
    if (verb && verb.toLowerCase() !== "get") return true;
    var elt = detail.elt;
    return !!(elt && elt.matches && elt.matches("a, button, form, input, select, textarea"));
  }

  document.addEventListener("htmx:responseError", function (event) {
    var box = notice();
    if (box && viewerAsked(event.detail)) show(said(event.detail.xhr) || box.dataset.failed);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var box = notice();
    if (box && viewerAsked(event.detail)) show(box.dataset.offline);
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target : null;
    if (!el) return;
    if (el.closest("[data-request-notice-reload]")) {
      window.location.reload();
    } else if (el.closest("[data-request-notice-dismiss]")) {
      var box = notice();
      box.hidden = true;
      var main = document.getElementById("main");
      if (main) main.focus({ preventScroll: true });
    }
  });
})();
