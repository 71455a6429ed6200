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
// Keyboard shortcuts on staff pages: Alt+Shift+letter (the list is on every staff page).
// An element marked data-shortcut="KeyV" is followed if it is a link or button, and
// otherwise focused and scrolled to. event.code names the key's place, so the same keys work
// with Norwegian and English keyboard layouts.
document.addEventListener("keydown", function (event) {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) { return; }
  if (!/^Key[A-Z]$/.test(event.code)) { return; }
  var target = document.querySelector('[data-shortcut="' + event.code + '"]');
  if (!target) { return; }
  event.preventDefault();
  if (target.matches("a, button")) { target.click(); return; }
  target.focus();
  target.scrollIntoView({block: "start"});
});
