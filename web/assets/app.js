// parkfin: the little the pages do with JavaScript. Everything works
// without it; this file only adds conveniences. No inline script: the
// Content-Security-Policy forbids it.
(function () {
  "use strict";

  // Amounts in 元: show the same amount in 万元 under the field as it is typed.
  function wan(input) {
    var out = document.getElementById(input.getAttribute("data-wan"));
    if (!out) return;
    var v = input.value.replace(/,/g, "").trim();
    if (v === "" || isNaN(Number(v))) { out.textContent = ""; return; }
    var n = Number(v) / 10000;
    out.textContent = "= " + n.toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2}) +
      " " + (out.getAttribute("data-unit") || "");
  }
  document.addEventListener("input", function (e) {
    if (e.target && e.target.hasAttribute && e.target.hasAttribute("data-wan")) wan(e.target);
  });

  // Actions that cannot be undone ask first.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f && f.hasAttribute && f.hasAttribute("data-confirm") && !window.confirm(f.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  });

  // Print buttons.
  document.addEventListener("click", function (e) {
    var b = e.target && e.target.closest && e.target.closest("[data-print]");
    if (b) { e.preventDefault(); window.print(); }
  });

  // htmx sends the session's CSRF token as the API's header.
  document.addEventListener("htmx:configRequest", function (e) {
    var t = document.querySelector("input[name=_csrf]");
    if (t) e.detail.headers["X-CSRF-Token"] = t.value;
  });

  // Do not refresh a list while the user is typing into it.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var a = document.activeElement;
    if (e.detail.elt && e.detail.elt.id === "list" && a && e.detail.elt.contains(a) && a.tagName !== "A") {
      e.preventDefault();
    }
  });

  // The board's weekly trend chart.
  function chart() {
    var el = document.getElementById("trend");
    if (!el || !window.echarts) return;
    var c = window.echarts.init(el, null, {renderer: "svg"});
    var weeks = JSON.parse(el.getAttribute("data-weeks") || "[]");
    c.setOption({
      animation: false,
      tooltip: {trigger: "axis"},
      legend: {bottom: 0},
      grid: {left: 40, right: 16, top: 16, bottom: 48},
      xAxis: {type: "category", data: weeks},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {name: el.getAttribute("data-label-received"), type: "bar", data: JSON.parse(el.getAttribute("data-received") || "[]"), itemStyle: {color: "#409eff"}},
        {name: el.getAttribute("data-label-overdue"), type: "line", data: JSON.parse(el.getAttribute("data-overdue") || "[]"), itemStyle: {color: "#d03030"}}
      ]
    });
    // Follow the box, not the window: a phone turned, a narrower frame.
    if (window.ResizeObserver) new ResizeObserver(function () { c.resize(); }).observe(el);
    else window.addEventListener("resize", function () { c.resize(); });
    el.setAttribute("data-ready", "1");
  }
  // Deferred scripts run in order before DOMContentLoaded: ECharts, loaded
  // after this file, is there by then.
  if (document.readyState === "complete") chart(); else document.addEventListener("DOMContentLoaded", chart);
})();
