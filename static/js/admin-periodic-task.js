// django-celery-beat's periodic task form: under the crontab field, say in words when the
// chosen schedule runs. Its template did this in an inline script, which the
// Content-Security-Policy refuses; the readable schedules come from a JSON data block.
(function () {
  "use strict";

  function start() {
    var data = document.getElementById("readable-crontabs");
    var select = document.getElementById("id_crontab");
    var help = document.querySelector(".field-crontab .help");
    var translation = document.querySelector(".field-crontab_translation");
    if (translation) {
      translation.style.display = "none";
    }
    if (!data || !select || !help) {
      return;
    }
    var readable = JSON.parse(data.textContent);
    var original = help.textContent;
    select.addEventListener("change", function () {
      // Text nodes, not HTML: a schedule's description is data.
      help.textContent = original;
      help.appendChild(document.createElement("br"));
      help.appendChild(document.createTextNode("Translation: " + (readable[select.value] || "")));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
