// The simulated player: a clock instead of a video, and everything a real player reports.
//
// Progress goes to the page's progress URL every ~10 s of playing, on pause, after a seek,
// at the end and when the page is left (navigator.sendBeacon). Each report carries the
// position, a fresh report id, a sequence number that only grows (time-based, so reports from
// two tabs still order sensibly) and `seek` on explicit seeks; the server ignores late and
// repeated reports; a 409 means the plan's screens are all in use elsewhere, or the viewer
// switched profile in another tab (each report says the page's profile), and playing stops;
// so does a 403 (signed out, no profile, a stale CSRF token) or a 404 (the title went), with
// the words and the way on for each, and the refused place kept for the page opened next. The first report of a page is a seek to where playback started, so
// "Start over" and re-watching a finished title move the saved place back on purpose.
//
// In a watch party (data-party="1") the viewer's play, pause, seek and next-episode presses
// become "streamfront:player-intent" events for party.js, which sends them to the group and
// applies the group's state through window.streamfrontPlayer; the player does not start by
// itself, and party.js may nudge its rate to stay in sync. Subtitles, audio and volume stay
// this viewer's own either way.
(function () {
  "use strict";

  var root = document.getElementById("player");
  if (!root) return;
  var d = root.dataset;

  var REPORT_EVERY = 10; // wall-clock seconds between heartbeats while playing
  var COUNTDOWN = 10; // seconds before the next episode starts by itself
  var duration = Math.max(0, parseInt(d.duration, 10) || 0);
  var speed = Math.min(120, Math.max(1, parseInt(d.speed, 10) || 1));
  var position = Math.min(duration, Math.max(0, parseFloat(d.start) || 0));
  var introStart = d.introStart ? parseInt(d.introStart, 10) : null;
  var introEnd = d.introEnd ? parseInt(d.introEnd, 10) : null;
  var partyMode = d.party === "1";
  var rate = 1; // playback rate (watch parties nudge it to catch up or slow down)

  var playing = false;
  var ended = false;
  var reported = false; // the first report (the starting seek) has been sent
  var refused = false; // the server gave this player's screen to another one (409)
  var seq = 0;
  var lastFrame = 0;
  var sinceReport = 0;
  var seekTimer = null;
  var seekPending = false;
  var scrub = null; // the seek bar's value while it is dragged (the place itself stays)
  var idleTimer = null;
  var countdownTimer = null;

  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  var seek = $("[data-seek]");
  var current = $("[data-current]");
  var remainingClock = $("[data-remaining-clock]");
  var remainingWords = $("[data-remaining-words]");
  var spokenLeft = -1; // the whole seconds the words say now (they change once a second)
  var status = $("[data-status]");
  var skipIntro = $("[data-skip-intro]");
  var bigPlay = $(".player__bigplay");
  var barToggle = $("[data-toggle]");
  var captionLine = $("[data-captions-line]");
  var captions = $all("[data-captions] li").map(function (li) { return li.textContent; });
  var nextPanel = $("[data-next]");
  // "Resuming from … · Start over" goes once playback has moved on: after a few seconds of
  // play (paused time does not count), and at the latest when the next episode is offered.
  var toast = $("[data-resume-toast]");
  var TOAST_PLAY_SECONDS = 6;
  var toastPlayed = 0;
  var countdownText = $("[data-countdown-text]");
  var countdownNumber = $("[data-countdown]");
  var volume = $("[data-volume]");
  var muteButton = $("[data-mute]");
  var fullscreenButton = $("[data-fullscreen]");
  var note = $("[data-note]");
  var prefsForm = $("[data-preferences]");
  var autoplayBox = $("[data-autoplay]");

  function csrfToken() {
    if (d.csrf) return d.csrf;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // The profile this page was drawn for (base.html's htmx headers): a report from a player left
  // open after switching profile in another tab is refused (409) rather than stored on the
  // profile chosen since, and the player stops as for a screen taken elsewhere.
  function pageProfile() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-Profile"] || "";
    } catch (e) {
      return "";
    }
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function nextSeq() {
    seq = Math.max(Date.now(), seq + 1);
    return seq;
  }

  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var mm = h ? ("0" + m).slice(-2) : String(m);
    return (h ? h + ":" : "") + mm + ":" + ("0" + s).slice(-2);
  }

  // Time left as words for screen readers, "53 minutes 51 seconds left", in the page's
  // language (the browser's unit names; the server renders the first one the same way).
  var unitNames = null;

  function unitName(unit) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "en", {
        style: "unit", unit: unit, unitDisplay: "long",
      });
    } catch (e) {
      return null;
    }
  }

  function spokenDuration(total) {
    if (!unitNames) unitNames = { h: unitName("hour"), m: unitName("minute"), s: unitName("second") };
    if (!unitNames.h || !unitNames.m || !unitNames.s) return clock(total);
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var parts = [];
    if (h) parts.push(unitNames.h.format(h));
    if (m) parts.push(unitNames.m.format(m));
    if (s || !parts.length) parts.push(unitNames.s.format(s));
    return parts.join(" ");
  }

  function renderLeft(shown) {
    // Rounded up, so played (rounded down) and left add up to the length: 0:13 and −5:47.
    var left = Math.max(0, Math.ceil(duration - shown));
    if (remainingClock) remainingClock.textContent = "\u2212" + clock(left);
    if (!remainingWords || left === spokenLeft) return;
    spokenLeft = left;
    remainingWords.textContent = (d.labelLeft || "%(time)s left").replace("%(time)s", spokenDuration(left));
  }

  // --- Reports -----------------------------------------------------------------------------

  function reportForm(reason, isSeek) {
    var form = new FormData();
    form.append("position", String(Math.floor(position)));
    form.append("seq", String(nextSeq()));
    form.append("report_id", randomId());
    form.append("session", d.session || "");
    form.append("reason", reason);
    if (isSeek) form.append("seek", "true");
    form.append("csrfmiddlewaretoken", csrfToken());
    form.append("page_profile", pageProfile()); // the leave beacon cannot carry a header
    return form;
  }

  function report(reason, isSeek) {
    if (refused || !d.progressUrl || !duration) return;
    if (!reported) {
      isSeek = true; // the first report says where this viewing starts
      reported = true;
    }
    sinceReport = 0;
    fetch(d.progressUrl, {
      method: "POST",
      body: reportForm(reason, isSeek),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Profile": pageProfile() },
      keepalive: true,
    }).then(function (response) {
      if (response.status === 409) return response.json().then(refuse, function () { refuse({}); });
      if (response.status !== 403 && response.status !== 404) return;
      // Signed out (here, in another tab or on another device), no profile any more, a CSRF
      // token made stale by signing in again (403 text, no code), or the title went (404):
      // nothing of this report was stored, so stop and say what to do (QA17).
      return response.json().then(function (answer) {
        return answer && answer.code ? answer.code : (response.status === 404 ? "gone" : "stale");
      }, function () {
        return response.status === 404 ? "gone" : "stale";
      }).then(refuseFor);
    }).catch(function () { /* the next heartbeat or the leave beacon carries the place */ });
  }

  // The place a refused report carried, kept in this tab until the page is opened again (after
  // signing in or reloading), then sent once as that page's starting point if it is still
  // further than the stored one. Keyed by the item and the page's profile: it never lands on
  // another profile, or on another account signing in in this tab.
  var keptKey = "sf.player.kept:" + (d.progressUrl || "") + ":" + pageProfile();

  function keepPlace() {
    try {
      window.sessionStorage.setItem(keptKey, String(Math.floor(position)));
    } catch (e) { /* private mode: nothing kept */ }
  }

  function takeKeptPlace() {
    var kept = null;
    try {
      kept = window.sessionStorage.getItem(keptKey);
      window.sessionStorage.removeItem(keptKey);
    } catch (e) {
      return null;
    }
    var value = parseInt(kept, 10);
    return isFinite(value) ? value : null;
  }

  function refuseFor(code) {
    var panel = $("[data-refused]");
    var kind = {
      signed_out: "signedOut", no_profile: "noProfile", profile_deleted: "deleted", gone: "gone"
    }[code] || "stale";
    if (kind !== "gone") keepPlace();
    refuse({ detail: panel ? panel.dataset[kind + "Text"] : "" });
    if (!panel) return;
    var heading = panel.querySelector("h2");
    if (heading) heading.textContent = panel.dataset[kind + "Heading"] || heading.textContent;
    var action = panel.querySelector("[data-refused-action]");
    if (action) {
      action.textContent = panel.dataset[kind + "Action"] || action.textContent;
      action.href = panel.dataset[kind + "Url"] || action.href;
      action.focus();
    }
    var plans = panel.querySelector("[data-refused-plans]");
    if (plans) plans.hidden = true;
  }

  // Another screen took this player's place (the plan's screens are all in use), or the viewer
  // switched profile in another tab: stop playing and reporting, and say so; "Try again"
  // reloads the page (as the profile now chosen).
  function refuse(answer) {
    refused = true;
    playing = false;
    hideNext(); // no next episode starts by itself from a refused player (QA17)
    root.classList.add("is-refused");
    renderState();
    var panel = $("[data-refused]");
    if (!panel) return;
    var text = $("[data-refused-text]");
    if (text && answer) text.textContent = answer.detail || answer.error || "";
    if (answer && answer.error === "profile_switched") {
      var heading = panel.querySelector("h2");
      if (heading && panel.dataset.switchedHeading) heading.textContent = panel.dataset.switchedHeading;
      var plans = panel.querySelector("[data-refused-plans]");
      if (plans) plans.hidden = true;
    }
    panel.hidden = false;
    var link = panel.querySelector("a");
    if (link) link.focus();
  }

  function beacon() {
    if (refused || !reported || !d.progressUrl || !navigator.sendBeacon) return;
    var isSeek = seekPending; // a seek not reported yet must still be able to move back
    seekPending = false;
    window.clearTimeout(seekTimer);
    navigator.sendBeacon(d.progressUrl, reportForm("leave", isSeek));
  }

  function scheduleSeekReport() {
    window.clearTimeout(seekTimer);
    seekPending = true;
    seekTimer = window.setTimeout(function () {
      seekPending = false;
      report("seek", true);
    }, 350);
  }

  // --- Rendering ---------------------------------------------------------------------------

  function setLabel(button, label) {
    if (!button) return;
    button.setAttribute("aria-label", label);
    button.setAttribute("title", label);
  }

  function render() {
    // While the seek bar is dragged the clock shows where it would land (the preview).
    var shown = scrub === null ? position : scrub;
    var pct = duration ? (shown / duration) * 100 : 0;
    if (seek && document.activeElement !== seek) seek.value = String(Math.floor(shown));
    if (seek) {
      seek.style.setProperty("--pct", pct.toFixed(3) + "%");
      seek.setAttribute("aria-valuetext", clock(shown) + " " + d.labelOf + " " + clock(duration));
    }
    if (current) current.textContent = clock(shown);
    renderLeft(shown);
    if (skipIntro) {
      skipIntro.hidden = !(introStart !== null && shown >= introStart && shown < introEnd);
    }
    if (captionLine) {
      var on = d.subtitles && d.subtitles !== "off" && captions.length && !ended;
      captionLine.hidden = !on;
      if (on) captionLine.textContent = captions[Math.floor(shown / 7) % captions.length];
    }
  }

  function renderState() {
    root.classList.toggle("is-playing", playing);
    root.classList.toggle("is-paused", !playing);
    $all(".js-toggle").forEach(function (b) { setLabel(b, playing ? d.labelPause : d.labelPlay); });
    // While it plays the bar's Pause is the one: the centre button left the Tab order and the
    // accessibility tree (QA8: a keyboard went through two Pause buttons doing the same thing).
    // Before the first play, paused and at the end it is the big Play, reachable as ever.
    if (bigPlay) {
      if (playing && document.activeElement === bigPlay && barToggle) barToggle.focus();
      bigPlay.tabIndex = playing ? -1 : 0;
      if (playing) bigPlay.setAttribute("aria-hidden", "true");
      else bigPlay.removeAttribute("aria-hidden");
    }
    if (status) status.textContent = ended ? d.labelFinished : (playing ? d.labelPlaying : d.labelPaused);
    wakeControls();
  }

  // --- The clock ---------------------------------------------------------------------------

  function frame(now) {
    if (!playing) return;
    var dt = Math.min(1, (now - lastFrame) / 1000);
    lastFrame = now;
    position = Math.min(duration, position + dt * speed * rate);
    sinceReport += dt;
    toastPlayed += dt;
    if (toast && !toast.hidden && toastPlayed >= TOAST_PLAY_SECONDS) toast.hidden = true;
    render();
    if (position >= duration) {
      finish();
      return;
    }
    if (sinceReport >= REPORT_EVERY) report("tick", false);
    window.requestAnimationFrame(frame);
  }

  // The event log's player events (track.js sends them, with consent; see its header).
  function logEvent(name, extra) {
    var props = { title_id: parseInt(d.titleId, 10) || 0 };
    if (d.episodeId) props.episode_id = parseInt(d.episodeId, 10);
    Object.keys(extra || {}).forEach(function (k) { props[k] = extra[k]; });
    if (!props.title_id) return;
    document.dispatchEvent(new CustomEvent("streamfront:track", {
      detail: { name: name, properties: props },
    }));
  }

  // In a party, a press is a request to the group; the group's answer moves the player.
  function intent(action, extra) {
    var detail = { action: action };
    Object.keys(extra || {}).forEach(function (k) { detail[k] = extra[k]; });
    document.dispatchEvent(new CustomEvent("streamfront:player-intent", { detail: detail }));
  }

  function play() {
    if (partyMode) { intent("play"); return; }
    doPlay();
  }

  function doPlay() {
    if (playing || refused || !duration) return;
    if (position >= duration) position = 0; // play again from the start
    ended = false;
    hideNext();
    playing = true;
    logEvent("player_play", { position: position });
    lastFrame = performance.now();
    if (!reported) report("start", true);
    renderState();
    window.requestAnimationFrame(frame);
  }

  function pause(reason) {
    if (partyMode) { intent("pause"); return; }
    doPause(reason);
  }

  function doPause(reason) {
    if (!playing) return;
    playing = false;
    renderState();
    logEvent("player_pause", { position: position });
    report(reason || "pause", false);
  }

  function toggle() {
    if (playing) pause();
    else play();
  }

  function seekTo(seconds) {
    if (partyMode) {
      var to = Math.min(duration, Math.max(0, seconds));
      // The viewer's own seek is logged here, once; the group's seeks and the drift
      // corrections that move this player are not theirs (QA8: every sync nudge was logged).
      logEvent("player_seek", { from_position: position, to_position: to });
      intent("seek", { position: to });
      render(); // party.js moved this player, or a refused drag's bar goes back
      return;
    }
    doSeek(seconds);
  }

  function doSeek(seconds, bySync) {
    var from = position;
    position = Math.min(duration, Math.max(0, seconds));
    if (!bySync) logEvent("player_seek", { from_position: from, to_position: position });
    if (position < duration) {
      ended = false;
      hideNext();
    }
    render();
    if (position >= duration) {
      finish(true);
      return;
    }
    scheduleSeekReport();
  }

  function finish(bySeek) {
    var wasPlaying = playing;
    playing = false;
    ended = true;
    position = duration;
    render();
    renderState();
    window.clearTimeout(seekTimer);
    seekPending = false;
    report("end", Boolean(bySeek) || !wasPlaying);
    logEvent("player_ended");
    showNext();
  }

  // --- Next episode ------------------------------------------------------------------------

  function showNext() {
    if (toast) toast.hidden = true;
    if (!nextPanel) return;
    nextPanel.hidden = false;
    window.clearInterval(countdownTimer);
    var autoplay = d.autoplayNext === "1" && !partyMode; // a party moves on together
    if (countdownText) countdownText.hidden = !autoplay;
    if (!autoplay) return;
    var left = COUNTDOWN;
    if (countdownNumber) countdownNumber.textContent = String(left);
    countdownTimer = window.setInterval(function () {
      left -= 1;
      if (countdownNumber) countdownNumber.textContent = String(Math.max(0, left));
      if (left <= 0) {
        window.clearInterval(countdownTimer);
        window.location.assign(d.nextUrl);
      }
    }, 1000);
  }

  function hideNext() {
    window.clearInterval(countdownTimer);
    if (nextPanel) nextPanel.hidden = true;
  }

  // --- Volume, full screen, preferences ----------------------------------------------------

  var store = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* private mode */ } },
  };

  function renderVolume() {
    var muted = root.classList.contains("is-muted");
    setLabel(muteButton, muted ? d.labelUnmute : d.labelMute);
    if (volume) volume.style.setProperty("--pct", (muted ? 0 : volume.value) + "%");
  }

  function toggleMute() {
    var muted = !root.classList.contains("is-muted");
    root.classList.toggle("is-muted", muted);
    store.set("sf.player.muted", muted ? "1" : "0");
    renderVolume();
  }

  function changeVolume(step) {
    if (!volume) return;
    var value = Math.min(100, Math.max(0, (parseInt(volume.value, 10) || 0) + step));
    volume.value = String(value);
    store.set("sf.player.volume", volume.value);
    root.classList.toggle("is-muted", value === 0);
    store.set("sf.player.muted", value === 0 ? "1" : "0");
    renderVolume();
    showNote(d.labelVolume + " " + value + " %");
  }

  function toggleFullscreen() {
    logEvent("player_fullscreen", { on: !document.fullscreenElement });
    if (document.fullscreenElement) {
      if (document.exitFullscreen) document.exitFullscreen();
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(function () { /* refused: stay in the page */ });
    }
  }

  function showNote(text) {
    if (!note) return;
    note.textContent = text;
    note.hidden = false;
    window.clearTimeout(note._timer);
    note._timer = window.setTimeout(function () { note.hidden = true; }, 2500);
  }

  function savePreference(name, value) {
    var form = new FormData();
    form.append(name, value);
    form.append("csrfmiddlewaretoken", csrfToken());
    fetch(d.preferencesUrl, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
    }).then(function (response) {
      if (response.ok) showNote(d.labelSaved);
    }).catch(function () { /* kept for this page only */ });
  }

  // --- Controls that hide while playing -----------------------------------------------------

  // The controls stay while a keyboard's focus or the pointer is on them (QA11 §15: the focus
  // ring faded away with them); leaving them starts the count again (the listeners below).
  // A touch screen keeps :hover on the last control tapped: there only focus holds them.
  var HELD = ".player__menu[open], .player__top :focus-visible, .player__controls :focus-visible" +
    (window.matchMedia && window.matchMedia("(hover: hover)").matches
      ? ", .player__top:hover, .player__controls:hover" : "");

  function wakeControls() {
    root.classList.remove("is-idle");
    window.clearTimeout(idleTimer);
    if (playing) {
      idleTimer = window.setTimeout(function () {
        if (playing && !root.querySelector(HELD)) root.classList.add("is-idle");
      }, 3000);
    }
  }

  // --- Wiring ------------------------------------------------------------------------------

  $all(".js-toggle").forEach(function (b) { b.addEventListener("click", toggle); });
  $all("[data-jump]").forEach(function (b) {
    b.addEventListener("click", function () { seekTo(position + parseInt(b.dataset.jump, 10)); });
  });
  if (seek) {
    // Dragging previews the place; letting go seeks (from where the player really was: the
    // drag used to move the place itself, so a party's seek was logged "from 2000 to 2000"
    // and never reported as a seek, and the skipped part counted as watched; QA).
    seek.addEventListener("input", function () {
      scrub = Math.min(duration, Math.max(0, parseFloat(seek.value) || 0));
      render();
    });
    seek.addEventListener("change", function () {
      scrub = null;
      seekTo(parseFloat(seek.value) || 0);
    });
  }
  if (skipIntro) {
    skipIntro.addEventListener("click", function () {
      seekTo(introEnd);
      root.focus();
    });
  }
  if (muteButton) muteButton.addEventListener("click", toggleMute);
  if (volume) {
    volume.value = store.get("sf.player.volume") || volume.value;
    root.classList.toggle("is-muted", store.get("sf.player.muted") === "1");
    volume.addEventListener("input", function () {
      store.set("sf.player.volume", volume.value);
      root.classList.toggle("is-muted", volume.value === "0");
      renderVolume();
    });
  }
  if (fullscreenButton) fullscreenButton.addEventListener("click", toggleFullscreen);
  // In full screen the page behind the player is hidden but its links stayed in the Tab order
  // (QA3: 9+ invisible stops through the footer and header): everything that is not the player
  // or holds it is made inert while the player covers the page, and given back on leaving
  // (Escape or the button). Only what this made inert is given back.
  var madeInert = [];
  function coverPage(full) {
    madeInert.forEach(function (el) { el.inert = false; });
    madeInert = [];
    if (!full) return;
    for (var el = root; el && el !== document.documentElement; el = el.parentElement) {
      Array.prototype.forEach.call(el.parentElement ? el.parentElement.children : [], function (sibling) {
        if (sibling === el || sibling.inert || sibling.tagName === "SCRIPT" || sibling.tagName === "HEAD") return;
        sibling.inert = true;
        madeInert.push(sibling);
      });
    }
  }
  document.addEventListener("fullscreenchange", function () {
    var full = document.fullscreenElement === root;
    root.classList.toggle("is-fullscreen", full);
    setLabel(fullscreenButton, full ? d.labelExitFullscreen : d.labelFullscreen);
    coverPage(full);
  });
  if (prefsForm) {
    prefsForm.addEventListener("change", function (event) {
      var field = event.target;
      if (field.name === "subtitles") {
        d.subtitles = field.value;
        render();
        savePreference("subtitles", field.value);
      } else if (field.name === "audio") {
        savePreference("audio", field.value);
      } else if (field === autoplayBox) {
        d.autoplayNext = autoplayBox.checked ? "1" : "0";
        if (!autoplayBox.checked && countdownText) {
          window.clearInterval(countdownTimer);
          countdownText.hidden = true;
        }
        savePreference("autoplay_next", autoplayBox.checked ? "on" : "off");
      }
    });
    prefsForm.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  var cancelNext = $("[data-cancel-next]");
  if (cancelNext) {
    cancelNext.addEventListener("click", function () {
      window.clearInterval(countdownTimer);
      if (countdownText) countdownText.hidden = true;
    });
  }

  root.addEventListener("mousemove", wakeControls);
  root.addEventListener("focusin", wakeControls);
  $all(".player__top, .player__controls").forEach(function (bar) {
    bar.addEventListener("focusout", wakeControls);
    bar.addEventListener("mouseleave", wakeControls);
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && target.type !== "range")) return;
    var key = event.key;
    // The volume slider keeps its own arrow keys; everywhere else they drive the player.
    if (target === volume && /^Arrow/.test(key)) return;
    wakeControls();
    if (key === " " || key === "Spacebar" || key === "k") {
      if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY") return; // they activate themselves
      event.preventDefault();
      toggle();
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      event.preventDefault();
      seekTo(position + (key === "ArrowLeft" ? -10 : 10));
    } else if (key === "ArrowUp" || key === "ArrowDown") {
      event.preventDefault();
      changeVolume(key === "ArrowUp" ? 10 : -10);
    } else if (key === "f" || key === "F") {
      event.preventDefault();
      toggleFullscreen();
    } else if (key === "m" || key === "M") {
      event.preventDefault();
      toggleMute();
    } else if (key === "Escape" && nextPanel && !nextPanel.hidden) {
      window.clearInterval(countdownTimer);
      if (countdownText) countdownText.hidden = true;
    }
  });

  // Leaving (navigation, closing the tab, switching away on a phone) saves the place.
  window.addEventListener("pagehide", beacon);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") beacon();
  });

  if (partyMode) {
    $all("[data-next-link], [data-next-episode]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        intent("next");
      });
    });
  }

  // What party.js drives: the group's state applied to this player, without new intents.
  window.streamfrontPlayer = {
    position: function () { return position; },
    duration: function () { return duration; },
    isPlaying: function () { return playing; },
    play: doPlay,
    pause: function () { doPause("pause"); },
    seek: function (seconds) {
      if (Math.abs(seconds - position) >= 0.01) doSeek(seconds, true);
    },
    setRate: function (value) { rate = Math.min(2, Math.max(0.5, value || 1)); },
    rate: function () { return rate; },
  };

  // A place kept from this tab's refused reports goes on from there, unless this page was
  // opened to start somewhere chosen (Start over, a reminder's ?t=); the starting seek sends it.
  var kept = partyMode ? null : takeKeptPlace();
  if (kept !== null && !d.chosenStart && kept > (parseInt(d.saved, 10) || 0) && kept < duration) {
    position = kept;
    var resumeText = $("[data-resume-text]");
    if (resumeText && resumeText.dataset.at) {
      resumeText.textContent = resumeText.textContent.replace(resumeText.dataset.at, clock(position));
    }
  }

  render();
  renderVolume();
  renderState();
  root.focus({ preventScroll: true });
  // Players start on their own (the first report is the starting seek); a party's waits for
  // the group.
  if (!partyMode) play();
})();
