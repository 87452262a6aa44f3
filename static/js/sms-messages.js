// Message list: Shift+click ticks every box between the last one clicked and this one.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".msg-select"));
  var last = null;
  boxes.forEach(function (box) {
    box.addEventListener("click", function (event) {
      if (event.shiftKey && last !== null) {
        var from = boxes.indexOf(last), to = boxes.indexOf(box);
        var lo = Math.min(from, to), hi = Math.max(from, to);
        for (var i = lo; i <= hi; i += 1) { boxes[i].checked = box.checked; }
      }
      last = box;
    });
  });
})();
