// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // After htmx swaps the practice panel, move focus to its heading so keyboard and screen
  // reader users land on the feedback (or the next question) rather than on a removed button.
  document.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("#practice [data-focus]");
    if (target) {
      target.focus();
    }
  });

  // Opening a hint marks the answer as hinted (weaker evidence of the skill). "toggle" does not
  // bubble, so listen in the capture phase: forms swapped in by htmx are covered too.
  document.addEventListener(
    "toggle",
    function (event) {
      var hint = event.target;
      if (!hint.classList || !hint.classList.contains("hint") || !hint.open) {
        return;
      }
      var form = hint.closest("form");
      var field = form && form.querySelector("input[name=hint_used]");
      if (field) {
        field.value = "true";
      }
    },
    true
  );

  // "Copy" buttons next to join codes: shown only when the clipboard API is there.
  function enableCopyButtons(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
          var status = document.getElementById(button.getAttribute("aria-controls"));
          if (status) {
            status.textContent = "Copied " + button.getAttribute("data-copy") + ".";
          }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enableCopyButtons(document);
  });
})();
