/* Show or hide conditional questions (data-show-if) as the answers change.
   Same rules as vendorcheck/domain/questionnaire/conditions.py: a condition on a question that is
   hidden is false (the question counts as unanswered). The page is correct without
   this script: the server renders the `hidden` attribute from the saved answers.
   Markup: form[data-tier] (optional data-context with the answers of other pages)
   holding [data-section] elements that hold [data-question][data-type] elements. */
(function () {
  "use strict";

  function answerOf(question) {
    var values = [];
    question.querySelectorAll("input, select, textarea").forEach(function (control) {
      var name = control.name || "";
      if (name.indexOf("q__") !== 0 && name.indexOf("file__") !== 0) return;
      if (control.type === "radio" || control.type === "checkbox") {
        if (control.checked) values.push(control.value);
      } else if (control.type === "file") {
        if (control.files && control.files.length) values.push("file");
      } else if (control.value.trim() !== "") {
        values.push(control.value.trim());
      }
    });
    return values;
  }

  function evaluate(condition, answers, applies, tier) {
    if (!condition) return true;
    if (condition.question !== undefined) {
      if (!applies[condition.question]) return false;
      var values = answers[condition.question] || [];
      if (condition.answered) return values.length > 0;
      return values.some(function (value) { return condition["in"].indexOf(value) !== -1; });
    }
    if (condition.tier_at_least !== undefined) return tier >= condition.tier_at_least;
    var check = function (child) { return evaluate(child, answers, applies, tier); };
    if (condition.all) return condition.all.every(check);
    if (condition.any) return condition.any.some(check);
    if (condition.not) return !check(condition.not);
    return true;
  }

  function conditionOf(element) {
    var raw = element.getAttribute("data-show-if");
    if (!raw) return null;
    try {
      return JSON.parse(raw);
    } catch (error) {
      return null;
    }
  }

  function update(form) {
    var tier = parseInt(form.getAttribute("data-tier"), 10) || 1;
    // Answers of questions on other pages (the portal shows one section at a time).
    var context = {};
    try { context = JSON.parse(form.getAttribute("data-context") || "{}"); } catch (error) { context = {}; }
    var answers = Object.assign({}, context.answers || {});
    var applies = Object.assign({}, context.applies || {});
    form.querySelectorAll("[data-question]").forEach(function (question) {
      answers[question.getAttribute("data-question")] = answerOf(question);
    });
    // Conditions refer only to earlier questions, so one pass in page order is enough.
    form.querySelectorAll("[data-section]").forEach(function (section) {
      var sectionApplies = evaluate(conditionOf(section), answers, applies, tier);
      var anyShown = false;
      section.querySelectorAll("[data-question]").forEach(function (question) {
        var id = question.getAttribute("data-question");
        var shown = sectionApplies && evaluate(conditionOf(question), answers, applies, tier);
        applies[id] = shown;
        anyShown = anyShown || shown;
        question.hidden = !shown;
      });
      section.hidden = !anyShown;
    });
  }

  function start() {
    document.querySelectorAll("form[data-tier]").forEach(function (form) {
      var refresh = function () { update(form); };
      // Follow-up questions now appear as the answers change, so the server need not keep the
      // vendor on the page to show them (it does when the page was answered without script).
      form.querySelectorAll("[data-shown-questions]").forEach(function (field) { field.remove(); });
      form.addEventListener("change", refresh);
      form.addEventListener("input", refresh);
      refresh();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
