// Watch party client: the party page's copy button, and on the party player the socket that
// keeps this member's player on the group's state, the chat panel, reactions and voice.
//
// Sync (after Jellyfin's SyncPlay): the server holds the group state (status, position, the
// server time it held, a version). This client measures its clock offset to the server with
// pings at join and every 30 s (the shortest round trip wins), computes where the group is
// now, and corrects drift every half second: under data-drift-ignore nothing, up to
// data-drift-seek a playback-rate nudge, beyond that a seek (apps/parties/drift.py is the rule).
// Commands carry a sequence number that only grows (time-based, so a reload keeps growing).
//
// A viewer's own seek moves their player at once; until the group's answer to it comes back
// (the state broadcast with this member's id and the seek's number, or an "ignored" reply),
// other states are held, not applied: one sent before the seek would move the player back
// (CI: the guest's seek to 10:00 was undone). The newest of them (by version) wins after.
(function () {
  "use strict";

  // --- The party page: copy the invite link -------------------------------------------------
  var copyButton = document.querySelector("[data-copy-invite]");
  if (copyButton) {
    copyButton.addEventListener("click", function () {
      var input = document.querySelector("[data-invite-link]");
      if (!input) return;
      // The button's new word is seen; the page's live region says it to a screen reader,
      // which does not read a focused button's changed name again.
      var done = function () {
        copyButton.textContent = copyButton.dataset.copied;
        var status = document.getElementById("a11y-status");
        if (status) status.textContent = copyButton.dataset.said || copyButton.dataset.copied;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          input.select();
          document.execCommand("copy");
          done();
        });
      } else {
        input.select();
        document.execCommand("copy");
        done();
      }
    });
  }

  var box = document.getElementById("party");
  var player = window.streamfrontPlayer;
  if (!box || !player) return;
  var d = box.dataset;
  var playerRoot = document.getElementById("player");

  var IGNORE = parseFloat(d.driftIgnore) || 0.06;
  var SEEK = parseFloat(d.driftSeek) || 3;
  var CATCH_UP = parseFloat(d.driftCatchUp) || 2;
  var MAX_RATE = parseFloat(d.driftMaxRate) || 0.5;
  var PING_EVERY = (parseInt(d.pingEvery, 10) || 30) * 1000;
  var PINGS = parseInt(d.pings, 10) || 5;

  var socket = null;
  var seq = 0;
  var offset = 0; // server clock minus ours, ms
  var bestTrip = Infinity;
  var state = null;
  var me = parseInt(d.me, 10);
  var isHost = d.host === "1";
  var hostOnly = d.hostOnly === "1";
  var steppedOut = false;
  var retries = 0;
  var closedForGood = false;
  var joinedOnce = false;
  var pingTimer = null;
  var ownSeek = null; // {seq, timer}: my seek, applied here, waiting for the group's answer
  var held = null; // the newest state that arrived meanwhile
  var OWN_SEEK_WAIT = 5000; // ms; a lost answer (a dropped socket) must not hold states forever

  var log = box.querySelector("[data-log]");
  var membersList = box.querySelector("[data-members]");
  var statusLine = box.querySelector("[data-party-status]");
  var errorLine = box.querySelector("[data-chat-error]");
  var form = box.querySelector("[data-chat-form]");
  var input = box.querySelector("[data-chat-input]");
  var stepOut = box.querySelector("[data-step-out]");
  var catchUp = box.querySelector("[data-catch-up]");
  var floats = document.querySelector("[data-floats]");
  var soloLink = box.querySelector("[data-solo]");

  function nextSeq() {
    seq = Math.max(Date.now(), seq + 1);
    return seq;
  }

  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    return (h ? h + ":" + ("0" + m).slice(-2) : String(m)) + ":" + ("0" + s).slice(-2);
  }

  function fill(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function say(text) { if (statusLine) statusLine.textContent = text || ""; }

  function showError(text) {
    if (!errorLine) return;
    errorLine.textContent = text;
    errorLine.hidden = !text;
    window.clearTimeout(errorLine._timer);
    if (text) errorLine._timer = window.setTimeout(function () { errorLine.hidden = true; }, 5000);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  // --- Clock offset ---------------------------------------------------------------------------

  function ping() { send({ type: "ping", t0: Date.now() }); }

  function pingBurst() {
    bestTrip = Infinity; // a fresh measurement after (re)connecting
    for (var i = 0; i < PINGS; i += 1) window.setTimeout(ping, i * 150);
  }

  function onPong(message) {
    var t1 = Date.now();
    var trip = t1 - message.t0;
    if (trip < 0 || trip > bestTrip) return;
    bestTrip = trip;
    offset = message.server - (message.t0 + t1) / 2;
  }

  function serverNow() { return Date.now() + offset; }

  function groupPosition() {
    if (!state) return 0;
    var position = state.position;
    if (state.status === "playing") position += (serverNow() - state.at) / 1000;
    return Math.min(player.duration(), Math.max(0, position));
  }

  // --- Applying the group state ---------------------------------------------------------------

  function applyState(next) {
    if (!next) return;
    if (state && next.version < state.version) return; // a late, older state
    state = next;
    var episode = playerRoot && playerRoot.dataset.episodeId;
    if (state.episode_id && episode && String(state.episode_id) !== episode) {
      window.location.reload(); // the party moved on to the next episode
      return;
    }
    box.dataset.status = state.status; // what the group does (tests and styles read it)
    box.classList.toggle("is-waiting", state.status === "waiting");
    say(state.status === "waiting" ? d.labelWaiting : "");
    if (steppedOut) return;
    follow();
  }

  function follow() {
    if (!state || ownSeek) return; // my own seek stands until the group answers it
    if (state.status === "playing") {
      var target = groupPosition();
      if (Math.abs(player.position() - target) > IGNORE) player.seek(target);
      player.play();
    } else {
      player.setRate(1);
      player.pause();
      // Before anyone presses play or seeks (version 0) the page already opened this player
      // at the party's place (a guest's at the host's resume point, the host's at their own,
      // or at 0:00 after "Start over"): seeking it there would only move the saved place.
      // A seek before the first play moves everyone (QA: it moved nobody, chat said it did).
      if (state.status !== "idle" || state.version > 0) player.seek(state.position);
    }
  }

  // My own seek was answered (`answer`: the group's state after it), refused (`answer`: the
  // group's state as it is) or never answered (null): the newest state known applies now.
  function settle(answer) {
    window.clearTimeout(ownSeek.timer);
    ownSeek = null;
    var newest = answer;
    if (held && (!newest || held.version > newest.version)) newest = held;
    held = null;
    if (newest) applyState(newest);
    else if (!steppedOut) follow();
  }

  function onState(message) {
    if (!ownSeek) {
      applyState(message.state);
    } else if (message.by === me && message.seq === ownSeek.seq) {
      settle(message.state);
    } else if (message.state && (!held || message.state.version >= held.version)) {
      held = message.state;
    }
  }

  // Drift correction, twice a second while the group plays.
  window.setInterval(function () {
    if (!state || steppedOut || ownSeek || state.status !== "playing" || !player.isPlaying()) {
      player.setRate(1);
      return;
    }
    var drift = groupPosition() - player.position(); // > 0: this player is behind
    var size = Math.abs(drift);
    if (size < IGNORE) player.setRate(1);
    else if (size <= SEEK) player.setRate(1 + Math.max(-MAX_RATE, Math.min(MAX_RATE, drift / CATCH_UP)));
    else {
      player.setRate(1);
      player.seek(groupPosition());
    }
    if (playerRoot) playerRoot.dataset.partyDrift = drift.toFixed(3);
  }, 500);

  document.addEventListener("streamfront:player-intent", function (event) {
    var detail = event.detail || {};
    if (hostOnly && !isHost && !closedForGood) {
      say(d.labelHostOnly);
      follow(); // snap back to the group
      return;
    }
    if (steppedOut && detail.action !== "next") {
      // Stepping out: my own pause and seeks, nobody else's.
      if (detail.action === "play") player.play();
      else if (detail.action === "pause") player.pause();
      else if (detail.action === "seek") player.seek(detail.position);
      return;
    }
    if (!socket || socket.readyState !== WebSocket.OPEN) return; // nothing to ask the group
    var message = { type: "command", action: detail.action, seq: nextSeq() };
    if (detail.action === "seek") {
      message.position = detail.position;
      // Seen at once here; the group's answer confirms it (or puts it back when refused).
      if (ownSeek) window.clearTimeout(ownSeek.timer);
      ownSeek = { seq: message.seq, timer: window.setTimeout(function () { settle(null); }, OWN_SEEK_WAIT) };
      player.setRate(1);
      player.seek(detail.position);
    }
    // The party's first play starts where this player stands (the server ignores it later).
    if (detail.action === "play") message.position = player.position();
    send(message);
  });

  // --- Chat -----------------------------------------------------------------------------------

  function avatar(color, name) {
    var span = document.createElement("span");
    span.className = "avatar avatar--small avatar--c" + (parseInt(color, 10) || 0);
    span.setAttribute("aria-hidden", "true");
    span.textContent = (name || "?").charAt(0).toUpperCase();
    return span;
  }

  function systemText(message) {
    var key = "label" + message.event.charAt(0).toUpperCase() + message.event.slice(1);
    return fill(d[key] || message.event, { name: message.author, at: clock(message.position) });
  }

  function addMessage(message) {
    if (!log) return;
    var li = document.createElement("li");
    li.className = "party-chat__line party-chat__line--" + message.kind;
    li.dataset.id = message.id;
    var time = document.createElement("span");
    time.className = "party-chat__time";
    time.textContent = clock(message.position);
    if (message.kind === "system") {
      li.appendChild(time);
      var line = document.createElement("span");
      line.textContent = systemText(message);
      li.appendChild(line);
    } else {
      li.appendChild(avatar(message.color, message.author));
      var body = document.createElement("div");
      body.className = "party-chat__body";
      var head = document.createElement("p");
      head.className = "party-chat__who";
      var name = document.createElement("strong");
      name.textContent = message.author;
      head.appendChild(name);
      head.appendChild(document.createTextNode(" "));
      head.appendChild(time);
      body.appendChild(head);
      var text = document.createElement("p");
      text.className = "party-chat__text";
      if (message.deleted) {
        text.textContent = d.labelDeleted;
        li.classList.add("is-deleted");
      } else if (message.kind === "voice" && message.voice_url) {
        var audio = document.createElement("audio");
        audio.controls = true;
        audio.preload = "none";
        audio.src = message.voice_url;
        audio.setAttribute("aria-label", d.labelVoice);
        text.appendChild(audio);
      } else {
        text.innerHTML = message.html; // escaped by the server; no links are made
      }
      body.appendChild(text);
      li.appendChild(body);
      if (isHost && !message.deleted) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "party-chat__delete";
        remove.textContent = d.labelDelete;
        remove.addEventListener("click", function () { send({ type: "delete", id: message.id }); });
        li.appendChild(remove);
      }
    }
    log.appendChild(li);
    while (log.children.length > 200) log.removeChild(log.firstChild);
    if (message.kind !== "system" && message.member === me) pinned = true; // my own line shows
    if (pinned) log.scrollTop = log.scrollHeight;
  }

  // The newest line stays in view while the reader is at the bottom, also when the panel
  // around the log grows (the members list, a status or error line, a phone's keyboard):
  // the last line was cut off under them. Scrolling up to read stops the following.
  var pinned = true;
  if (log) {
    log.addEventListener("scroll", function () {
      pinned = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    });
    if (window.ResizeObserver) {
      new window.ResizeObserver(function () {
        if (pinned) log.scrollTop = log.scrollHeight;
      }).observe(log);
    }
  }

  function markDeleted(id) {
    var li = log && log.querySelector('[data-id="' + id + '"]');
    if (!li) return;
    li.classList.add("is-deleted");
    var text = li.querySelector(".party-chat__text");
    if (text) text.textContent = d.labelDeleted;
    var remove = li.querySelector(".party-chat__delete");
    if (remove) remove.remove();
  }

  function renderMembers(members) {
    if (!membersList) return;
    membersList.textContent = "";
    members.forEach(function (member) {
      var li = document.createElement("li");
      li.className = "party-chat__member" + (member.online ? " is-online" : "");
      li.appendChild(avatar(member.color, member.name));
      var name = document.createElement("span");
      name.textContent = member.name + (member.stepped_out ? " ⏸" : "");
      li.appendChild(name);
      li.title = member.name;
      membersList.appendChild(li);
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = (input.value || "").trim();
      if (!body) return;
      if (closedForGood || !socket || socket.readyState !== WebSocket.OPEN) {
        // Never clear a line that cannot go anywhere: it stays in the box to send later.
        showError(closedForGood ? statusLine.textContent : d.labelNotSent);
        return;
      }
      send({ type: "chat", body: body });
      input.value = "";
    });
  }

  // --- Reactions and voice --------------------------------------------------------------------

  Array.prototype.forEach.call(box.querySelectorAll("[data-react]"), function (button) {
    button.addEventListener("click", function () {
      send({ type: "reaction", emoji: button.dataset.react });
    });
  });

  function float(emoji) {
    if (!floats) return;
    var item = document.createElement("span");
    item.className = "party-reactions__item party-reactions__item--" + Math.floor(Math.random() * 5);
    item.textContent = emoji;
    floats.appendChild(item);
    window.setTimeout(function () { item.remove(); }, 3000);
  }

  // The floating emoji is only seen (aria-hidden): a screen reader hears who reacted, in words,
  // politely, in the page's live region (QA13: reactions were silent for it).
  var reactionNames = {};
  try {
    reactionNames = JSON.parse(document.getElementById("party-reaction-names").textContent);
  } catch (e) { /* the emoji itself is said then */ }
  var reactionSaid = null;
  function sayReaction(message) {
    var region = document.getElementById("a11y-status");
    if (!region) return;
    var mine = message.member !== undefined && String(message.member) === String(d.me);
    var text = fill(mine ? d.labelYouReacted : d.labelReacted, {
      name: message.name,
      reaction: reactionNames[message.emoji] || message.emoji,
    });
    // The same words twice in a row are not said again unless the region changes in between.
    region.textContent = "";
    window.clearTimeout(reactionSaid);
    reactionSaid = window.setTimeout(function () { region.textContent = text; }, 60);
  }

  var voiceButton = box.querySelector("[data-voice]");
  var recorder = null;
  if (voiceButton && window.MediaRecorder && navigator.mediaDevices) {
    var idleLabel = voiceButton.textContent;
    var started = 0;
    voiceButton.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") {
        recorder.stop();
        return;
      }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (e) { if (e.data.size) chunks.push(e.data); });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          voiceButton.textContent = idleLabel;
          var seconds = Math.min(parseInt(d.voiceSeconds, 10) || 15, (Date.now() - started) / 1000);
          var blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
          var data = new FormData();
          data.append("audio", blob, "voice.webm");
          data.append("seconds", seconds.toFixed(1));
          fetch(d.voiceUrl, {
            method: "POST",
            body: data,
            credentials: "same-origin",
            headers: { "X-CSRFToken": d.csrf },
          }).then(function (response) {
            if (!response.ok) return response.json().then(function (a) { showError(a.error); });
          }).catch(function () { /* the next attempt says more */ });
        });
        started = Date.now();
        recorder.start();
        voiceButton.textContent = d.labelRecording;
        window.setTimeout(function () {
          if (recorder && recorder.state === "recording") recorder.stop();
        }, (parseInt(d.voiceSeconds, 10) || 15) * 1000);
      }, function () { voiceButton.disabled = true; });
    });
  } else if (voiceButton) {
    voiceButton.hidden = true; // this browser cannot record
  }

  // --- Step out / catch up --------------------------------------------------------------------

  if (stepOut && catchUp) {
    stepOut.addEventListener("click", function () {
      steppedOut = true;
      player.setRate(1);
      player.pause();
      stepOut.hidden = true;
      catchUp.hidden = false;
      send({ type: "step", out: true });
    });
    catchUp.addEventListener("click", function () {
      steppedOut = false;
      stepOut.hidden = false;
      catchUp.hidden = true;
      send({ type: "step", out: false });
      follow();
    });
  }

  // --- The socket -----------------------------------------------------------------------------

  function handle(message) {
    switch (message.type) {
      case "welcome":
        me = message.me;
        isHost = message.host;
        hostOnly = message.host_only;
        // The history (up to 200 lines, again after each reconnect) is filled in silently: a
        // screen reader announces the lines that arrive after it, not the whole log each time.
        if (log) {
          log.removeAttribute("aria-live");
          log.textContent = "";
        }
        (message.messages || []).forEach(addMessage);
        if (log) window.setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 0);
        renderMembers(message.members || []);
        offset = message.server - Date.now(); // a first guess until the pongs arrive
        state = null;
        if (ownSeek) window.clearTimeout(ownSeek.timer);
        ownSeek = null; // the welcome's state is the group's now, whatever became of my seek
        held = null;
        if (!joinedOnce && message.state && message.state.status === "playing") {
          // Joining a playing group (SyncPlay's "waiting"): everyone holds for a moment while
          // this player gets to the group's position, then the group plays on together.
          send({ type: "command", action: "buffering", seq: nextSeq() });
          window.setTimeout(function () {
            send({ type: "command", action: "ready", seq: nextSeq() });
          }, 300);
        }
        joinedOnce = true; // a reconnect rejoins quietly: nobody else notices a blip
        applyState(message.state);
        pingBurst();
        box.dataset.connected = "1";
        break;
      case "pong": onPong(message); break;
      case "state": onState(message); break;
      case "ignored":
        if (message.reason === "not_allowed") say(d.labelHostOnly);
        if (ownSeek && message.seq === ownSeek.seq) settle(message.state || null);
        else if (message.state) onState({ state: message.state });
        follow();
        break;
      case "members": renderMembers(message.members || []); break;
      case "chat": addMessage(message.message); break;
      case "deleted": markDeleted(message.id); break;
      case "reaction": float(message.emoji); sayReaction(message); break;
      case "control": hostOnly = message.host_only; break;
      case "error":
        showError(message.message);
        // A refused line (too fast, too long) comes back to the box instead of vanishing.
        if (typeof message.body === "string" && input && !input.value) input.value = message.body;
        break;
      case "ended": closeForGood(d.labelEnded, true); break;
      case "removed": closeForGood(d.labelRemoved, false); break;
      case "refused": closeForGood(message.message, false); break;
      default: break;
    }
  }

  // The party is over for this member: the player becomes their own (play, pause and seek
  // act here and save their own place), the party's controls go, and after an ending the
  // way on is offered. Before, the page stayed as it was: Play did nothing and a chat line
  // vanished without a word.
  function closeForGood(text, offerSolo) {
    closedForGood = true;
    steppedOut = true;
    player.setRate(1);
    player.pause();
    say(text);
    box.classList.add("is-closed");
    box.dataset.status = "closed";
    if (stepOut) stepOut.hidden = true;
    if (catchUp) catchUp.hidden = true;
    Array.prototype.forEach.call(
      box.querySelectorAll("[data-chat-form] input, [data-chat-form] button, [data-react], [data-voice]"),
      function (control) { control.disabled = true; }
    );
    if (soloLink && offerSolo) soloLink.hidden = false;
  }

  function connect() {
    if (socket && socket.readyState <= 1) return; // already connecting or open
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + d.socket);
    socket.addEventListener("open", function () {
      retries = 0;
      box.classList.remove("is-offline");
    });
    socket.addEventListener("message", function (event) {
      try {
        handle(JSON.parse(event.data));
      } catch (e) { /* one bad message must not stop the party */ }
    });
    socket.addEventListener("close", function () {
      if (closedForGood) return;
      // A blip or a closed lid: come back to the same party and its current state.
      box.classList.add("is-offline");
      box.dataset.connected = "0";
      say(d.labelReconnecting);
      retries += 1;
      window.setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retries)));
    });
  }

  pingTimer = window.setInterval(ping, PING_EVERY);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && socket && socket.readyState > 1 && !closedForGood) {
      connect();
    }
  });
  connect();
})();
