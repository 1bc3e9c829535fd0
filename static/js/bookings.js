// The booking pages' small behaviours. Everything works without it; this only makes it smoother.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Bring the chosen day's tab into view in the sideways-scrolling strip (without moving the page).
  function showCurrentTab(root) {
    var tab = root.querySelector(".day-tab.is-current");
    var strip = tab && tab.closest("ul");
    if (!strip || strip.scrollWidth <= strip.clientWidth) return;
    var tabBox = tab.getBoundingClientRect();
    var stripBox = strip.getBoundingClientRect();
    strip.scrollLeft += tabBox.left - stripBox.left - (strip.clientWidth - tabBox.width) / 2;
  }

  // After htmx swapped the grid with a tapped slot's confirm panel in it, move the keyboard and
  // screen-reader focus to the panel (htmx's `show:` modifier has already scrolled it into view).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "availability") return;
    showCurrentTab(target);
    var panel = target.querySelector("#confirm");
    if (panel) panel.focus({ preventScroll: true });
  });

  onReady(function () {
    var grid = document.getElementById("availability");
    if (grid) showCurrentTab(grid);
    // The calendar address: select it all on focus, and a Copy button where the clipboard works.
    document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.querySelector(button.getAttribute("data-copy"));
      if (!input || !navigator.clipboard) return;
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          button.textContent = button.getAttribute("data-copied") || label;
          setTimeout(function () { button.textContent = label; }, 2000);
        }, function () { input.select(); });
      });
    });
  });
})();
