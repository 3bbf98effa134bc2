// Incident checklist: ticking a step's checkbox submits its form (the button
// stays for keyboards and for browsers without JavaScript).
document.querySelectorAll(".js-autosubmit").forEach(function (box) {
  box.addEventListener("change", function () {
    box.form.requestSubmit();
  });
});
document.querySelectorAll(".js-nojs").forEach(function (button) {
  button.classList.add("visually-hidden-focusable");
});
