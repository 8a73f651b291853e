/* On a narrow screen the header's links fold behind a "Menu" button (no script: all shown). */
(function () {
  "use strict";
  function init() {
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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
