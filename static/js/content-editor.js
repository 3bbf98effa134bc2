/* Content editor: one variant tab per ticked target account (no inline scripts: CSP). */
(function () {
  "use strict";

  function sync() {
    var ticked = {};
    document.querySelectorAll('input[name="accounts"]').forEach(function (box) {
      ticked[box.value] = box.checked;
    });
    document.querySelectorAll("[data-variant-tab]").forEach(function (tab) {
      var show = !!ticked[tab.getAttribute("data-variant-tab")];
      tab.hidden = !show;
      var button = tab.querySelector("button");
      if (!show && button && button.classList.contains("active")) {
        var original = document.getElementById("tab-original");
        if (original && window.bootstrap) window.bootstrap.Tab.getOrCreateInstance(original).show();
      }
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches('input[name="accounts"]')) sync();
  });
  document.addEventListener("DOMContentLoaded", sync);
})();
