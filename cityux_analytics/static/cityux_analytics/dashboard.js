/* CityUX analytics reports: draws the "Signals per day" charts with the vendored Chart.js.
 *
 * Each chart is a <canvas data-cityux-chart="ID"> whose data sits in <script id="ID"
 * type="application/json">: {totalLabel, labels: ["2025-03-01", …], datasets: [{kind, label,
 * data}]}.
 * The same numbers are in a table next to the chart, so nothing is lost without JavaScript.
 */
(function () {
  "use strict";

  // Okabe–Ito colours: told apart by people with the common colour-vision deficiencies.
  var COLOURS = {
    rage_click: "#D55E00",
    dead_click: "#E69F00",
    error_click: "#CC79A7",
    mouse_thrash: "#56B4E9",
    quick_back: "#0072B2",
    excessive_scroll: "#009E73",
    form_abandonment: "#F0E442",
  };

  function dayLabels(isoDates) {
    var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      day: "numeric",
      month: "short",
      timeZone: "UTC",
    });
    return isoDates.map(function (iso) {
      return format.format(new Date(iso + "T00:00:00Z"));
    });
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.cityuxChart);
    if (!source || !window.Chart || window.Chart.getChart(canvas)) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var style = getComputedStyle(canvas.parentElement);
    var text = style.color;
    var grid = style.getPropertyValue("--w-color-border-furniture").trim() || "rgba(0,0,0,0.1)";
    var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: dayLabels(data.labels),
        datasets: data.datasets.map(function (set) {
          return {
            label: set.label,
            data: set.data,
            backgroundColor: COLOURS[set.kind] || "#777777",
            borderWidth: 0,
            maxBarThickness: 28,
          };
        }),
      },
      options: {
        maintainAspectRatio: false,
        animation: still ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        scales: {
          x: {
            stacked: true,
            ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 },
            grid: { display: false },
          },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { color: text, precision: 0 },
            grid: { color: grid },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { color: text, boxWidth: 12, boxHeight: 12 } },
          tooltip: { footer: totalFooter(data.totalLabel) },
        },
      },
    });
  }

  function totalFooter(label) {
    return function (items) {
      var sum = items.reduce(function (total, item) {
        return total + item.parsed.y;
      }, 0);
      return label + ": " + sum;
    };
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-cityux-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Filtering a report replaces its results (and their chart) without reloading the page.
  document.addEventListener("w-swap:success", drawAll);
})();
