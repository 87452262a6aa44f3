// Fold the side panel above the content on narrow screens (open on wide ones).
(function () {
  var panel = document.querySelector(".sub-panel[data-fold-below]");
  if (!panel) return;
  var limit = parseInt(panel.getAttribute("data-fold-below"), 10);
  var query = window.matchMedia("(min-width: " + limit + "px)");
  function apply() { panel.open = query.matches; }
  apply();
  query.addEventListener("change", apply);
})();
