// Loaded as a file so that the Content Security Policy needs no inline script.
// On small screens every table in the page stacks (app.css, "Small screens"): each cell shows its column's
// name from data-title, which DKFDS's ResponsiveTable copies from the header row. htmx fires htmx:load
// for the page and for every piece of it that it swaps in (the case list's rows), so both get their names.
(function () {
  function label(root) {
    if (!window.DKFDS || !window.DKFDS.ResponsiveTable || !root.querySelectorAll) { return; }
    var tables = Array.prototype.slice.call(root.querySelectorAll("table.table"));
    var around = root.closest && root.closest("table.table");
    if (around) { tables.push(around); }
    tables.forEach(function (table) { new window.DKFDS.ResponsiveTable(table); });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:load", function (event) { label(event.detail.elt); });
})();
