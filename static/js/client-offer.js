// The client's offer page: mark each document "pobrano" once the portal has
// recorded its download, and enable "Zapłać" when every step is done, without
// a reload. The consents form is sent in the background too. Without this
// script the page works the same, one reload at a time.
(function () {
  "use strict";
  var list = document.getElementById("client-documents");
  if (!list || !window.fetch) { return; }
  var statusUrl = list.getAttribute("data-status-url");
  var downloadedLabel = list.getAttribute("data-downloaded-label");
  var payButton = document.getElementById("pay-button");
  var payHelp = document.getElementById("pay-help");
  var consentForm = document.getElementById("consent-form");
  var consentsDone = document.getElementById("consents-done");
  var consentsWait = document.getElementById("consents-wait");

  function show(status) {
    status.downloaded.forEach(function (slug) {
      var item = list.querySelector('[data-document="' + slug + '"] [data-badge]');
      if (item) {
        item.textContent = downloadedLabel;
        item.classList.add("badge--ok");
      }
    });
    if (consentsWait) { consentsWait.hidden = status.all_downloaded; }
    if (status.consents_done) {
      if (consentsDone) { consentsDone.hidden = false; }
      if (consentForm) { consentForm.hidden = true; }
    }
    if (payButton && status.ready) {
      payButton.disabled = false;
      payButton.removeAttribute("aria-describedby");
      if (payHelp) { payHelp.hidden = true; }
    }
  }

  function fetchStatus() {
    return fetch(statusUrl, {
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error"
    }).then(function (response) {
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    });
  }

  // The download is recorded when the portal sends the file, a moment after the click.
  function waitFor(slug, attempt) {
    fetchStatus().then(function (status) {
      show(status);
      if (status.downloaded.indexOf(slug) === -1 && attempt < 20) {
        window.setTimeout(function () { waitFor(slug, attempt + 1); }, 500);
      }
    }).catch(function () { /* the page still says what to do after a reload */ });
  }

  list.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    var item = link && link.closest("[data-document]");
    if (item) {
      window.setTimeout(function () { waitFor(item.getAttribute("data-document"), 0); }, 300);
    }
  });

  if (consentForm) {
    consentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(consentForm.action, {
        method: "POST",
        body: new FormData(consentForm),
        credentials: "same-origin"
      }).then(fetchStatus).then(function (status) {
        if (status.consents_done) {
          show(status);
        } else {
          consentForm.submit(); // let the page say what is missing
        }
      }).catch(function () { consentForm.submit(); });
    });
  }
})();
