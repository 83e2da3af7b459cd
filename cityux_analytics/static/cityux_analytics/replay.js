/*
 * CityUX session replay: the recorder glue, loaded by tracker.js only when the site enables replay.
 *
 * Records the page with rrweb (vendored and pinned: vendor/rrweb/record.min.js) and masks it here,
 * in the browser, before any event leaves it: every input value, the text of `[data-cityux-mask]`,
 * e-mail addresses and phone numbers in any text or label, and nothing at all of
 * `[data-cityux-block]`.
 *
 * The tag's `data-replay-mask` adds the site's own selectors to `[data-cityux-mask]`, and
 * `data-replay-strict` masks all text of the page, not only what looks private.
 *
 * Modes (the tracker tag's `data-replay-mode`):
 * - "buffer": keep the last minute in memory; upload it only once the visit shows frustration
 *   (rage clicks, or a script error right after a click), then keep uploading for the session.
 * - "sample": record `data-replay-sample` percent of sessions and upload from the start.
 *
 * An upload is {v: 1, sid, seq, events} POSTed to the tag's `data-replay` URL (at most 256 KB).
 * A failed upload (network, 429 or 5xx) is retried with backoff; the server stores each
 * (session, seq) once, so a retry never duplicates.
 */
(() => {
  "use strict";

  const doc = document;
  const nav = navigator;
  const me = doc.currentScript;
  const tag = doc.querySelector("script[data-replay]");
  if (!me || !tag || window.cityuxReplay) return;
  if (nav.globalPrivacyControl === true || nav.doNotTrack === "1") return;
  window.cityuxReplay = true;

  const config = tag.dataset;
  const uploadUrl = config.replay;
  const SESSION_KEY = "cityux.session";
  const REPLAY_KEY = "cityux.replay";
  // A full snapshot every 30 s and two of them kept: the buffer always starts with one.
  const CHECKOUT_MS = 30 * 1000;
  const BUFFERED_CHECKOUTS = 2;
  const UPLOAD_EVERY_MS = 5000;
  // The server takes 256 KB per upload; leave room for the envelope.
  const MAX_CHUNK_BYTES = 255 * 1024;
  const MAX_CHUNK_EVENTS = 5000;
  // Browsers refuse keepalive requests and beacons above 64 KB in flight.
  const KEEPALIVE_BYTES = 60 * 1024;
  const RAGE_CLICKS = 3;
  const RAGE_GAP_MS = 1000;
  const RAGE_DISTANCE_PX = 30;
  const ERROR_AFTER_CLICK_MS = 1000;

  const RETRIES = 4;
  const RETRY_MS = 2000;

  /** The site's extra mask selectors, each checked: a selector the browser rejects is left out. */
  const validSelectors = (json) => {
    let list = [];
    try {
      list = JSON.parse(json || "[]");
    } catch (error) {}
    return list.filter((selector) => {
      try {
        return typeof selector === "string" && selector && (doc.querySelector(selector), true);
      } catch (error) {
        return false;
      }
    });
  };
  const MASK = ["[data-cityux-mask]"].concat(validSelectors(config.replayMask)).join(",");
  const STRICT = config.replayStrict === "1";
  const FIELD_TAG = /^(input|textarea|select|option)$/i;
  // Attributes that carry words a person may have written; rrweb masks none of them itself.
  // `value` too: rrweb's maskAllInputs leaves hidden inputs (a CSRF token, a form's "next").
  const WORDY_ATTRIBUTE =
    /^(placeholder|title|alt|aria-label|aria-description|aria-valuetext|href|value)$/;
  const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[a-z]{2,}/gi;
  const PHONE_LIKE = /\+?\(?\d[\d\s()./-]{5,}\d/g;
  const ISO_DATE = /^\d{4}-\d\d-\d\d$/;

  const encoder = new TextEncoder();
  let record;
  let live = false;
  let buffered = [[]];
  let queue = [];

  // ---- masking ----

  const maskAll = (text) => text.replace(/\S/g, "*");

  const scrub = (text) =>
    text
      .replace(EMAIL, maskAll)
      .replace(PHONE_LIKE, (run) =>
        run.replace(/\D/g, "").length >= 7 && !ISO_DATE.test(run) ? maskAll(run) : run,
      );

  // rrweb records links absolute: "#main" becomes this page's address, query included. Queries
  // carry what the page address never keeps (search terms, tokens), so links lose theirs too.
  const withoutQuery = (href) => href.replace(/\?[^#]*/, "");

  const insideMask = (element) => !!(element && element.closest && element.closest(MASK));

  // rrweb calls this for every text node (maskTextSelector "*"), with the node's parent element.
  const maskText = (text, element) => (STRICT || insideMask(element) ? maskAll(text) : scrub(text));

  const maskAttributes = (attributes, tagName, masked) => {
    for (const name in attributes) {
      const value = attributes[name];
      if (typeof value !== "string" || !WORDY_ATTRIBUTE.test(name)) continue;
      const whole =
        STRICT || masked || name === "placeholder" || (name !== "href" && FIELD_TAG.test(tagName));
      attributes[name] = whole ? maskAll(value) : scrub(name === "href" ? withoutQuery(value) : value);
    }
  };

  /** Mask the attributes of a serialized node and its descendants (rrweb's node format). */
  const maskTree = (node, masked) => {
    if (!node) return;
    if (node.type === 2 && node.attributes) {
      const element = record && record.mirror.getNode(node.id);
      const matches = element && element.matches ? element.matches(MASK) : false;
      masked = masked || matches || "data-cityux-mask" in node.attributes;
      maskAttributes(node.attributes, node.tagName, masked);
    }
    (node.childNodes || []).forEach((child) => maskTree(child, masked));
  };

  const nodeOf = (id) => record.mirror.getNode(id);

  /** What rrweb does not mask by itself: attributes, and the page address. */
  const maskEvent = (event) => {
    const data = event.data;
    if (event.type === 4 && data.href) {
      // Meta: the address without query or fragment, where tokens and e-mails hide.
      data.href = scrub(location.origin + location.pathname);
    } else if (event.type === 2) {
      maskTree(data.node, false);
    } else if (event.type === 3 && data.source === 0) {
      (data.adds || []).forEach((add) => maskTree(add.node, insideMask(nodeOf(add.parentId))));
      (data.attributes || []).forEach((change) => {
        const element = nodeOf(change.id);
        maskAttributes(change.attributes, element ? element.localName : "", insideMask(element));
      });
    }
    return event;
  };

  // ---- session: the tracker's id, and our upload numbering within it ----

  const trackerSessionId = () => {
    try {
      return JSON.parse(sessionStorage.getItem(SESSION_KEY)).id;
    } catch (error) {
      return null;
    }
  };

  const loadState = () => {
    let state;
    try {
      state = JSON.parse(sessionStorage.getItem(REPLAY_KEY));
    } catch (error) {}
    const sid = trackerSessionId();
    return state && state.sid === sid ? state : { sid, seq: 0, live: false };
  };

  const saveState = (state) => {
    try {
      sessionStorage.setItem(REPLAY_KEY, JSON.stringify(state));
    } catch (error) {}
  };

  // ---- uploads ----

  /** Split events into uploads under the server's limits; one event above them cannot go. */
  const chunksOf = (events) => {
    const chunks = [];
    let chunk = [];
    let bytes = 0;
    events.forEach((event) => {
      const size = encoder.encode(JSON.stringify(event)).length + 1;
      if (size > MAX_CHUNK_BYTES) return;
      if (chunk.length && (bytes + size > MAX_CHUNK_BYTES || chunk.length >= MAX_CHUNK_EVENTS)) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(event);
      bytes += size;
    });
    if (chunk.length) chunks.push(chunk);
    return chunks;
  };

  const post = (body, leaving, attempt = 0) => {
    if (leaving && body.length < KEEPALIVE_BYTES) {
      try {
        if (nav.sendBeacon(uploadUrl, new Blob([body], { type: "application/json" }))) return;
      } catch (error) {}
    }
    fetch(uploadUrl, {
      method: "POST",
      body,
      keepalive: body.length < KEEPALIVE_BYTES,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
    })
      .then((response) => {
        if (response.status === 429 || response.status >= 500) throw new Error(response.status);
      })
      .catch(() => {
        // Again 2 s, 4 s, 8 s and 16 s later; then the upload is given up.
        if (attempt < RETRIES) setTimeout(() => post(body, false, attempt + 1), RETRY_MS * 2 ** attempt);
      });
  };

  const upload = (leaving) => {
    const events = queue;
    queue = [];
    const state = loadState();
    if (!events.length || !state.sid) return;
    chunksOf(events).forEach((chunk) => {
      const body = encoder.encode(JSON.stringify({ v: 1, sid: state.sid, seq: state.seq++, events: chunk }));
      saveState(state);
      post(body, leaving);
    });
  };

  // ---- buffer, and going live on frustration ----

  const onEvent = (event, isCheckout) => {
    maskEvent(event);
    if (live) {
      queue.push(event);
    } else {
      if (isCheckout) {
        buffered.push([]);
        if (buffered.length > BUFFERED_CHECKOUTS) buffered.shift();
      }
      buffered[buffered.length - 1].push(event);
    }
  };

  const goLive = () => {
    if (live) return;
    live = true;
    queue = buffered.flat().concat(queue);
    buffered = [];
    saveState(Object.assign(loadState(), { live: true }));
    upload(false);
  };

  const onFrustration = (kind) => {
    if (record) record.addCustomEvent("cityux-frustration", { kind });
    goLive();
  };

  let rageRun = [];
  let lastClickAt = -Infinity;

  const onClick = (domEvent) => {
    const now = Date.now();
    const click = { at: now, x: domEvent.clientX, y: domEvent.clientY };
    const first = rageRun[0];
    const previous = rageRun[rageRun.length - 1];
    const near = first && Math.hypot(click.x - first.x, click.y - first.y) < RAGE_DISTANCE_PX;
    rageRun = previous && now - previous.at < RAGE_GAP_MS && near ? rageRun.concat(click) : [click];
    lastClickAt = now;
    if (rageRun.length >= RAGE_CLICKS) {
      rageRun = [];
      onFrustration("rage_click");
    }
  };

  const onError = () => {
    if (Date.now() - lastClickAt < ERROR_AFTER_CLICK_MS) onFrustration("error_click");
  };

  // ---- start ----

  const sampled = () => {
    const sid = trackerSessionId() || "";
    // Characters 4-8 of the random id: independent of the tracker's own sampling (0-4).
    return (parseInt(sid.slice(4, 8), 16) / 65536) * 100 < parseFloat(config.replaySample);
  };

  const start = () => {
    const rrweb = window.rrwebRecord;
    if (!rrweb || !trackerSessionId()) return;
    record = rrweb.record;
    live = config.replayMode === "sample" || loadState().live;
    record({
      emit: onEvent,
      checkoutEveryNms: CHECKOUT_MS,
      maskAllInputs: true,
      maskTextSelector: "*",
      maskTextFn: maskText,
      blockSelector: "[data-cityux-block]",
      slimDOMOptions: { script: true, comment: true },
      recordCanvas: false,
      collectFonts: false,
      inlineImages: false,
      sampling: { input: "last" },
    });
    const listen = (type, handler, target = window) =>
      target.addEventListener(type, handler, { capture: true, passive: true });
    listen("click", onClick);
    addEventListener("error", onError);
    addEventListener("unhandledrejection", onError);
    listen("pagehide", () => live && upload(true));
    listen("visibilitychange", () => live && doc.visibilityState === "hidden" && upload(true), doc);
    setInterval(() => live && upload(false), UPLOAD_EVERY_MS);
  };

  if (config.replayMode === "sample" && !sampled()) return;
  const recorder = doc.createElement("script");
  recorder.src = new URL("vendor/rrweb/record.min.js", me.src).href;
  recorder.onload = start;
  doc.head.append(recorder);
})();
