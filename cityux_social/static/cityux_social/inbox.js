/* The social inbox's keyboard shortcuts (documented on the page under "Keyboard shortcuts").
 *
 * j / k: next / previous post; o: open it; a: accept; d: dismiss; x: select for bulk actions.
 * Never while the focus is in a text field, a select or an editable element, and never with
 * Ctrl, Alt or Meta held, so typing and the browser's own shortcuts are left alone.
 */
(function () {
  "use strict";

  function isTyping(element) {
    if (!element) return false;
    if (element.isContentEditable) return true;
    return /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(element.tagName) &&
      !(element.tagName === "INPUT" && element.type === "checkbox");
  }

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-cityux-post]"));
  }

  function currentIndex(list) {
    var active = document.activeElement;
    var card = active && active.closest ? active.closest("[data-cityux-post]") : null;
    return card ? list.indexOf(card) : -1;
  }

  function announce(text) {
    var live = document.querySelector("[data-cityux-inbox-live]");
    if (live) live.textContent = text;
  }

  function move(step) {
    var list = cards();
    if (!list.length) return;
    var index = currentIndex(list);
    index = index < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(Math.max(index + step, 0), list.length - 1);
    var card = list[index];
    card.focus();
    card.scrollIntoView({ block: "nearest" });
    var author = card.querySelector(".cityux-post-author");
    announce("Post " + (index + 1) + " of " + list.length + (author ? ": " + author.textContent.trim().replace(/\s+/g, " ") : ""));
  }

  function focusSection(id) {
    var section = document.getElementById(id);
    if (!section) return false;
    var field = section.querySelector("select, textarea, input:not([type=hidden]), button");
    if (field) field.focus();
    section.scrollIntoView({ block: "start" });
    return true;
  }

  function follow(card, selector) {
    var link = card && card.querySelector(selector);
    if (link) window.location.href = link.href;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (isTyping(event.target)) return;
    var list = cards();
    var card = list[currentIndex(list)];
    var onPostPage = !!document.querySelector(".cityux-inbox-post");
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o":
        if (card && card.dataset.openUrl && !onPostPage) window.location.href = card.dataset.openUrl;
        else return;
        break;
      case "a":
        if (onPostPage) { if (!focusSection("accept")) return; }
        else if (card) follow(card, "[data-cityux-accept]");
        else return;
        break;
      case "d":
        if (onPostPage) { if (!focusSection("dismiss")) return; }
        else if (card) follow(card, "[data-cityux-dismiss]");
        else return;
        break;
      case "x":
        var box = card && card.querySelector("[data-cityux-select]");
        if (!box) return;
        box.checked = !box.checked;
        announce(box.checked ? "Selected" : "Not selected");
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // Opened with #accept or #dismiss (the "a" and "d" shortcuts): start in that form. Run once
  // the page has loaded, since the admin's own scripts set up the page until then.
  function focusRequestedForm() {
    if (window.location.hash === "#accept" || window.location.hash === "#dismiss") {
      focusSection(window.location.hash.slice(1));
    }
  }
  if (document.readyState === "complete") focusRequestedForm();
  else window.addEventListener("load", focusRequestedForm);
})();
