// lifecase pages work without JavaScript; this only improves them.
// A page that shows an error summary moves focus to it, so that keyboard and screen-reader
// users hear what went wrong first (WCAG 3.3.1). Elements marked data-focus-on-load get focus.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-focus-on-load]");
  if (target) {
    target.focus();
  }
});
