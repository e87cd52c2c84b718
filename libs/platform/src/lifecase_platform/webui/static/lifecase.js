// lifecase pages work without JavaScript; this only improves them.
// A page that shows an error summary moves focus to it, so that keyboard and screen-reader
// users hear what went wrong first (WCAG 3.3.1). Elements marked data-focus-on-load get focus.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-focus-on-load]");
  if (target) {
    target.focus();
  }
});

// Conditional fields: an element marked data-shown-if="other_field" and
// data-shown-if-value="v" is shown only while other_field has the value v (a ticked checkbox
// is "true"). Hidden fields are disabled, so what does not apply is not sent either. Without
// JavaScript every field stays visible and the server ignores the ones that do not apply.
document.addEventListener("DOMContentLoaded", function () {
  var conditional = document.querySelectorAll("[data-shown-if]");
  if (!conditional.length) {
    return;
  }
  function valueOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "checkbox") {
        return input.checked ? "true" : "false";
      }
      if (input.type !== "radio" || input.checked) {
        return input.value;
      }
    }
    return "";
  }
  function update() {
    conditional.forEach(function (element) {
      var form = element.closest("form");
      var shown = form && valueOf(form, element.dataset.shownIf) === element.dataset.shownIfValue;
      element.hidden = !shown;
      element.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }
  document.addEventListener("change", update);
  update();
});

// A problem that names a line of a text area (the template editor's YAML) moves the caret to
// that line when its link is followed: data-goto-line="14" on a link to "#source".
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-goto-line]");
  if (!link) {
    return;
  }
  var area = document.querySelector(link.getAttribute("href"));
  if (!area || area.tagName !== "TEXTAREA") {
    return;
  }
  event.preventDefault();
  var lines = area.value.split("\n");
  var line = Math.min(parseInt(link.dataset.gotoLine, 10), lines.length);
  var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
  area.focus();
  area.setSelectionRange(start, start + lines[line - 1].length);
  var height = area.scrollHeight / Math.max(lines.length, 1);
  area.scrollTop = Math.max(0, (line - 3) * height);
});
