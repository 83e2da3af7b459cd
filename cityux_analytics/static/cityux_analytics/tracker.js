/*
 * CityUX frustration tracker: the readable source of tracker.min.js (see README.md here).
 *
 * Plain browser JavaScript with no runtime dependency. The wire format is the one validated by
 * cityux_analytics/schema.py: a batch {v, sid, seq, events} POSTed to the `data-collect` URL.
 * Never records what a resident types or the hash of a URL. Of what they click, only a button's,
 * link's, heading's, label's or landmark's name in the page's own words (aria-label, <label>, alt,
 * a button's or link's text) and the nearest heading or landmark: never text of a form field,
 * never text inside [data-cityux-mask] or [data-cityux-block], never on a page about the resident.
 *
 * When the resident deletes their data while this page is open, the server answers the next
 * batch with 410 Gone: the tracker drops everything of that session, tells the recorder
 * (replay.js) to stop with a `cityux:forgotten` event on window, and starts a new session only
 * if analytics consent still stands. The "My data" page's delete form sends this tab's session id
 * (`input[data-cityux-session]`), and the page that confirms the deletion (`[data-cityux-forgotten]`)
 * starts a new session here and tells the site's other open tabs to end theirs.
 */
(() => {
  "use strict";

  const nav = navigator;
  const doc = document;
  const me = doc.currentScript || doc.querySelector("script[data-collect]");
  const config = me ? me.dataset : {};
  const collectUrl = config.collect;

  // The server only renders this script after consent; the browser's own "no" still wins.
  if (!collectUrl || nav.globalPrivacyControl === true || nav.doNotTrack === "1") return;

  const SESSION_KEY = "cityux.session";
  const SESSION_IDLE_MS = 30 * 60 * 1000;
  const CLICK_WINDOW_MS = 2500;
  const FLUSH_EVERY_MS = 5000;
  // A batch's JSON is measured in UTF-16 units; at most 3 bytes each keeps it under 64 KB.
  const FLUSH_AT_CHARS = 16000;
  const MAX_EVENTS = 500;
  const MAX_PENDING_BATCHES = 10;
  const MAX_ERRORS_PER_VIEW = 20;
  // tabindex="-1" only makes a container focusable by script (a skip link's <main>): not a control.
  const INTERACTIVE =
    "a,button,input,select,textarea,label,summary,[role=button],[role=link],[role=checkbox]," +
    '[role=tab],[role=menuitem],[onclick],[tabindex]:not([tabindex="-1"])';
  const FORM_FIELD =
    "input:not([type=button]):not([type=submit]):not([type=reset]):not([type=image]),select,textarea";
  const TEXT_INPUT = /^(text|search|email|tel|url|password|number)$/;
  // data-* attributes that name an element on purpose (not data-cityux-mask / -block flags).
  const NAMING_ATTRIBUTE = /^data-(testid|test-id|test|qa|cy|cityux-(?!mask$|block$)[\w-]+)$/;
  // Generated ids (ember123, :r1:) change between page loads, so they make poor selectors.
  const GENERATED_ID = /\d{3}|:/;
  const PRIVATE_KEY =
    /token|secret|passw|session|auth(?!or)|mail|phone|apikey|(^|[\W_])(key|code|sig|pwd|otp|pin|tel|sid)s?($|[\W_])/i;
  const EMAIL = /[^@\s]@[^@\s]+\.\w/;
  const PHONE_LIKE = /\+?\(?\d[\d\s()./-]{5,}\d/g;
  const REDACTED = "redacted";

  let session;
  let viewId = 0;
  let here = "";
  let queue = [];
  let queueChars = 0;
  let pending = [];
  let inFlight = null;
  let retryTimer = 0;
  let retries = 0;
  let hidden = false;
  let sentAny = false;
  let errorsThisView = 0;
  let forgotten = false;

  // ---- privacy: what a URL or a message may carry ----

  const looksLikePhone = (value) =>
    (value.match(PHONE_LIKE) || []).some((run) => {
      const digits = run.replace(/\D/g, "").length;
      return digits > 9 || (digits > 6 && /\D/.test(run) && !/^\d{4}-\d\d-\d\d$/.test(run));
    });

  const looksLikeToken = (value) =>
    /^[\da-f-]{16,}$/i.test(value) ||
    (/^[\w+/.=-]{16,}$/.test(value) && /\d/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value));

  const isPrivate = (key, value) =>
    PRIVATE_KEY.test(key) || EMAIL.test(value) || looksLikeToken(value) || looksLikePhone(value);

  /** Path and redacted query of `address` (with its origin when `withOrigin`); never the hash. */
  const scrubUrl = (address, withOrigin) => {
    let url;
    try {
      url = address && new URL(address, location.href);
    } catch (error) {}
    if (!url) return "";
    const query = new URLSearchParams();
    url.searchParams.forEach((value, key) => query.append(key, isPrivate(key, value) ? REDACTED : value));
    const search = String(query);
    const path = url.pathname.replace(/[^/]+(@|%40)[^/]+/g, REDACTED);
    return ((withOrigin ? url.origin : "") + path + (search ? "?" + search : "")).slice(0, 2048);
  };

  const scrubText = (text) =>
    text.replace(/\S+@\S+/g, REDACTED).replace(PHONE_LIKE, (run) => (looksLikePhone(run) ? REDACTED : run));

  // ---- session: id, batch numbering and page view numbering survive page loads ----

  const newSession = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    session = { id: Array.from(bytes, (byte) => (byte | 256).toString(16).slice(1)).join(""), seq: 0, view: -1 };
  };

  const saveSession = () => {
    session.seen = Date.now();
    try {
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    } catch (error) {}
  };

  const loadSession = () => {
    try {
      session = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    } catch (error) {}
    if (!session || !session.id || Date.now() - session.seen > SESSION_IDLE_MS) newSession();
    saveSession();
  };

  // A duplicated tab, or one opened by window.open, gets a copy of sessionStorage: two live tabs
  // would share the session id and batch numbers, and the server would drop one tab's batches as
  // duplicates. A page asks other live tabs whether its id is taken; if one answers before this page
  // has sent a batch, this page starts a session of its own.
  let channel;
  const claimSession = () => {
    if (!window.BroadcastChannel) return;
    channel = new BroadcastChannel("cityux.session");
    channel.onmessage = ({ data }) => {
      if (data.forgotten) forget();
      else if (data.ask == session.id) channel.postMessage({ taken: session.id });
      else if (data.taken == session.id && !sentAny) {
        // The view already queued keeps its number in the new session.
        newSession();
        session.view = viewId;
        saveSession();
      }
    };
    channel.postMessage({ ask: session.id });
  };

  // ---- batching and delivery ----

  const event = (type, fields) => Object.assign({ t: type, ts: Date.now(), vid: viewId }, fields);

  const queueEvent = (item) => {
    if (forgotten) return;
    queue.push(item);
    queueChars += JSON.stringify(item).length + 1;
    if (queueChars > FLUSH_AT_CHARS || queue.length >= MAX_EVENTS) flush();
  };

  /** Seal the queue into a numbered batch; a retried batch keeps its number. */
  const sealBatch = () => {
    if (!queue.length) return;
    sentAny = true;
    pending.push(JSON.stringify({ v: 1, sid: session.id, seq: session.seq++, events: queue }));
    queue = [];
    queueChars = 0;
    saveSession();
    if (pending.length > MAX_PENDING_BATCHES) pending.shift();
  };

  const post = (body) =>
    fetch(collectUrl, {
      method: "POST",
      body,
      keepalive: true,
      headers: { "Content-Type": "application/json" },
    });

  const send = () => {
    if (inFlight || retryTimer || !pending.length) return;
    const body = (inFlight = pending[0]);
    post(body)
      .then(
        (response) => (response.status === 410 ? GONE : response.status < 500 && response.status !== 429),
        () => false,
      )
      .then((delivered) => {
        inFlight = null;
        if (delivered === GONE) {
          forget();
        } else if (delivered) {
          // Refused batches (4xx) are dropped too: sending them again cannot help.
          pending = pending.filter((other) => other !== body);
          retries = 0;
          send();
        } else {
          const delay = (1000 * (1 + Math.random())) << Math.min(retries++, 6);
          retryTimer = setTimeout(() => {
            retryTimer = 0;
            send();
          }, delay);
        }
      });
  };

  const flush = () => {
    sealBatch();
    send();
  };

  // ---- the resident deleted their data: end the session, maybe start a new one ----

  const GONE = "gone";

  /** Whether analytics consent still stands (asked again when the tag gives a status URL). */
  const stillConsents = () =>
    config.status
      ? fetch(config.status)
          .then((response) => response.json())
          .then((status) => status.groups.analytics === true)
          .catch(() => false)
      : // Without one: the collect endpoint answers 410 only to a request that had consent.
        Promise.resolve(true);

  const forget = () => {
    if (forgotten) return;
    forgotten = true;
    queue = [];
    queueChars = 0;
    pending = [];
    openClicks.forEach(([, timer]) => clearTimeout(timer));
    openClicks = [];
    try {
      sessionStorage.removeItem(SESSION_KEY);
    } catch (error) {}
    dispatchEvent(new Event("cityux:forgotten")); // replay.js stops recording
    stillConsents().then((yes) => {
      if (!yes) return;
      newSession();
      session.view = viewId;
      saveSession();
      sentAny = false;
      forgotten = false;
    });
  };

  const beacon = (body) => {
    try {
      if (nav.sendBeacon(collectUrl, new Blob([body], { type: "application/json" }))) return;
    } catch (error) {}
    post(body).catch(() => {});
  };

  // ---- selectors: stable, short, and never built from what an element says ----

  const selectorOf = (element) => {
    const path = [];
    for (
      let depth = 0;
      element && element.localName && depth < 5 && element !== doc.body && element !== doc.documentElement;
      depth++, element = element.parentElement
    ) {
      const tag = element.localName;
      if (element.id && !GENERATED_ID.test(element.id)) {
        path.unshift("#" + CSS.escape(element.id));
        break;
      }
      const naming = Array.from(element.attributes).find((attribute) => NAMING_ATTRIBUTE.test(attribute.name));
      if (naming) {
        path.unshift(`${tag}[${naming.name}=${JSON.stringify(naming.value.slice(0, 64))}]`);
        break;
      }
      const name = element.getAttribute("name");
      let part = tag;
      if (name) {
        part += `[name=${JSON.stringify(name.slice(0, 64))}]`;
      } else if (element.parentElement) {
        const sameTag = Array.from(element.parentElement.children).filter((sibling) => sibling.localName === tag);
        if (sameTag.length > 1) part += `:nth-of-type(${sameTag.indexOf(element) + 1})`;
      }
      path.unshift(part);
    }
    return path.join(">").slice(0, 512) || "body";
  };

  // ---- names: what a clicked element is called on the page, and where it sits ----

  // Words are never read from a page about the resident (My data, resume codes, consent).
  const NAMES = config.private !== "1" && !doc.querySelector("html[data-cityux-block],body[data-cityux-block]");
  const SECRET = "[data-cityux-mask],[data-cityux-block]";
  const UNSPOKEN = SECRET + ",input,textarea,select,[contenteditable],[hidden],[aria-hidden=true]";
  const ROLES = {
    a: "link",
    button: "button",
    label: "label",
    nav: "navigation",
    main: "main",
    aside: "complementary",
    form: "form",
    section: "region",
  };
  const NAMED = /^(button|link|heading|label)$/;
  const LANDMARK = /^(navigation|main|complementary|form|region|search)$/;

  const roleOf = (element) => {
    const tag = element.localName;
    const role = element.getAttribute("role") || (/^h[1-6]$/.test(tag) ? "heading" : ROLES[tag]);
    return (tag !== "a" || element.hasAttribute("href")) && (NAMED.test(role) || LANDMARK.test(role)) ? role : "";
  };

  /** Whitespace-folded, e-mail and phone free, at most 60 characters (never half of one). */
  const words = (text) => [...scrubText((text || "").replace(/\s+/g, " ").trim())].slice(0, 60).join("");

  /** The element's own text, leaving out form fields, masked and hidden parts. */
  const textOf = (element) => {
    let text = "";
    const walker = doc.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (!walker.currentNode.parentElement.closest(UNSPOKEN)) text += walker.currentNode.data;
    return text;
  };

  // A landmark named by aria-labelledby is named by a heading inside it: contextOf finds that.
  const labelOf = (element) => element.getAttribute("aria-label");

  // Form fields have no role here, so a field's value is never read as its name.
  const nameOf = (element, role, image = element.querySelector("img[alt]")) =>
    words(
      labelOf(element) ||
        ((element.labels || [])[0] ? textOf(element.labels[0]) : "") ||
        (NAMED.test(role) ? textOf(element) || (image && image.alt) : ""),
    );

  /** [name, landmark role] of the nearest heading before `element` or named landmark around it;
   * else ["", role] of the nearest landmark around it. */
  const contextOf = (element) => {
    let landmark = "";
    for (let node = element.parentElement; node && node !== doc.documentElement; node = node.parentElement) {
      // A heading or label found here names this element, so the role said is this one's.
      const role = LANDMARK.test(roleOf(node)) ? roleOf(node) : "";
      landmark = landmark || role;
      const name = role && words(labelOf(node));
      if (name) return [name, role];
      // The last heading before the element among the children of an element around it.
      const heading = [...node.children]
        .filter(
          (child) =>
            child.matches("h1,h2,h3,h4,h5,h6,[role=heading]") &&
            !child.matches(SECRET) &&
            child.compareDocumentPosition(element) & 4,
        )
        .pop();
      if (heading) return [words(textOf(heading)), role];
    }
    return ["", landmark];
  };

  /** The click's `name`, `role`, `ctx` and `ctxr` fields, or none where words may not be read. */
  const namesOf = (element) => {
    if (!NAMES || element.closest(SECRET)) return {};
    const role = roleOf(element);
    const [ctx, ctxr] = contextOf(element);
    return { name: role ? nameOf(element, role) : "", role, ctx, ctxr };
  };

  // ---- clicks and what the page did about them ----

  let openClicks = [];
  const mutations = new MutationObserver(() => settleClicks("mutation"));

  /** Give open clicks (or just `only`) their reaction and queue them. */
  const settleClicks = (reaction, only) => {
    const now = Date.now();
    openClicks = openClicks.filter(([click, timer]) => {
      if (only && click !== only) return true;
      clearTimeout(timer);
      click.re = reaction;
      click.rms = reaction ? now - click.ts : null;
      queueEvent(click);
    });
    if (!openClicks.length) mutations.disconnect();
  };

  const clickKind = (element, tag) => {
    if (tag === "select" || tag === "canvas") return tag;
    if (tag === "textarea" || element.isContentEditable || (tag === "input" && TEXT_INPUT.test(element.type))) {
      return "text";
    }
    return tag === "a" && element.hasAttribute("href") ? "link" : "";
  };

  const onClick = (domEvent) => {
    const target = domEvent.target;
    if (!target || !target.closest) return;
    const control = target.closest(INTERACTIVE);
    const element = control || target;
    const tag = element.localName;
    const click = event("click", {
      x: Math.round(domEvent.pageX),
      y: Math.round(domEvent.pageY),
      sel: selectorOf(element),
      tag: tag.slice(0, 32),
      int: !!control,
      kind: clickKind(element, tag),
      re: "",
      rms: null,
      ...namesOf(element),
    });
    openClicks.push([click, setTimeout(() => settleClicks("", click), CLICK_WINDOW_MS)]);
    mutations.observe(doc.documentElement, { childList: true, subtree: true, attributes: true, characterData: true });
  };

  // ---- page views, including those of single-page navigation ----

  const startView = (referrer) => {
    if (Date.now() - session.seen > SESSION_IDLE_MS) {
      sealBatch();
      newSession();
    }
    viewId = session.view = Math.min(session.view + 1, 10000);
    saveSession();
    here = scrubUrl(location.href);
    errorsThisView = 0;
    deepest = 0;
    queueEvent(event("view", { url: here, ref: referrer }));
  };

  const onRoute = () => {
    const previous = here;
    if (scrubUrl(location.href) === previous) return;
    settleClicks("navigation");
    startView(location.origin + previous);
  };

  const watchHistory = () => {
    ["pushState", "replaceState"].forEach((method) => {
      const original = history[method];
      history[method] = function () {
        const result = original.apply(this, arguments);
        onRoute();
        return result;
      };
    });
  };

  // ---- pointer thrashing, summarised per one-second window ----

  let moveWindow = null;
  let pointer = [];
  let heading = [];

  const endMoveWindow = () => {
    if (moveWindow && moveWindow.dc > 1) {
      moveWindow.dist = Math.round(moveWindow.dist);
      queueEvent(moveWindow);
    }
    moveWindow = null;
  };

  const onMouseMove = (domEvent) => {
    if (!moveWindow) {
      moveWindow = event("move", { dc: 0, dist: 0 });
      setTimeout(endMoveWindow, 1000);
    }
    const position = [domEvent.clientX, domEvent.clientY];
    position.forEach((value, axis) => {
      const delta = value - pointer[axis];
      if (!(Math.abs(delta) > 2)) return; // jitter (and the first move) says nothing
      const sign = delta > 0 ? 1 : -1;
      if (heading[axis] && heading[axis] !== sign) moveWindow.dc++;
      heading[axis] = sign;
    });
    moveWindow.dist += Math.hypot(position[0] - pointer[0], position[1] - pointer[1]) || 0;
    pointer = position;
  };

  // ---- scrolling: deepest point and changes of direction, at most every 500 ms ----

  let deepest = 0;
  let lastScrollY = scrollY;
  let scrollHeading = 0;
  let scrollTurns = 0;
  let scrollTimer = 0;

  const endScrollWindow = () => {
    if (!scrollTimer) return;
    clearTimeout(scrollTimer);
    scrollTimer = 0;
    queueEvent(event("scroll", { depth: Math.round(deepest * 100) / 100, dc: scrollTurns }));
    scrollTurns = 0;
  };

  const onScroll = (domEvent) => {
    settleClicks("scroll");
    if (domEvent.target !== doc) return;
    const delta = scrollY - lastScrollY;
    lastScrollY = scrollY;
    const sign = Math.sign(delta);
    if (sign) {
      if (scrollHeading && sign !== scrollHeading) scrollTurns++;
      scrollHeading = sign;
    }
    const depth = (scrollY + innerHeight) / doc.documentElement.scrollHeight;
    deepest = Math.max(deepest, Math.min(1, depth) || 0);
    scrollTimer = scrollTimer || setTimeout(endScrollWindow, 500);
  };

  // ---- errors, form fields, leaving ----

  const reportError = (message, source) => {
    if (errorsThisView++ < MAX_ERRORS_PER_VIEW) {
      queueEvent(event("error", { msg: scrubText(String(message)).slice(0, 500), src: source.slice(0, 500) }));
    }
  };

  const onFieldFocus = (action) => (domEvent) => {
    const field = domEvent.target;
    if (field.matches && field.matches(FORM_FIELD)) {
      queueEvent(event("field", { sel: selectorOf(field), form: field.form ? selectorOf(field.form) : "", act: action }));
    }
  };

  const onLeave = () => {
    settleClicks("navigation");
    endMoveWindow();
    endScrollWindow();
    if (!hidden) {
      hidden = true;
      queueEvent(event("hide"));
    }
    sealBatch();
    // The page may be gone in a moment: hand everything not already on its way to the browser.
    pending = pending.filter((body) => body === inFlight || beacon(body));
  };

  const start = () => {
    loadSession();
    if (doc.querySelector("[data-cityux-forgotten]")) {
      // The resident just deleted their data: nothing of the old session goes on, in any tab.
      newSession();
      saveSession();
      if (window.BroadcastChannel) new BroadcastChannel("cityux.session").postMessage({ forgotten: 1 });
    }
    claimSession();
    doc.querySelectorAll("input[data-cityux-session]").forEach((input) => (input.value = session.id));
    const sample = parseFloat(config.sample);
    // The session id is random, so its first bytes decide sampling once for the whole session.
    if (sample < 1 && parseInt(session.id.slice(0, 4), 16) / 65536 >= sample) return;

    const listen = (type, handler, target = window) =>
      target.addEventListener(type, handler, { capture: true, passive: true });
    listen("click", onClick);
    listen("mousemove", onMouseMove);
    listen("scroll", onScroll);
    listen(
      "selectionchange",
      () => {
        // A click on text moves the caret; only a real selection is a reaction.
        if (!getSelection().isCollapsed) settleClicks("selection");
      },
      doc,
    );
    listen("focusin", (domEvent) => {
      settleClicks("focus");
      onFieldFocus("focus")(domEvent);
    });
    listen("focusout", onFieldFocus("blur"));
    listen("submit", (domEvent) => queueEvent(event("submit", { form: selectorOf(domEvent.target) })));
    listen("hashchange", () => settleClicks("navigation"));
    listen("popstate", () => {
      settleClicks("navigation");
      onRoute();
    });
    addEventListener("error", (domEvent) => {
      // Failed images and scripts have no message: only script errors are reported.
      if (domEvent.message) {
        const source = domEvent.filename ? `${scrubUrl(domEvent.filename, true)}:${domEvent.lineno}:${domEvent.colno}` : "";
        reportError(domEvent.message, source);
      }
    });
    addEventListener("unhandledrejection", (domEvent) => {
      const reason = domEvent.reason;
      const where = String(reason && reason.stack).match(/https?:[^\s)]+/);
      reportError((reason && reason.message) || reason, where ? scrubUrl(where[0], true) : "");
    });
    listen("pagehide", onLeave);
    listen("pageshow", (domEvent) => {
      // Back from the back/forward cache: the resident sees the page again.
      if (domEvent.persisted) {
        hidden = false;
        startView("");
      }
    });
    listen(
      "visibilitychange",
      () => {
        if (doc.visibilityState === "hidden") onLeave();
        else hidden = false;
      },
      doc,
    );
    watchHistory();
    // The recorder learnt first (its upload got 410 Gone): this session ends too.
    addEventListener("cityux:forgotten", forget);
    setInterval(flush, FLUSH_EVERY_MS);
    startView(scrubUrl(doc.referrer, true));
    // Session replay lives in its own script (replay.js), fetched only when the site enables it.
    if (config.replay) doc.head.append(Object.assign(doc.createElement("script"), { src: config.replayScript }));
  };

  // Optionally ask the server once more, cheaply, whether consent still stands.
  if (config.status) {
    fetch(config.status)
      .then((response) => response.json())
      .then((status) => status.groups.analytics === true && start())
      .catch(() => {});
  } else {
    start();
  }
})();
