// CSV import: a confirmed import runs on the server; follow its progress, then show the outcome.
(function () {
  "use strict";
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var busy = document.getElementById(form.dataset.busy);
      if (busy) { busy.hidden = false; }
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = document.getElementById("import-bar");
  var text = document.getElementById("import-text");
  function poll() {
    fetch(box.dataset.url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        bar.max = data.total || 1; bar.value = data.done;
        text.textContent = data.done + " / " + data.total;
        // The page itself says how it ended (imported, or why nothing was).
        if (data.finished) { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
