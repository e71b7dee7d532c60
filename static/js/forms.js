/* Error summary (issue 12, after the GOV.UK Design System). Without script the summary still
   takes focus (autofocus) and its links still lead to the fields; with it, a link moves the
   keyboard focus into the field and shows the field's label. */
(function () {
  "use strict";
  function init() {
    var summary = document.querySelector(".error-summary");
    if (!summary) return;
    if (document.activeElement !== summary) summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
      (label || legend || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
