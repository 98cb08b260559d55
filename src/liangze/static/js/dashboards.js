// Charts of the figures page: ECharts draws what the tables beside it already show. The data
// comes from the page's json_script block (no inline script, as the CSP requires).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || !window.echarts) {
    return;
  }
  const data = JSON.parse(source.textContent);
  const charts = [];
  for (const node of document.querySelectorAll("[data-chart]")) {
    const measure = data.measures[Number(node.dataset.measure)];
    if (!measure) {
      continue;
    }
    const chart = window.echarts.init(node, null, { renderer: "svg" });
    const percent = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
    if (node.dataset.chart === "bars") {
      const bars = [...measure.bars].reverse();
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: percent,
        yAxis: { type: "category", data: bars.map((bar) => bar.name) },
        series: [{ type: "bar", data: bars.map((bar) => bar.value), label: { show: true, position: "right", formatter: "{c}%" } }],
      });
    } else {
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: measure.trend.map((point) => point.period) },
        yAxis: percent,
        series: [{ type: "line", connectNulls: false, data: measure.trend.map((point) => point.value) }],
      });
    }
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
});
