/* CityUX page UX report: the click map.
 *
 * The live page sits in a frame sandboxed without scripts (so no tracker, survey or personalisation
 * script of the page runs), but of the same origin, so this script can read its DOM. For each marker
 * in <script id="cityux-clickmap-markers"> — {number, kind, label, letter, selector, signals,
 * sessions} — it finds the element with querySelector and draws a numbered outline over it.
 *
 * The frame is as tall as the page and scaled to fit the panel's width: the panel scrolls, never
 * the frame, so the markers (in a layer over the frame, not scaled) scroll with the page. The table
 * under the map says for each marker whether its element is still on the page.
 */
(function () {
  "use strict";

  const MIN_BADGE = 24;
  const MAX_BADGE = 40;
  const MAX_FRAME_HEIGHT = 20000;

  function text(panel, key, values) {
    let message = panel.dataset["text" + key] || "";
    Object.keys(values || {}).forEach(function (name) {
      message = message.replace("%(" + name + ")s", values[name]);
    });
    return message;
  }

  function readMarkers(panel) {
    const source = panel.querySelector("#cityux-clickmap-markers");
    return source ? JSON.parse(source.textContent) : [];
  }

  /** The framed document, or null if the browser would not show it (X-Frame-Options, another host). */
  function frameDocument(frame) {
    try {
      const doc = frame.contentDocument;
      return doc && doc.documentElement && doc.URL !== "about:blank" ? doc : null;
    } catch (error) {
      return null;
    }
  }

  /** Where each marker's element is: {element, box} or {problem: "missing" | "invalid" | "hidden"}. */
  function locate(doc, markers) {
    return markers.map(function (marker) {
      let element;
      try {
        element = doc.querySelector(marker.selector);
      } catch (error) {
        return { problem: "invalid" };
      }
      if (!element) {
        return { problem: "missing" };
      }
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) {
        return { problem: "hidden" };
      }
      const view = doc.defaultView;
      return {
        element: element,
        box: { left: box.left + view.scrollX, top: box.top + view.scrollY, width: box.width, height: box.height },
      };
    });
  }

  function ClickMap(panel) {
    this.panel = panel;
    this.map = panel.querySelector("[data-cityux-clickmap-map]");
    this.controls = panel.querySelector("[data-cityux-clickmap-controls]");
    this.viewport = panel.querySelector("[data-cityux-clickmap-viewport]");
    this.sizer = panel.querySelector("[data-cityux-clickmap-sizer]");
    this.stage = panel.querySelector("[data-cityux-clickmap-stage]");
    this.frame = panel.querySelector("[data-cityux-clickmap-frame]");
    this.layer = panel.querySelector("[data-cityux-clickmap-markers]");
    this.status = panel.querySelector("[data-cityux-clickmap-status]");
    this.data = panel.querySelector("[data-cityux-clickmap-data]");
    this.markers = readMarkers(panel);
    this.drawn = {};
    this.pinned = null;
    this.loaded = false;
    this.asked = datesAsked();
  }

  ClickMap.prototype.start = function () {
    const self = this;
    this.map.hidden = false;
    this.status.textContent = text(this.panel, "Loading");
    this.frame.addEventListener("load", function () {
      self.frameLoaded();
    });
    if (frameDocument(this.frame) && this.frame.contentDocument.readyState === "complete") {
      this.frameLoaded();
    }
    this.panel.querySelectorAll("input[name=cityux-clickmap-width]").forEach(function (input) {
      input.addEventListener("change", function () {
        self.draw();
      });
    });
    let resizing = false;
    window.addEventListener("resize", function () {
      if (!resizing) {
        resizing = true;
        window.requestAnimationFrame(function () {
          resizing = false;
          self.draw();
        });
      }
    });
    this.listenToTable();
    document.addEventListener("w-swap:success", function () {
      self.refresh();
    });
  };

  ClickMap.prototype.frameLoaded = function () {
    this.loaded = true;
    const doc = frameDocument(this.frame);
    if (doc) {
      // A resident whose clicks were measured had made their cookie choice: no banner for them.
      const banner = doc.getElementById("cityux-consent");
      if (banner) {
        banner.hidden = true;
      }
      if (doc.fonts) {
        doc.fonts.ready.then(this.draw.bind(this));
      }
    }
    this.draw();
  };

  ClickMap.prototype.width = function () {
    const chosen = this.panel.querySelector("input[name=cityux-clickmap-width]:checked");
    return chosen ? Number(chosen.value) : 1280;
  };

  /** Size the frame to the page (at the chosen width), scale it to the panel, place the markers. */
  ClickMap.prototype.draw = function () {
    if (!this.loaded) {
      return;
    }
    const doc = frameDocument(this.frame);
    this.layer.replaceChildren();
    this.drawn = {};
    const blocked = !doc;
    this.viewport.hidden = blocked;
    this.controls.hidden = blocked;
    if (blocked) {
      this.status.textContent = text(this.panel, "Blocked");
      this.showFindings(null);
      return;
    }
    const width = this.width();
    this.frame.style.width = width + "px";
    this.frame.style.height = "900px";
    const height = Math.min(MAX_FRAME_HEIGHT, doc.documentElement.scrollHeight);
    this.frame.style.height = height + "px";
    const scale = Math.min(1, this.viewport.clientWidth / width);
    this.stage.style.transform = "scale(" + scale + ")";
    this.sizer.style.width = width * scale + "px";
    this.sizer.style.height = height * scale + "px";
    const found = locate(doc, this.markers);
    const most = Math.max.apply(null, [1].concat(this.markers.map((marker) => marker.signals)));
    const badges = new Map(); // element -> how many markers it already has
    this.markers.forEach(function (marker, index) {
      const place = found[index];
      if (!place.box) {
        return;
      }
      const stacked = badges.get(place.element) || 0;
      badges.set(place.element, stacked + 1);
      const size = MIN_BADGE + (MAX_BADGE - MIN_BADGE) * Math.sqrt(marker.signals / most);
      this.drawn[marker.number] = this.drawMarker(marker, place.box, scale, size, stacked);
    }, this);
    this.showFindings(found);
    if (this.pinned) {
      this.highlight(this.pinned, true);
    }
  };

  ClickMap.prototype.drawMarker = function (marker, box, scale, size, stacked) {
    const outline = document.createElement("div");
    outline.className = "cityux-clickmap__marker cityux-clickmap__marker--" + marker.kind;
    outline.dataset.cityuxClickmapMarker = marker.number;
    outline.style.left = box.left * scale + "px";
    outline.style.top = box.top * scale + "px";
    outline.style.width = box.width * scale + "px";
    outline.style.height = box.height * scale + "px";
    if (box.top * scale < size + 4) {
      outline.classList.add("cityux-clickmap__marker--badge-inside");
    }
    const badge = document.createElement("span");
    badge.className = "cityux-clickmap__badge cityux-clickmap__badge--" + marker.kind;
    badge.style.setProperty("--cityux-badge-size", Math.round(size) + "px");
    badge.style.setProperty("--cityux-badge-shift", stacked);
    badge.textContent = marker.number + marker.letter;
    badge.title = text(this.panel, "Marker", {
      number: marker.number,
      kind: marker.label,
      selector: marker.element || marker.selector,
      signals: marker.signals,
      sessions: marker.sessions,
    });
    outline.appendChild(badge);
    this.layer.appendChild(outline);
    return outline;
  };

  /** Fill the table's "On the page now" column and say in the status line what was found. */
  ClickMap.prototype.showFindings = function (found) {
    const self = this;
    let marked = 0;
    let missing = 0;
    this.markers.forEach(function (marker, index) {
      const row = self.data.querySelector('[data-cityux-clickmap-row="' + marker.number + '"]');
      const cell = row && row.querySelector("[data-cityux-clickmap-found]");
      if (!cell) {
        return;
      }
      const place = found && found[index];
      cell.replaceChildren();
      if (!place) {
        cell.textContent = text(self.panel, "Unchecked");
        return;
      }
      if (!place.box) {
        missing += place.problem === "missing" ? 1 : 0;
        cell.textContent = text(self.panel, place.problem.charAt(0).toUpperCase() + place.problem.slice(1));
        return;
      }
      marked += 1;
      cell.append(text(self.panel, "Found") + " ");
      const show = document.createElement("button");
      show.type = "button";
      show.className = "button button-small button-secondary";
      show.textContent = text(self.panel, "Show", { number: marker.number });
      show.dataset.cityuxClickmapShow = marker.number;
      cell.appendChild(show);
    });
    if (found && this.markers.length) {
      this.status.textContent = text(this.panel, "Summary", {
        marked: marked,
        total: this.markers.length,
        missing: missing,
      });
    } else if (found) {
      this.status.textContent = "";
    }
  };

  ClickMap.prototype.highlight = function (number, on) {
    const marker = this.drawn[number];
    if (marker) {
      marker.classList.toggle("is-highlighted", on || this.pinned === number);
    }
  };

  /** Pointing at or focusing a row lights its marker up; its "Show" button scrolls to it. */
  ClickMap.prototype.listenToTable = function () {
    const self = this;
    function rowNumber(event) {
      const row = event.target.closest && event.target.closest("[data-cityux-clickmap-row]");
      return row ? Number(row.dataset.cityuxClickmapRow) : null;
    }
    [
      ["mouseover", true],
      ["focusin", true],
      ["mouseout", false],
      ["focusout", false],
    ].forEach(function (pair) {
      self.data.addEventListener(pair[0], function (event) {
        const number = rowNumber(event);
        if (number !== null) {
          self.highlight(number, pair[1]);
        }
      });
    });
    this.data.addEventListener("click", function (event) {
      const button = event.target.closest("[data-cityux-clickmap-show]");
      if (!button) {
        return;
      }
      const number = Number(button.dataset.cityuxClickmapShow);
      const previous = self.pinned;
      self.pinned = number;
      if (previous !== null) {
        self.highlight(previous, false);
      }
      self.highlight(number, true);
      const marker = self.drawn[number];
      if (marker) {
        const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        marker.scrollIntoView({ block: "center", inline: "center", behavior: still ? "auto" : "smooth" });
      }
    });
  };

  function datesAsked() {
    const params = new URLSearchParams(window.location.search);
    return (params.get("date_from") || "") + "|" + (params.get("date_to") || "");
  }

  /** The report's results were swapped: if for other dates, fetch this report again for them. */
  ClickMap.prototype.refresh = function () {
    const self = this;
    const asked = datesAsked();
    if (asked === this.asked) {
      return;
    }
    this.asked = asked;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        const page = new DOMParser().parseFromString(html, "text/html");
        const fresh = page.querySelector("[data-cityux-clickmap-data]");
        if (!fresh || self.asked !== asked) {
          return; // a newer change of dates is on its way
        }
        self.data.innerHTML = fresh.innerHTML;
        self.markers = readMarkers(self.panel);
        self.pinned = null;
        self.draw();
      })
      .catch(function () {
        self.status.textContent = text(self.panel, "Stale");
      });
  };

  function start() {
    document.querySelectorAll("[data-cityux-clickmap]").forEach(function (panel) {
      if (panel.querySelector("[data-cityux-clickmap-frame]")) {
        new ClickMap(panel).start();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
