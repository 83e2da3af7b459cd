/*
 * CityUX replay player: loads a session's events and plays them with the vendored rrweb-player.
 *
 * rrweb's Replayer rebuilds the recorded page inside its own iframe with
 * sandbox="allow-same-origin" (no allow-scripts) and turns recorded <script> elements into
 * inert ones, so nothing the resident's page contained can run in the admin.
 */
(() => {
  "use strict";

  const root = document.querySelector("[data-cityux-replay]");
  const target = root && root.querySelector("[data-replay-target]");
  if (!target) return;
  const status = root.querySelector("[data-replay-status]");
  const markers = JSON.parse(document.getElementById("cityux-replay-markers").textContent);

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const clock = (ms) => {
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  };

  const play = (events) => {
    const library = window.rrwebPlayer;
    const Player = library && (library.Player || library.default);
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
      const button = document.createElement("button");
      button.type = "button";
      button.className = "cityux-replay__marker";
      button.style.left = `${(100 * Math.min(marker.offset, duration)) / duration}%`;
      button.title = `${marker.label} (${clock(marker.offset)})`;
      button.setAttribute("aria-label", `Jump to ${marker.label} at ${clock(marker.offset)}`);
      button.addEventListener("click", () => player.goto(marker.offset, false));
      track.append(button);
    });
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
