// The certificate's print button (loaded as a file: the CSP forbids inline scripts). Without
// JavaScript the button stays hidden and the browser's own Print works the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
