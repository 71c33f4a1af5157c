// Show the reason tags only while a score of 1 or 2 is chosen; without JS they stay visible
// and the server keeps them only for low scores.
(function () {
  "use strict";
  var form = document.getElementById("rating-form");
  if (!form) { return; }
  var reasons = form.querySelector("[data-low-score-only]");
  function lowScoreChosen() {
    var chosen = form.querySelectorAll("[data-score-group] input[type=radio]:checked");
    for (var i = 0; i < chosen.length; i += 1) {
      if (Number(chosen[i].value) <= 2) { return true; }
    }
    return false;
  }
  function update() {
    var low = lowScoreChosen();
    reasons.hidden = !low;
    reasons.querySelectorAll("input").forEach(function (box) { box.disabled = !low; });
  }
  form.addEventListener("change", update);
  update();
}());
