// "Live now": polls the section's department-scoped JSON and redraws its figures in place.
// The polite status region speaks only when something changed (new signals, a new spike).
(() => {
  "use strict";

  const cell = (text, tag = "td") => {
    const element = document.createElement(tag);
    element.textContent = text;
    return element;
  };

  // A page's title, linked to its report when it has one.
  const titled = (title, meta, href) => {
    const td = document.createElement("td");
    td.className = "cityux-wrap";
    if (href) {
      const link = cell(title, "a");
      link.href = href;
      td.append(link);
    } else td.append(title);
    return [td, meta];
  };

  // An element in words, its CSS selector on hover for the web team.
  const described = (row) => {
    const td = document.createElement("td");
    td.className = "cityux-wrap";
    if (row.element) {
      const words = cell(row.element, "span");
      words.title = row.selector;
      td.append(words);
    } else td.append("–");
    return [td, row.title];
  };

  const withMeta = ([td, meta]) => {
    const div = document.createElement("div");
    div.className = "cityux-meta";
    div.textContent = meta;
    td.append(div);
    return td;
  };

  // Words come translated from the template's data-text-* attributes.
  const words = (root, name, values = {}) =>
    root.dataset[name].replace(/\{(\w+)\}/g, (_, key) => values[key]);

  const pageRow = (root) => (row) => {
    const tr = document.createElement("tr");
    const [td, meta] = titled(row.title, row.url, row.report_url);
    if (row.spike) {
      const spike = cell(words(root, "textSpike"), "strong");
      spike.className = "cityux-live__spike";
      td.append(" ", spike);
    }
    tr.append(withMeta([td, meta]), cell(row.signals), cell(row.usual));
    return tr;
  };

  const elementRow = (row) => {
    const tr = document.createElement("tr");
    tr.append(
      withMeta(described(row)),
      cell(row.kind_label),
      cell(row.signals),
      cell(row.last),
    );
    return tr;
  };

  const fill = (root, name, rows, makeRow) => {
    const table = root.querySelector(`[data-cityux-live-${name}]`);
    table.tBodies[0].replaceChildren(...rows.map(makeRow));
    table.hidden = !rows.length;
    root.querySelector(`[data-cityux-live-${name}-empty]`).hidden = !!rows.length;
  };

  const announcement = (root, before, after) => {
    const parts = [];
    const added = after.signals - before.signals;
    if (added === 1) parts.push(words(root, "textNewOne"));
    if (added > 1) parts.push(words(root, "textNewMany", { count: added }));
    const spiking = new Set(before.pages.filter((p) => p.spike).map((p) => p.url));
    after.pages
      .filter((p) => p.spike && !spiking.has(p.url))
      .forEach((p) => parts.push(words(root, "textSpikeOn", { page: p.title })));
    return parts.join(" ");
  };

  const start = (root) => {
    const url = root.dataset.cityuxLiveUrl;
    const every = 1000 * (parseFloat(root.dataset.cityuxLiveEvery) || 5);
    const status = root.querySelector("[data-cityux-live-status]");
    let last = null;
    const draw = (data) => {
      root.querySelector("[data-cityux-live-visits]").textContent = data.visits.toLocaleString();
      root.querySelector("[data-cityux-live-signals]").textContent = data.signals.toLocaleString();
      root.querySelector("[data-cityux-live-updated]").textContent = words(root, "textUpdated", {
        time: data.updated,
      });
      fill(root, "pages", data.pages, pageRow(root));
      fill(root, "elements", data.elements, elementRow);
      const said = last ? announcement(root, last, data) : "";
      if (said) status.textContent = said;
      last = data;
    };
    const poll = () =>
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .then((data) => data && draw(data))
        .catch(() => {})
        .finally(() => setTimeout(poll, every));
    poll();
  };

  const ready = () => document.querySelectorAll("[data-cityux-live-url]").forEach(start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
