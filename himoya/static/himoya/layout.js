/* Layout on small screens, progressive enhancement only.
 *
 * - The header's links fold behind a "Menu" button (no script: all shown).
 * - Each table of the page can become one card per row on a phone: every cell gets the name
 *   of its column (data-label), and the stylesheet does the rest (no script: it scrolls).
 */
(function () {
  "use strict";

  function labelCells(table) {
    if (table.classList.contains("keep-table") || !table.tHead) return;
    var head = table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) names.push(cell.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) { label(body); });
    if (table.tFoot) label(table.tFoot);
    function label(section) {
      Array.prototype.forEach.call(section.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && names[col]) {
            cell.setAttribute("data-label", names[col]);
          }
          col += cell.colSpan || 1;
        });
      });
    }
    table.classList.add("stack");
  }

  function menu() {
    var header = document.getElementById("top");
    var button = header && header.querySelector(".menu-toggle");
    if (!button) return;
    button.hidden = false;
    header.classList.add("foldable");
    function set(open) {
      header.classList.toggle("open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("open")) {
        set(false);
        button.focus();
      }
    });
  }
  // A select that submits its form when changed (the language switch); no inline handler,
  // which the Content-Security-Policy would block.
  function submitOnChange() {
    document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }
  function init() {
    menu();
    submitOnChange();
    document.querySelectorAll("main table").forEach(labelCells);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
