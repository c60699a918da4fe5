// Copy buttons beside shortened hashes (macros/table.html hash_value). Without JavaScript the
// buttons stay hidden and the full value is in the title and in visually hidden text.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
    button.hidden = false;
    var label = button.firstChild.textContent;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.firstChild.textContent = "コピーしました";
        window.setTimeout(function () { button.firstChild.textContent = label; }, 2000);
      });
    });
  });
})();
