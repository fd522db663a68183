// Loaded as a file so that the Content Security Policy needs no inline script.
document.addEventListener("DOMContentLoaded", function () {
  // DKFDS: the mobile menu, and the error summary ([data-module="error-summary"]), which takes focus
  // so that screen-reader and keyboard users hear what to fix, and whose links focus the field.
  if (window.DKFDS) { window.DKFDS.init(); }
});
document.addEventListener("htmx:beforeSwap", function (event) {
  // Let the server's error pages replace the list area instead of being dropped.
  if (event.detail.xhr.status >= 400) { event.detail.shouldSwap = true; event.detail.isError = false; }
});
