/*
 * CityUX session replay: the recorder glue, loaded by tracker.js only when the site enables replay.
 *
 * Records the page with rrweb (vendored and pinned: vendor/rrweb/record.min.js) and masks it here,
 * in the browser, before any event leaves it.
 *
 * Strict masking (`data-replay-strict`, the default) masks every text node and every wordy
 * attribute (title, alt, aria-label, placeholder, link addresses, data-*) of the page, except in
 * the regions the site marks as its own content: `[data-cityux-unmask]`, the selectors of
 * `data-replay-unmask`, or the whole page with `data-replay-unmask-page`. Without it, only what
 * looks private is masked. Always: every input value and the text of form fields, which boxes
 * are ticked and which options chosen, the text of `[data-cityux-mask]` and the selectors of
 * `data-replay-mask` (even inside an unmask region), e-mail addresses and phone numbers, and
 * nothing at all of `[data-cityux-block]`.
 *
 * A page about the resident (`data-replay-block` from the server, or `data-cityux-block` on
 * <html> or <body>) is not recorded: rrweb is not even loaded, and a live recording gets one
 * "cityux-blocked" event instead, which the player shows as a placeholder.
 *
 * Modes (the tracker tag's `data-replay-mode`):
 * - "buffer": keep the last minute in memory; upload it only once the visit shows frustration
 *   (rage clicks, or a script error right after a click), then keep uploading for the session.
 * - "sample": record `data-replay-sample` percent of sessions and upload from the start.
 *
 * An upload is {v: 1, sid, seq, events} POSTed to the tag's `data-replay` URL (at most 256 KB).
 * A failed upload (network, 429 or 5xx) is retried with backoff; the server stores each
 * (session, seq) once, so a retry never duplicates. A 410 Gone (the resident deleted their data)
 * or the tracker's `cityux:forgotten` event stops the recording and drops what was not sent.
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
  const UNMASK = ["[data-cityux-unmask]"]
    .concat(validSelectors(config.replayUnmask), config.replayUnmaskPage === "1" ? ["html"] : [])
    .join(",");
  const STRICT = config.replayStrict === "1";
  const BLOCKED_PAGE =
    config.replayBlock === "1" || !!doc.querySelector("html[data-cityux-block], body[data-cityux-block]");
  const FIELD_TAG = /^(input|textarea|select|option)$/i;
  // Attributes that carry words a person may have written; rrweb masks none of them itself.
  const WORDY_ATTRIBUTE = /^(placeholder|title|alt|aria-label|aria-description|aria-valuetext|href|data-.*)$/;
  // Only a link's address can say what a resident looked at; a stylesheet's cannot.
  const LINK_TAG = /^(a|area)$/i;
  const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[a-z]{2,}/gi;
  const PHONE_LIKE = /\+?\(?\d[\d\s()./-]{5,}\d/g;
  const ISO_DATE = /^\d{4}-\d\d-\d\d$/;

  const encoder = new TextEncoder();
  let record;
  let stopRecording = null;
  let stopped = false;
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

  const inside = (element, selector) => !!(element && element.closest && element.closest(selector));

  /** Whether the words in and under `element` are masked: a mask region always, an unmask region
   * never (strict), everything else in strict mode. A detached element is masked (strict). */
  const isMasked = (element) => inside(element, MASK) || (STRICT && !inside(element, UNMASK));

  // rrweb calls this for every text node (maskTextSelector "*"), with the node's parent element.
  // A form field's text is its value (textarea, option): masked even in an unmask region.
  const maskText = (text, element) =>
    isMasked(element) || (element && FIELD_TAG.test(element.localName)) ? maskAll(text) : scrub(text);

  const maskAttributes = (attributes, tagName, masked) => {
    // rrweb's maskAllInputs leaves hidden inputs alone: tokens and ids hide there.
    if (attributes.type === "hidden" && typeof attributes.value === "string") {
      attributes.value = maskAll(attributes.value);
    }
    for (const name in attributes) {
      const value = attributes[name];
      // A ticked box or chosen option is an answer, like a typed value.
      if (name === "checked" || name === "selected") {
        delete attributes[name];
        continue;
      }
      if (typeof value !== "string" || !WORDY_ATTRIBUTE.test(name)) continue;
      if (name === "href" && !LINK_TAG.test(tagName || "")) continue;
      const whole = masked || name === "placeholder" || (name !== "href" && FIELD_TAG.test(tagName));
      attributes[name] = whole ? maskAll(value) : scrub(name === "href" ? withoutQuery(value) : value);
    }
  };

  const nodeOf = (id) => record.mirror.getNode(id);

  /** Mask the attributes of a serialized node and its descendants (rrweb's node format);
   * `masked` is the parent's state, used when the element is no longer in the page. */
  const maskTree = (node, masked) => {
    if (!node) return;
    if (node.type === 2 && node.attributes) {
      const element = nodeOf(node.id);
      masked = (element ? isMasked(element) : masked) || "data-cityux-mask" in node.attributes;
      maskAttributes(node.attributes, node.tagName, masked);
    }
    (node.childNodes || []).forEach((child) => maskTree(child, masked));
  };

  const maskedAt = (id) => {
    const element = nodeOf(id);
    return element ? isMasked(element) : STRICT;
  };

  /** What rrweb does not mask by itself: attributes, and the page address. */
  const maskEvent = (event) => {
    const data = event.data;
    if (event.type === 4 && data.href) {
      // Meta: the address without query or fragment, where tokens and e-mails hide; and how
      // this page is masked, so the player can say it.
      data.href = scrub(location.origin + location.pathname);
      data.cityuxMasking = STRICT ? "strict" : "private_only";
    } else if (event.type === 2) {
      maskTree(data.node, STRICT);
    } else if (event.type === 3 && data.source === 5) {
      // Input: rrweb masks the value (maskAllInputs) but not which box is ticked.
      data.isChecked = false;
    } else if (event.type === 3 && data.source === 0) {
      (data.adds || []).forEach((add) => maskTree(add.node, maskedAt(add.parentId)));
      (data.attributes || []).forEach((change) => {
        const element = nodeOf(change.id);
        maskAttributes(change.attributes, element ? element.localName : "", maskedAt(change.id));
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
        if (response.status === 410) return stopped || dispatchEvent(new Event("cityux:forgotten"));
        if (response.status === 429 || response.status >= 500) throw new Error(response.status);
      })
      .catch(() => {
        // Again 2 s, 4 s, 8 s and 16 s later; then the upload is given up.
        if (attempt < RETRIES) setTimeout(() => post(body, false, attempt + 1), RETRY_MS * 2 ** attempt);
      });
  };

  const upload = (leaving) => {
    if (stopped) return;
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
    if (stopped) return;
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
    if (live || stopped) return;
    live = true;
    queue = buffered.flat().concat(queue);
    buffered = [];
    saveState(Object.assign(loadState(), { live: true }));
    upload(false);
  };

  /** The session was deleted: record nothing more on this page, and send nothing kept. */
  const stop = () => {
    stopped = true;
    live = false;
    queue = [];
    buffered = [[]];
    if (stopRecording) stopRecording();
    try {
      sessionStorage.removeItem(REPLAY_KEY);
    } catch (error) {}
  };
  addEventListener("cityux:forgotten", stop);

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
    if (stopped) return;
    stopRecording = record({
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

  /** A page about the resident: a live recording says only that a page was left out here. */
  const leaveOut = () => {
    live = config.replayMode === "sample" || loadState().live;
    if (!live) return;
    queue.push({ type: 5, data: { tag: "cityux-blocked", payload: {} }, timestamp: Date.now() });
    upload(false);
  };

  if (config.replayMode === "sample" && !sampled()) return;
  if (BLOCKED_PAGE) {
    leaveOut();
    return;
  }
  const recorder = doc.createElement("script");
  recorder.src = new URL("vendor/rrweb/record.min.js", me.src).href;
  recorder.onload = start;
  doc.head.append(recorder);
})();
