/*
 * Resume on any device (cityux_personalize): saves what the resident types into a form page as
 * a draft, restores a saved draft, and asks for a "continue on another device" code.
 * Loaded only with personalisation consent. Never reads file inputs, password fields or hidden
 * fields; the server drops them too.
 */
(function () {
  "use strict";

  var section = document.querySelector("[data-cityux-resume]");
  if (!section) return;
  var form = document.querySelector(section.getAttribute("data-form"));
  if (!form) return;
  var codeForm = section.querySelector("[data-cityux-resume-code]");
  var result = document.getElementById("cityux-resume-result");
  var status = document.getElementById("cityux-resume-status");
  var draftUrl = section.getAttribute("data-draft-url");
  var SKIPPED_TYPES = ["file", "password", "hidden", "submit", "button", "reset", "image"];
  var DELAY_MS = 800;
  var timer = null;
  var submitted = false;

  function text(name) {
    return section.getAttribute("data-text-" + name) || "";
  }

  function csrfToken() {
    var input = codeForm.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function keptElements() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return (
        element.name &&
        element.name !== "csrfmiddlewaretoken" &&
        SKIPPED_TYPES.indexOf((element.type || "").toLowerCase()) === -1
      );
    });
  }

  function fieldValues() {
    var values = {};
    var checkboxCounts = {};
    keptElements().forEach(function (element) {
      if (element.type === "checkbox") {
        checkboxCounts[element.name] = (checkboxCounts[element.name] || 0) + 1;
      }
    });
    keptElements().forEach(function (element) {
      var name = element.name;
      if (element.type === "checkbox") {
        if (checkboxCounts[name] === 1) {
          values[name] = element.checked;
        } else {
          values[name] = values[name] || [];
          if (element.checked) values[name].push(element.value);
        }
      } else if (element.type === "radio") {
        if (element.checked) values[name] = element.value;
        else if (!(name in values)) values[name] = "";
      } else if (element.tagName === "SELECT" && element.multiple) {
        values[name] = Array.prototype.filter
          .call(element.options, function (option) { return option.selected; })
          .map(function (option) { return option.value; });
      } else {
        values[name] = element.value;
      }
    });
    return values;
  }

  function save() {
    timer = null;
    if (submitted) return Promise.resolve();
    return fetch(draftUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ fields: fieldValues() }),
    }).catch(function () { /* offline: the next change tries again */ });
  }

  function scheduleSave() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  function restore(draft) {
    var filled = 0;
    keptElements().forEach(function (element) {
      if (!(element.name in draft)) return;
      var value = draft[element.name];
      if (element.type === "checkbox") {
        element.checked = Array.isArray(value) ? value.indexOf(element.value) !== -1 : !!value;
      } else if (element.type === "radio") {
        element.checked = element.value === value;
      } else if (element.tagName === "SELECT" && element.multiple && Array.isArray(value)) {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = value.indexOf(option.value) !== -1;
        });
      } else if (typeof value === "string" && !element.value) {
        element.value = value;
      } else {
        return;
      }
      filled += 1;
    });
    if (filled) status.textContent = text("restored");
  }

  function showResult(nodes, isError) {
    result.textContent = "";
    result.setAttribute("role", isError ? "alert" : "status");
    nodes.forEach(function (node) { result.appendChild(node); });
    result.hidden = false;
    result.focus();
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function askForCode(event) {
    event.preventDefault();
    var button = codeForm.querySelector("button[type=submit]");
    button.disabled = true;
    if (timer) clearTimeout(timer);
    save()
      .then(function () {
        return fetch(codeForm.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
          body: new FormData(codeForm),
        });
      })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          showResult([element("p", answer.body.error || text("failed"))], true);
          return;
        }
        var link = element("a", answer.body.link);
        link.href = answer.body.link;
        var linkLine = element("p");
        linkLine.appendChild(link);
        showResult([
          element("h3", text("code"), "cityux-resume__result-title"),
          element("p", answer.body.code, "cityux-resume__code"),
          element("p", text("how")),
          linkLine,
          element("p", text("once") + (answer.body.emailed ? " " + text("emailed") : "")),
        ], false);
      })
      .catch(function () {
        showResult([element("p", text("offline"))], true);
      })
      .then(function () { button.disabled = false; });
  }

  var saved = document.getElementById("cityux-resume-draft");
  if (saved) restore(JSON.parse(saved.textContent));
  form.addEventListener("input", scheduleSave);
  form.addEventListener("change", scheduleSave);
  form.addEventListener("submit", function () {
    // The server forgets the draft once the form is sent; a late save must not bring it back.
    submitted = true;
    if (timer) clearTimeout(timer);
  });
  codeForm.addEventListener("submit", askForCode);
  section.hidden = false;
})();
