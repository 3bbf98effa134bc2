/* Task board: drag a card onto another column; the move is an htmx POST the server
   judges, answered with the board's columns (refused moves come back with the reason).
   Each card also has buttons for the same moves, for keyboards and small screens.
   No inline scripts: the board page loads this file. */
(function () {
  "use strict";

  var dragged = null;

  function column(el) {
    return el && el.closest ? el.closest("[data-drop-column]") : null;
  }

  function filterValues() {
    var values = {};
    var form = document.getElementById("board-filters");
    if (!form) return values;
    new FormData(form).forEach(function (value, key) { values[key] = value; });
    return values;
  }

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card[data-move-url]");
    if (!card) return;
    dragged = card;
    card.classList.add("board-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-task"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("board-dragging");
    dragged = null;
    document.querySelectorAll(".board-drop-over").forEach(function (el) { el.classList.remove("board-drop-over"); });
  });

  document.addEventListener("dragover", function (event) {
    var where = column(event.target);
    if (!dragged || !where) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    where.classList.add("board-drop-over");
  });

  document.addEventListener("dragleave", function (event) {
    var where = column(event.target);
    if (where && !where.contains(event.relatedTarget)) where.classList.remove("board-drop-over");
  });

  document.addEventListener("drop", function (event) {
    var where = column(event.target);
    if (!dragged || !where || !window.htmx) return;
    event.preventDefault();
    where.classList.remove("board-drop-over");
    var target = where.getAttribute("data-drop-column");
    if (target === dragged.getAttribute("data-column")) return;
    var values = filterValues();
    values.column = target;
    var url = dragged.getAttribute("data-move-url");
    dragged.classList.add("board-busy");
    window.htmx.ajax("POST", url, {
      values: values,
      headers: { "X-CSRFToken": csrfToken() },
      target: "#board-columns",
      swap: "outerHTML"
    });
  });

  // A refused move answers 400/403 with the columns and the reason: show them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 400 || status === 403) && event.detail.target && event.detail.target.id === "board-columns") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
