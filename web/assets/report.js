// Charts of the statistics and ranking pages (ECharts, loaded before this
// file), drawn from the data attributes the server wrote.
(function () {
  "use strict";
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    var c = window.echarts.init(el, null, {renderer: "svg"});
    c.setOption(option(el));
    if (window.ResizeObserver) new ResizeObserver(function () { c.resize(); }).observe(el);
    el.setAttribute("data-ready", "1");
  }
  function data(el, name) { return JSON.parse(el.getAttribute("data-" + name) || "[]"); }
  function charts() {
    draw("stats-chart", function (el) {
      return {
        animation: false, tooltip: {trigger: "axis"}, legend: {bottom: 0},
        grid: {left: 40, right: 16, top: 16, bottom: 48},
        xAxis: {type: "category", data: data(el, "keys")},
        yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
        series: [
          {name: el.getAttribute("data-label-answer"), type: "bar", data: data(el, "answer"), itemStyle: {color: "#409eff"}},
          {name: el.getAttribute("data-label-fulfil"), type: "bar", data: data(el, "fulfil"), itemStyle: {color: "#67c23a"}}
        ]
      };
    });
    draw("ranking-chart", function (el) {
      return {
        animation: false, tooltip: {trigger: "axis"},
        grid: {left: 160, right: 24, top: 16, bottom: 24},
        xAxis: {type: "value", max: 100},
        yAxis: {type: "category", inverse: true, data: data(el, "names")},
        series: [{name: el.getAttribute("data-label"), type: "bar", data: data(el, "scores"), itemStyle: {color: "#409eff"}}]
      };
    });
  }
  if (document.readyState === "complete") charts(); else document.addEventListener("DOMContentLoaded", charts);
})();
