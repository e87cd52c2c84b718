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
