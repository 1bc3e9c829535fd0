// The service circle's "use my location": fills the search form's `near` from the browser's
// geolocation and submits it. Without JavaScript the button stays hidden and districts work.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-circle-form]");
    if (!form || !("geolocation" in navigator)) return;
    var button = form.querySelector("[data-locate]");
    var status = form.querySelector("[data-locate-status]");
    var near = form.querySelector("[data-near]");
    var district = form.querySelector("select[name=district]");
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = button.dataset.waiting || "…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          near.disabled = false;
          near.value = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
          if (district) district.value = "";
          form.submit();
        },
        function () {
          button.disabled = false;
          status.textContent = button.dataset.failed || "";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
      );
    });
    // Choosing a district searches the district, not the last location.
    if (district) district.addEventListener("change", function () { near.value = ""; near.disabled = true; });
  });
})();
