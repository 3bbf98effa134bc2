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
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
      window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, config);
      el.dataset.drawn = "1";
    });
  }

  // Buttons and forms with data-confirm ask before they act.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () { drawFigures(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawFigures(event.target); });
})();
