// "Odśwież status": follow the batch's progress, then go back to the refreshed list.
(function () {
  "use strict";
  var box = document.getElementById("refresh");
  if (!box) { return; }
  var bar = document.getElementById("refresh-progress");
  var text = document.getElementById("refresh-text");
  function poll() {
    fetch(box.dataset.url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.max = data.total; bar.value = data.done;
        text.textContent = data.done + " / " + data.total;
        if (data.finished) { window.location.assign(box.dataset.doneUrl); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
