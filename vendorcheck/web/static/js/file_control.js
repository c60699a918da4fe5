/* The styled file control: show the chosen file's name beside the button-like label.
   Without JavaScript the label still opens the file dialog and the form still uploads. */
(function () {
  "use strict";
  document.documentElement.classList.add("js-files");
  document.querySelectorAll("input[type=file][data-file-name]").forEach(function (input) {
    var shown = document.getElementById(input.getAttribute("data-file-name"));
    if (!shown) return;
    var empty = shown.textContent;
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      shown.textContent = names.length ? names.join("、") : empty;
      shown.classList.toggle("file-control__name--chosen", names.length > 0);
    });
  });
})();
