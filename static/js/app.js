/* CampaignOps page behaviour: no inline scripts, so the CSP can forbid them. */
(function () {
  "use strict";

  function drawFigures(root) {
    if (!window.Plotly) return;
    root.querySelectorAll(".plotly-figure[data-figure]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.figure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      var config = Object.assign(
        { responsive: true, displaylogo: false, locale: plotlyLocale() }, figure.config || {}
      );
      window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, config);
      el.dataset.drawn = "1";
    });
  }

  // The toolbar speaks the page's language: the zh-CN locale is registered by
  // vendor/plotly/plotly-locale-zh-cn.js (templates/partials/plotly_script.html).
  function plotlyLocale() {
    var lang = (document.documentElement.lang || "").toLowerCase();
    return lang.indexOf("zh") === 0 ? "zh-CN" : "en";
  }

  // A comma-separated tag field (data-tag-input) suggests the next tag as the
  // user types: its datalist offers what is typed so far followed by each tag
  // not chosen yet, so picking one completes the list rather than replacing it.
  var SEPARATORS = /[,，、;；]/;
  function suggestTags(input) {
    var list = input.list;
    if (!list) return;
    if (!list.dataset.tags) {
      list.dataset.tags = JSON.stringify(Array.prototype.map.call(list.options, function (o) {
        return o.value;
      }));
    }
    var tags = JSON.parse(list.dataset.tags);
    var parts = input.value.split(SEPARATORS);
    var chosen = parts.slice(0, -1).map(function (p) { return p.trim(); });
    var head = parts.length > 1 ? input.value.slice(0, input.value.length - parts[parts.length - 1].length) : "";
    if (head && !/\s$/.test(head)) head += " ";
    list.replaceChildren.apply(list, tags.filter(function (tag) {
      return chosen.indexOf(tag) === -1;
    }).map(function (tag) { return new Option(head + tag); }));
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[data-tag-input]")) suggestTags(input);
  });

  // Buttons and forms with data-confirm ask before they act.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () { drawFigures(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawFigures(event.target); });
})();
