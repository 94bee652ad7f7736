(function () {
  "use strict";
  var status = document.getElementById("filter-status");
  var group = document.getElementById("filter-group");
  var shown = document.getElementById("shown");
  var rows = document.querySelectorAll("#results-table tbody tr");
  var gaps = { fail: true, blocked: true, waived: true };
  function apply() {
    var s = status.value, g = group.value, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i], rs = row.getAttribute("data-status");
      var visible = (s === "" || rs === s || (s === "gaps" && gaps[rs] === true) ||
        (s === "new" && row.getAttribute("data-baseline") === "new")) &&
        (g === "" || row.getAttribute("data-group") === g);
      row.hidden = !visible;
      if (visible) { n++; }
    }
    shown.textContent = n + " of " + rows.length + " results shown";
  }
  status.addEventListener("change", apply);
  group.addEventListener("change", apply);
  var bars = document.querySelectorAll("svg.chart .bar");
  for (var i = 0; i < bars.length; i++) {
    bars[i].addEventListener("click", function () {
      group.value = this.getAttribute("data-group");
      apply();
      var results = document.getElementById("results");
      if (results.scrollIntoView) { results.scrollIntoView(); }
    });
  }
  apply();
}());
