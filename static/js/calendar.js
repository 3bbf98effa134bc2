/* Publishing calendar: drag a scheduled publication or an approved item onto a day,
   an hour or an unfilled slot; the move is an htmx POST the server judges. No inline
   scripts: this file is loaded by the calendar page only. */
(function () {
  "use strict";

  var dragged = null;

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function target(el) {
    return el && el.closest ? el.closest("[data-drop-slot], [data-drop-date]") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest("[data-move-url]");
    if (!entry) return;
    dragged = entry;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", entry.getAttribute("data-move-url"));
  });

  document.addEventListener("dragend", function () {
    dragged = null;
    document.querySelectorAll(".cal-drop-over").forEach(function (el) { el.classList.remove("cal-drop-over"); });
  });

  document.addEventListener("dragover", function (event) {
    var where = target(event.target);
    if (!dragged || !where) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    where.classList.add("cal-drop-over");
  });

  document.addEventListener("dragleave", function (event) {
    var where = target(event.target);
    if (where) where.classList.remove("cal-drop-over");
  });

  document.addEventListener("drop", function (event) {
    var where = target(event.target);
    if (!dragged || !where || !window.htmx) return;
    event.preventDefault();
    where.classList.remove("cal-drop-over");
    var values = { date: where.getAttribute("data-drop-date") || "" };
    var slot = where.getAttribute("data-drop-slot");
    if (slot) values.slot = slot;
    var cell = where.closest("[data-drop-hour]");
    if (cell) values.hour = cell.getAttribute("data-drop-hour");
    var source = dragged;
    source.classList.add("cal-busy");
    window.htmx.ajax("POST", source.getAttribute("data-move-url"), {
      source: source,
      values: values,
      headers: { "X-CSRFToken": csrfToken() },
      target: "#calendar-feedback",
      swap: "innerHTML"
    }).then(function () { source.classList.remove("cal-busy"); });
  });

  // The server answers a refused move with 400/403/404 and the reasons: show them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 404) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
