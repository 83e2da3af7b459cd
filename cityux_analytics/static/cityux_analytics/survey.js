/*
 * CityUX micro-surveys: at most one short, non-modal survey, fixed in a corner of the page.
 * Needs no analytics consent and sets no cookie; localStorage keeps only each survey's sampling
 * decision and last display. Frustration is watched locally: nothing about it is sent.
 */
(() => {
  "use strict";

  const doc = document;
  const me = doc.currentScript || doc.querySelector("script[data-active-url]");
  const config = me ? me.dataset : {};
  if (!config.activeUrl || !config.baseUrl || !window.fetch) return;

  const PATH = config.path || location.pathname;
  const STORE_KEY = "cityux.surveys";
  const PENDING_KEY = "cityux.surveys.after_submit";
  const RATINGS = ["Very poor", "Poor", "Fair", "Good", "Very good"];
  const PAIRS = {
    thumbs: [["up", "Thumbs up"], ["down", "Thumbs down"]],
    yes_no: [["yes", "Yes"], ["no", "No"]],
  };
  // Clicks that rightly change nothing on the page: typing, choosing, following a link.
  const NEEDS_NO_REACTION = "input,select,textarea,label,canvas,a[href],[contenteditable]";
  const REPORT = "[data-cityux-report-problem]";
  const FRUSTRATED_INTRO = "Having trouble? Tell us what went wrong";

  let open = null; // the survey on screen
  let autoShown = false;
  let reportSurvey = null;
  let live = null;
  let count = 0;

  // el("p.error", {id, onclick}, …) is <p class="cityux-survey__error" id=…>…</p>, listening.
  function el(spec, attributes, ...children) {
    const [tag, part] = spec.split(".");
    const node = doc.createElement(tag);
    if (part) node.className = "cityux-survey__" + part;
    for (const [name, value] of Object.entries(attributes || {})) {
      if (typeof value === "function") node.addEventListener(name.slice(2), value);
      else if (value != null && value !== false) node.setAttribute(name, value);
    }
    node.append(...children.filter((child) => child || child === 0));
    return node;
  }

  function setOrRemove(element, name, value) {
    if (value) element.setAttribute(name, value);
    else element.removeAttribute(name);
  }

  function attempt(action) {
    try {
      return action();
    } catch {
      return null;
    }
  }

  const inWidget = (node) =>
    !!(node.nodeType === 1 ? node : node.parentNode).closest(".cityux-survey,.cityux-survey-live");

  // The stored record after `change(record)`. null without localStorage: automatic surveys then
  // stay away, as their cap could not hold.
  const remember = (change = () => {}) =>
    attempt(() => {
      const record = { sampled: {}, shown: {}, ...JSON.parse(localStorage.getItem(STORE_KEY)) };
      change(record);
      localStorage.setItem(STORE_KEY, JSON.stringify(record));
      return record;
    });

  // Decided once per visitor, and again only when an editor changes the survey's rate.
  function sampledIn({ id, sample_rate: rate }) {
    const record = remember(({ sampled }) => {
      if ((sampled[id] || [])[0] !== rate) sampled[id] = [rate, Math.random() * 100 < rate];
    });
    return !!record && record.sampled[id][1];
  }

  function capped({ id, cap_days: days }) {
    const record = remember();
    return !record || Date.now() - (record.shown[id] || 0) < (days || 0) * 864e5;
  }

  const post = ({ survey, path }, what, body) =>
    fetch(`${config.baseUrl}${encodeURIComponent(survey.id)}/${what}/`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ revision: survey.revision, path, ...body }),
    });

  function announce(text) {
    live.textContent = "";
    setTimeout(() => (live.textContent = text), 100);
  }

  /* The dialog */

  function field(question, name) {
    const { type, required } = question;
    const legend = el("legend.legend", { id: name + "-legend" }, question.label);
    if (!required) legend.append(el("span.optional", {}, " (optional)"));
    const fieldset = el("fieldset.question", { id: name + "-q" }, legend);
    if (type === "text") {
      const max = question.max_length || 1000;
      const counter = el("p.counter", { id: name + "-count" });
      const update = () => (counter.textContent = `${max - area.value.length} characters left`);
      const area = el("textarea", { id: name + "-field", name, rows: 3, maxlength: max });
      area.setAttribute("aria-labelledby", legend.id);
      area.setAttribute("aria-describedby", (area.dataset.describedby = counter.id));
      area.addEventListener("input", update);
      update();
      fieldset.append(area, counter);
      return fieldset;
    }
    // A rating reads "1 – Very poor" and shows a big number over its word.
    const choices =
      type === "rating"
        ? RATINGS.map((word, i) => [i + 1, el("b", {}, i + 1), el("span.hidden", {}, " – "), word])
        : PAIRS[type] || (question.choices || []).map((text) => [text, text]);
    const list = el("div.options", { "data-kind": PAIRS[type] ? "pair" : type });
    choices.forEach(([value, ...text], index) => {
      const id = `${name}-${index}`;
      const radio = el("input.radio", { type: "radio", id, name, value });
      list.append(el("label.option", { for: id }, radio, el("span.face", {}, ...text)));
    });
    fieldset.append(list);
    return fieldset;
  }

  function show(survey, { path = PATH, frustrated = false, opener = null } = {}) {
    if (open) return false;
    const id = `cityux-survey-${++count}-`;
    const intro = frustrated && el("p.intro", { id: id + "intro" }, FRUSTRATED_INTRO);
    // A honeypot: people never see or reach it (nor does autofill, given its name); bots that fill
    // in every field give themselves away.
    const trap = el("input", { id: id + "hp", name: "cityux_hp", autocomplete: "off" });
    trap.tabIndex = -1;
    trap.setAttribute("aria-hidden", "true");
    const form = el(
      "form.form",
      { novalidate: "", onsubmit: (event) => event.preventDefault() || send(state) },
      ...survey.questions.map((question, index) => field(question, id + index)),
      el("div.trap", { "aria-hidden": "true" }, el("label", { for: trap.id }, "Leave empty"), trap),
      el("p.problem"),
      el("button.send", { type: "submit" }, "Send answers"),
    );
    const title = el("h2.title", { id: id + "title" }, survey.title);
    const close = el("button.close", { type: "button", "aria-label": "Close survey" }, "Close ×");
    const dialog = el(
      "div",
      {
        class: "cityux-survey",
        role: "dialog",
        "aria-modal": "false",
        "aria-labelledby": title.id,
        "aria-describedby": intro && intro.id,
        lang: survey.language || null,
        tabindex: -1,
        onkeydown: (event) => event.key === "Escape" && hide(state),
        // Closing after tabbing in from the page takes a keyboard user back to where they were.
        onfocusin: ({ relatedTarget: from }) => {
          if (!state.returnTo && from && !dialog.contains(from)) state.returnTo = from;
        },
      },
      el("div.header", {}, title, close),
      intro,
      form,
    );
    close.addEventListener("click", () => hide(state));
    const state = { survey, path, id, dialog, form, intro, trap, returnTo: opener };

    doc.body.append(dialog);
    open = state;
    state.shownAt = performance.now();
    post(state, "shown", {}).catch(() => {});
    if (opener) (form.querySelector("fieldset input, textarea") || dialog).focus();
    else announce(`A short survey opened at the end of the page: ${survey.title}`);
    return true;
  }

  function hide(state) {
    const hadFocus = state.dialog.contains(doc.activeElement);
    state.dialog.remove();
    if (open === state) open = null;
    if (hadFocus && state.returnTo && state.returnTo.isConnected) state.returnTo.focus();
  }

  async function send(state) {
    const { survey, form, id } = state;
    if (state.sending) return;
    const answers = {};
    const missing = {};
    survey.questions.forEach(({ id: key, type, required }, index) => {
      const name = id + index;
      const control = form.querySelector(`textarea[name="${name}"], [name="${name}"]:checked`);
      const value = control ? control.value.trim() : "";
      if (value) answers[key] = type === "rating" ? Number(value) : value;
      else if (required) missing[key] = "Please answer this question.";
    });
    if (showErrors(state, missing)) return;
    const problem = form.querySelector(".cityux-survey__problem");
    problem.textContent = "";
    state.sending = true;
    const sid = attempt(() => JSON.parse(sessionStorage.getItem("cityux.session")).id);
    const elapsed_ms = Math.round(performance.now() - state.shownAt);
    const body = { answers, sid: sid || undefined, hp: state.trap.value, elapsed_ms };
    const response = await post(state, "responses", body).catch(() => ({}));
    const data = await (response.json ? response.json() : Promise.reject()).catch(() => ({}));
    state.sending = false;
    if (response.status === 201) {
      thank(state, data.thank_you || survey.thank_you || "Thank you for your answers.");
    } else if (!(response.status === 400 && showErrors(state, data.fields || {}))) {
      problem.textContent =
        response.status === 429
          ? "Too many answers were sent just now. Please try again in a few minutes."
          : "Your answers could not be sent. Please try again.";
      announce(problem.textContent);
    }
  }

  // Marks the questions named in `errors` ({question id: message}) and focuses the first; any?
  function showErrors({ survey, form, id }, errors) {
    form.querySelectorAll(".cityux-survey__error").forEach((error) => error.remove());
    let first = null;
    survey.questions.forEach((question, index) => {
      const name = id + index;
      const message = errors[question.id];
      const fieldset = form.querySelector(`#${name}-q`);
      const controls = fieldset.querySelectorAll("input, textarea");
      fieldset.classList.toggle("cityux-survey__question--invalid", !!message);
      for (const control of controls) {
        const ids = [message && name + "-error", control.dataset.describedby];
        setOrRemove(control, "aria-describedby", ids.filter(Boolean).join(" "));
        setOrRemove(control, "aria-invalid", message && "true");
      }
      if (!message) return;
      const error = el("p.error", { id: name + "-error" }, el("span.hidden", {}, "Error: "));
      error.append(message);
      fieldset.querySelector("legend").after(error);
      first = first || fieldset.querySelector(":checked") || controls[0];
    });
    if (first) first.focus();
    return !!first;
  }

  function thank(state, text) {
    const hadFocus = state.dialog.contains(doc.activeElement);
    const message = el("p.thanks", { tabindex: -1 }, text);
    state.form.replaceWith(message);
    if (state.intro) state.intro.remove();
    if (hadFocus) message.focus();
    else announce(text);
  }

  /* Triggers */

  function showAutomatically(survey, options) {
    if (autoShown || open || capped(survey)) return;
    if (doc.hidden) {
      const retry = () => showAutomatically(survey, options);
      return doc.addEventListener("visibilitychange", retry, { once: true });
    }
    if (survey.trigger.type === "form_submit") forgetPending();
    autoShown = show(survey, options);
    remember(({ shown }) => (shown[survey.id] = Date.now()));
  }

  const forgetPending = () => attempt(() => sessionStorage.removeItem(PENDING_KEY));

  // Rage clicks, a script error just after a click, or a click that changes nothing at all.
  function watchFrustration(fire) {
    let last = { at: -Infinity };
    let streak = 0;
    const onClick = ({ target, detail, clientX: x, clientY: y }) => {
      if (!detail || inWidget(target)) return; // keyboard "clicks" are not rage
      const at = Date.now();
      const near = at - last.at < 1000 && Math.abs(x - last.x) + Math.abs(y - last.y) < 30;
      streak = near ? streak + 1 : 1;
      last = { at, x, y };
      if (streak >= 3) fire();
      else if (!target.closest(NEEDS_NO_REACTION) && !String(getSelection())) watchReaction(fire);
    };
    doc.addEventListener("click", onClick, true);
    addEventListener("error", () => Date.now() - last.at < 1000 && fire());
  }

  function watchReaction(fire) {
    const href = location.href;
    const focused = doc.activeElement;
    let reacted = false;
    const observer = new MutationObserver((records) => {
      reacted = reacted || records.some((record) => !inWidget(record.target));
    });
    const everything = { subtree: true, childList: true, attributes: true, characterData: true };
    observer.observe(doc.documentElement, everything);
    setTimeout(() => {
      observer.disconnect();
      if (!reacted && location.href === href && doc.activeElement === focused) fire();
    }, 2500);
  }

  // A submit that leaves the page shows the survey on the next one; otherwise on this one.
  function watchSubmits(survey, fire) {
    doc.addEventListener("submit", (event) => {
      if (inWidget(event.target)) return;
      const here = event.defaultPrevented;
      const pending = JSON.stringify({ survey, path: PATH, at: Date.now() });
      if (!here) attempt(() => sessionStorage.setItem(PENDING_KEY, pending));
      setTimeout(fire, here ? 1000 : 4000); // still here: it did not navigate after all
    });
  }

  function arm(survey) {
    const { type, value } = survey.trigger;
    const fire = () => showAutomatically(survey, { frustrated: type === "frustration" });
    if (type === "seconds") setTimeout(fire, (value ?? 30) * 1000);
    if (type === "form_submit") watchSubmits(survey, fire);
    if (type === "frustration") watchFrustration(fire);
    if (type === "scroll_depth") {
      // How far down the bottom of the window has been, in % of the page's height.
      const depth = () => ((scrollY + innerHeight) * 100) / doc.documentElement.scrollHeight;
      addEventListener("scroll", () => depth() >= (value ?? 50) && fire(), { passive: true });
    }
    // Touch screens have no pointer to leave the page with: there, exit intent never fires.
    if (type === "exit_intent" && matchMedia("(hover: hover) and (pointer: fine)").matches) {
      doc.addEventListener("mouseout", (e) => !e.relatedTarget && e.clientY <= 0 && fire());
    }
  }

  /* Start; the report-problem button ignores sampling and the frequency cap. */

  doc.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(REPORT);
    if (!button || !reportSurvey) return;
    event.preventDefault();
    if (open && open.survey === reportSurvey) return open.dialog.focus();
    if (open) hide(open);
    show(reportSurvey, { opener: button });
  });

  function start(active) {
    reportSurvey = active.report_problem;
    live = el("div", { class: "cityux-survey-live", role: "status", "aria-live": "polite" });
    doc.body.append(live);
    if (!reportSurvey) doc.querySelectorAll(REPORT).forEach((button) => (button.hidden = true));
    const pending = attempt(() => JSON.parse(sessionStorage.getItem(PENDING_KEY)));
    forgetPending();
    if (pending && Date.now() - pending.at < 6e5) {
      setTimeout(() => showAutomatically(pending.survey, { path: pending.path }), 1000);
    }
    for (const survey of active.surveys || []) {
      const automatic = survey.trigger && survey.trigger.type !== "manual";
      if (automatic && sampledIn(survey) && !capped(survey)) arm(survey);
    }
  }

  const query = (config.activeUrl.includes("?") ? "&" : "?") + "path=" + encodeURIComponent(PATH);
  const headers = { Accept: "application/json" };
  fetch(config.activeUrl + query, { credentials: "same-origin", headers })
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}))
    .then((active) => start(active || {}));
})();
