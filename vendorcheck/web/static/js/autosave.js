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
    var panel = null;

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
          if (result.body.stale) showStale(result.body);
          return;
        }
        if (!result.body.ok) { say(result.body.message || "保存できませんでした。", true); return; }
        revision.value = result.body.revision;
        var errors = Object.keys(result.body.errors || {}).length;
        say(result.body.message + " " + result.body.saved_at + (errors ? "（確認が必要な回答 " + errors + " 件）" : ""), errors > 0);
        document.querySelectorAll("[data-last-saved]").forEach(function (cell) {
          cell.textContent = result.body.last_saved;
        });
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

    function element(tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    /* A refused (stale) save: keep the typed input in the form and show, per question, what the
       other window saved; the vendor keeps their input (save over it) or takes the stored one. */
    function showStale(body) {
      if (panel) panel.remove();
      var text = body.text || {};
      panel = element("div", "conflict");
      panel.setAttribute("role", "alert");
      panel.setAttribute("data-stale-panel", "");
      panel.appendChild(element("h2", "", text.stale_title));
      var list = element("dl", "conflict__list");
      (body.stale || []).forEach(function (row) {
        list.appendChild(element("dt", "", row.question));
        var typed = element("dd");
        typed.appendChild(element("span", "conflict__label", text.stale_typed + ": "));
        typed.appendChild(element("span", "", row.typed || "－"));
        typed.lastChild.setAttribute("data-stale-typed", "");
        var stored = element("dd");
        stored.appendChild(element("span", "conflict__label", text.stale_stored + ": "));
        stored.appendChild(element("span", "", row.stored || "－"));
        stored.lastChild.setAttribute("data-stale-stored", "");
        list.appendChild(typed);
        list.appendChild(stored);
      });
      panel.appendChild(list);
      var actions = element("p", "conflict__actions");
      var keep = element("button", "button", text.stale_keep);
      keep.type = "button";
      keep.addEventListener("click", function () {
        revision.value = body.revision;
        panel.remove();
        panel = null;
        stopped = false;
        save();
      });
      var take = element("button", "button button--secondary", text.stale_take);
      take.type = "button";
      take.addEventListener("click", function () { window.location.reload(); });
      actions.appendChild(keep);
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(take);
      panel.appendChild(actions);
      status.parentNode.insertBefore(panel, status.nextSibling);
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
