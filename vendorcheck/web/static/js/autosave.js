/* Autosave one portal section: on change, debounced; refuses to overwrite newer saves. */
(function () {
  "use strict";
  var DELAY = 1200;

  function start(form) {
    var url = form.getAttribute("data-autosave");
    var status = form.querySelector("[data-autosave-status]");
    var revision = form.querySelector("input[name=revision]");
    var timer = null;
    var busy = false;
    var again = false;
    var stopped = false;

    function say(text, isError) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("autosave-status--error", !!isError);
    }

    function save() {
      if (stopped) return;
      if (busy) { again = true; return; }
      busy = true;
      var data = new FormData(form);
      Array.from(data.keys()).forEach(function (key) {
        if (key.indexOf("file__") === 0) data.delete(key);
      });
      data.delete("remove_evidence");
      fetch(url, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": form.querySelector("input[name=csrf_token]").value, "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (result) {
        if (result.status === 409) {
          stopped = true;
          say(result.body.message, true);
          return;
        }
        if (!result.body.ok) { say(result.body.message || "保存できませんでした。", true); return; }
        revision.value = result.body.revision;
        var errors = Object.keys(result.body.errors || {}).length;
        say(result.body.message + " " + result.body.saved_at + (errors ? "（確認が必要な回答 " + errors + " 件）" : ""), errors > 0);
        Object.keys(result.body.progress || {}).forEach(function (id) {
          var cell = document.querySelector('[data-progress="' + id + '"]');
          var p = result.body.progress[id];
          if (cell) cell.setAttribute("data-answered", p.answered + "/" + p.required);
        });
      }).catch(function () {
        say("自動保存できませんでした。通信を確認し、「保存する」を押してください。", true);
      }).then(function () {
        busy = false;
        if (again) { again = false; save(); }
      });
    }

    function schedule(event) {
      if (event.target && event.target.type === "file") return;
      clearTimeout(timer);
      timer = setTimeout(save, DELAY);
    }

    form.addEventListener("change", schedule);
    form.addEventListener("input", schedule);
    form.addEventListener("submit", function () { clearTimeout(timer); stopped = true; });
  }

  function init() {
    document.querySelectorAll("form[data-autosave]").forEach(start);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
