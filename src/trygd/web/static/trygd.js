// Small helpers on top of server-rendered pages; everything works without them.
// After a failed submit, move keyboard focus to the error summary so screen readers read it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
});
// htmx swaps in new content: focus a swapped-in error summary too.
document.addEventListener("htmx:afterSwap", function (event) {
  var summary = event.target.querySelector && event.target.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
});
