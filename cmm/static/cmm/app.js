// Loaded as a file so that the Content Security Policy needs no inline script.
// htmx keeps no copy of any page in the browser's storage (a page holds names), and Back to an address
// htmx put in the history loads that page afresh from the server (the case list's filters live there).
if (window.htmx) {
  window.htmx.config.historyCacheSize = 0;
  window.htmx.config.refreshOnHistoryMiss = true;
}
document.addEventListener("DOMContentLoaded", function () {
  // DKFDS: the mobile menu, and the error summary ([data-module="error-summary"]), which takes focus
  // so that screen-reader and keyboard users hear what to fix, and whose links focus the field.
  if (window.DKFDS) { window.DKFDS.init(); }
});
document.addEventListener("htmx:beforeSwap", function (event) {
  // Let the server's error pages replace the list area instead of being dropped.
  if (event.detail.xhr.status >= 400) { event.detail.shouldSwap = true; event.detail.isError = false; }
});
