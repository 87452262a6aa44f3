// The payment waiting page: poll the status and move on by itself once the
// provider has confirmed the result. No inline script, so it runs under the CSP.
(function () {
  "use strict";
  var root = document.getElementById("payment-wait");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  var initial = root.getAttribute("data-status");
  var waiting = initial === "created" || initial === "pending";
  if (!waiting) { return; }

  var blikSeconds = parseInt(root.getAttribute("data-blik-seconds") || "0", 10);
  if (blikSeconds > 0) {
    var timer = document.getElementById("blik-timer");
    var counter = document.getElementById("blik-seconds");
    var late = document.getElementById("blik-late");
    var ends = Date.now() + blikSeconds * 1000;
    timer.hidden = false;
    var tick = window.setInterval(function () {
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      counter.textContent = String(left);
      if (left === 0) {
        window.clearInterval(tick);
        timer.hidden = true;
        late.hidden = false;
      }
    }, 1000);
  }

  var delay = 1500;
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.redirect) { window.location.assign(data.redirect); return; }
        if (data && data.status !== initial) { window.location.reload(); return; }
        delay = Math.min(delay * 1.3, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
})();
