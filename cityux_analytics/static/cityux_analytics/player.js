/*
 * CityUX replay player: loads a session's events and plays them with the vendored rrweb-player.
 *
 * rrweb's Replayer rebuilds the recorded page inside its own iframe with
 * sandbox="allow-same-origin" (no allow-scripts) and turns recorded <script> elements into
 * inert ones, so nothing the resident's page contained can run in the admin.
 *
 * A page the recorder left out (a "cityux-blocked" event: a page about the resident) is covered
 * by a placeholder from that moment until the next recorded page (its Meta event).
 */
(() => {
  "use strict";

  const root = document.querySelector("[data-cityux-replay]");
  const target = root && root.querySelector("[data-replay-target]");
  if (!target) return;
  const status = root.querySelector("[data-replay-status]");
  const markers = JSON.parse(document.getElementById("cityux-replay-markers").textContent);

  const placeholder = root.querySelector("[data-replay-blocked]");
  const BLOCKED = "cityux-blocked";

  /** [from, to) offsets (ms) during which the resident was on a page that was not recorded. */
  const blockedSpans = (events) => {
    const start = events[0].timestamp;
    const spans = [];
    events.forEach((event) => {
      const open = spans.length && spans[spans.length - 1].to === Infinity;
      if (event.type === 5 && event.data && event.data.tag === BLOCKED) {
        if (!open) spans.push({ from: event.timestamp - start, to: Infinity });
      } else if (event.type === 4 && open) {
        spans[spans.length - 1].to = event.timestamp - start;
      }
    });
    return spans;
  };

  const showPlaceholder = (shown) => {
    if (placeholder) placeholder.hidden = !shown;
  };

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const clock = (ms) => {
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  };

  const addMarker = (track, offset, duration, label, onClick, extraClass) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `cityux-replay__marker${extraClass ? ` ${extraClass}` : ""}`;
    button.style.left = `${(100 * Math.min(offset, duration)) / duration}%`;
    button.title = `${label} (${clock(offset)})`;
    button.setAttribute("aria-label", `Jump to ${label} at ${clock(offset)}`);
    button.addEventListener("click", onClick);
    track.append(button);
    return button;
  };

  const play = (events) => {
    const library = window.rrwebPlayer;
    const Player = library && (library.Player || library.default);
    if (events.length && !events.some((event) => event.type === 2)) {
      // Nothing but pages that were left out: there is no page to rebuild.
      showPlaceholder(true);
      say("Every page of this session was left out of the recording.");
      root.dataset.replayReady = "true";
      return;
    }
    if (!Player || events.length < 2) {
      say("This replay has too few events to play.");
      return;
    }
    const width = Math.min(target.clientWidth || 1024, 1024);
    const player = new Player({
      target,
      props: {
        events,
        width,
        height: Math.round((width * 9) / 16),
        autoPlay: false,
        UNSAFE_replayCanvas: false,
        tags: { "cityux-frustration": "#cd4444" },
      },
    });
    const duration = Math.max(1, events[events.length - 1].timestamp - events[0].timestamp);
    const track = root.querySelector("[data-replay-markers]");
    markers.forEach((marker) => {
      addMarker(track, marker.offset, duration, marker.label, () => player.goto(marker.offset, false));
    });
    const spans = blockedSpans(events);
    spans.forEach((span) => {
      const jump = () => player.goto(span.from, false);
      const button = addMarker(track, span.from, duration, "a page not recorded", jump, "cityux-replay__marker--blocked");
      button.dataset.replayBlockedMarker = "";
    });
    const update = (offset) => showPlaceholder(spans.some((span) => span.from <= offset && offset < span.to));
    player.addEventListener("ui-update-current-time", (detail) => update(detail.payload));
    update(0);
    root.querySelectorAll("[data-replay-jump]").forEach((button) => {
      button.disabled = false;
      button.addEventListener("click", () => player.goto(Number(button.dataset.replayJump), false));
    });
    say("");
    root.dataset.replayReady = "true";
  };

  fetch(root.dataset.eventsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then(play)
    .catch(() => say("The replay could not be loaded."));
})();
