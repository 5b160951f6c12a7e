/*
 * Answer templates on a report's page: choose one, "Insert" puts its text into the answer, where the handler
 * adapts it. Needs {{ answer_template_bodies|json_script:"bo-answer-templates" }} ({id: body}) and the announcement
 * in "bo-template-inserted". Without JavaScript the template chooser stays hidden and the answer is typed.
 */
(function (window, document) {
  "use strict";

  var bodies = window.Meldpunt.jsonScript("bo-answer-templates") || {};
  var inserted = window.Meldpunt.jsonScript("bo-template-inserted") || "";

  document.querySelectorAll("[data-templates]").forEach(function (box) {
    var select = box.querySelector("[data-template-select]");
    var button = box.querySelector("[data-insert-template]");
    var status = box.querySelector("[data-template-status]");
    var target = document.getElementById(button.getAttribute("data-target"));
    if (!select || !target) return;
    box.hidden = false;

    button.addEventListener("click", function () {
      var body = bodies[select.value];
      if (!body) {
        select.focus();
        return;
      }
      // Keep what the handler already wrote: the template goes after it.
      var current = target.value.trim();
      target.value = current ? current + "\n\n" + body : body;
      target.focus();
      target.setSelectionRange(target.value.length, target.value.length);
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = inserted;
      }, 50);
    });
  });
})(window, document);
