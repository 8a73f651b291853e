// Draw each dashboard chart from the JSON beside it (numbers also in the table below).
(function () {
  "use strict";
  if (!window.Chart) return;
  var palette = ["#0b5cad", "#9aa4af", "#d9822b", "#1e7b34", "#b3261e", "#6a4c93", "#00838f"];
  document.querySelectorAll("canvas[id^='chart-']").forEach(function (canvas) {
    var id = canvas.id.slice(6);
    var source = document.getElementById(id);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var kind = canvas.dataset.kind;
    var datasets = data.datasets.map(function (d, i) {
      return { label: d.label, data: d.data, backgroundColor: palette[i % palette.length],
               borderColor: palette[i % palette.length], fill: false, tension: 0.2 };
    });
    if (kind === "line" && data.previous) {
      datasets.push({ label: data.previous.label, data: data.previous.data,
                      borderColor: palette[1], backgroundColor: palette[1], borderDash: [4, 4] });
    }
    var horizontal = kind === "bar" && data.labels.length > 4;
    if (horizontal) {
      // One readable row per category: the chart grows rather than skipping labels.
      var rows = data.labels.length * data.datasets.length;
      canvas.parentNode.style.height = Math.max(288, rows * 14 + 80) + "px";
    }
    var categories = { autoSkip: kind === "line" };
    new Chart(canvas, {
      type: kind === "line" ? "line" : "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: datasets.length > 1 || kind === "stacked",
                             position: "bottom" } },
        scales: { x: { stacked: kind === "stacked", beginAtZero: true,
                       ticks: horizontal ? {} : categories },
                  y: { stacked: kind === "stacked", beginAtZero: true,
                       ticks: horizontal ? categories : {} } }
      }
    });
  });
})();
