// The weekly hours grid: the arrow keys move between cells (Home and End to the first and
// last day of a row), Space ticks a cell as any checkbox does, and Tab leaves the grid.
// Without this script every cell is a plain checkbox in the tab order.
(function () {
  "use strict";
  var table = document.querySelector("[data-hours-grid]");
  if (!table) return;
  var rows = Array.prototype.map.call(table.tBodies[0].rows, function (row) {
    return Array.prototype.slice.call(row.querySelectorAll("input[type=checkbox]"));
  });
  if (!rows.length) return;

  function all(fn) { rows.forEach(function (row) { row.forEach(fn); }); }

  function place(box) {
    all(function (other) { other.tabIndex = -1; });
    box.tabIndex = 0;
  }

  var start = table.querySelector("input:checked") || rows[0][0];
  place(start);

  table.addEventListener("focusin", function (event) {
    if (event.target.matches("input[type=checkbox]")) place(event.target);
  });

  table.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box.matches("input[type=checkbox]")) return;
    var r = -1, c = -1;
    rows.forEach(function (row, i) {
      var j = row.indexOf(box);
      if (j >= 0) { r = i; c = j; }
    });
    if (r < 0) return;
    var moves = {
      ArrowUp: [r - 1, c], ArrowDown: [r + 1, c], ArrowLeft: [r, c - 1], ArrowRight: [r, c + 1],
      Home: [r, 0], End: [r, rows[r].length - 1]
    };
    var to = moves[event.key];
    if (!to) return;
    event.preventDefault();
    var row = rows[Math.max(0, Math.min(rows.length - 1, to[0]))];
    var target = row[Math.max(0, Math.min(row.length - 1, to[1]))];
    place(target);
    target.focus();
  });
})();
