// Small behaviours of the portal's pages. Loaded as a file: the CSP forbids inline scripts.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Set before onReady: a deferred script finds the document ready and runs it at once.
  var labelCount = 0;
  var sizeWatch = window.ResizeObserver
    ? new ResizeObserver(function (entries) {
        entries.forEach(function (entry) { markScrollable(entry.target); });
      })
    : null;

  onReady(function () {
    // The phone-width menu.
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Filter forms that apply on change (the submit button stays for keyboards and no-JS).
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () {
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      });
    });
    // Tables wider than their box scroll inside it (.table-wrap): a box that really scrolls
    // becomes a named region in the tab order, so a keyboard can reach it and scroll it with the
    // arrow keys. Checked again whenever a box changes size (a phone turned, a window resized)
    // and for the tables htmx brings in.
    watchTables();
    document.body.addEventListener("htmx:afterSettle", watchTables);
  });

  function watchTables() {
    document.querySelectorAll(".table-wrap:not([data-scroll-watched])").forEach(function (wrap) {
      wrap.setAttribute("data-scroll-watched", "");
      markScrollable(wrap);
      if (sizeWatch) sizeWatch.observe(wrap);
    });
  }

  function markScrollable(wrap) {
    var scrolls = wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("data-scroll-region", "");
      nameRegion(wrap);
    } else if (!scrolls && wrap.hasAttribute("data-scroll-region")) {
      ["tabindex", "role", "aria-labelledby", "aria-label", "data-scroll-region"].forEach(function (name) {
        wrap.removeAttribute(name);
      });
    }
  }

  // The region's name: its table's caption, else the heading of the section it sits in, else
  // the nearest heading before it, else the page's generic "table" label (base.html).
  function nameRegion(wrap) {
    var source = wrap.querySelector("caption") || labelOfSection(wrap) || headingBefore(wrap);
    if (source) {
      if (!source.id) source.id = "table-label-" + (++labelCount);
      wrap.setAttribute("aria-labelledby", source.id);
    } else {
      wrap.setAttribute("aria-label", document.body.getAttribute("data-table-label") || "");
    }
  }

  function labelOfSection(wrap) {
    var section = wrap.parentElement && wrap.parentElement.closest("[aria-labelledby]");
    return section ? document.getElementById(section.getAttribute("aria-labelledby")) : null;
  }

  function headingBefore(wrap) {
    for (var node = wrap; node && node !== document.body; node = node.parentElement) {
      for (var prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev;
      }
    }
    return null;
  }
})();
