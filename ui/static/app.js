// Search as you type: after a short pause, submit the search form. The form
// works without this script; this only saves pressing Enter.
(function () {
  var box = document.getElementById("q");
  if (!box || !box.form) return;
  var timer;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (box.value.trim().length >= 2) box.form.submit();
    }, 600);
  });
  // Keep the caret at the end after a reload triggered by typing.
  var n = box.value.length;
  box.setSelectionRange(n, n);
})();
