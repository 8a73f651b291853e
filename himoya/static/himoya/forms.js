/* Form helpers, progressive enhancement only: without this script every field still works.
 *
 * [data-show-if="field:CODE CODE"]  hide a field until one of those boxes of `field` is ticked.
 * select[multiple][data-searchable]  a search box over tick boxes instead of a Ctrl-click list.
 * input[type=checkbox][data-filterable]  a long list of tick boxes gets a search box and scrolls.
 */
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[ӣ]/g, "и").replace(/[ӯ]/g, "у").replace(/ҳ/g, "х").replace(/ҷ/g, "ч")
      .replace(/қ/g, "к").replace(/ғ/g, "г").replace(/ё/g, "е");
  }

  function showIf(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      var wrap = el.closest(".field");
      if (!wrap || wrap.dataset.showIfReady) return;
      wrap.dataset.showIfReady = "1";
      var rule = el.getAttribute("data-show-if").split(":");
      var name = rule[0], wanted = rule[1].split(" ");
      var boxes = form.querySelectorAll('input[name="' + name + '"]');
      var own = wrap.querySelectorAll("input");
      function update() {
        var on = Array.prototype.some.call(boxes, function (b) {
          return b.checked && wanted.indexOf(b.value) !== -1;
        });
        // A list with ticks of its own stays in sight, so nothing is chosen unseen.
        var ticked = Array.prototype.some.call(own, function (b) { return b.checked; });
        wrap.hidden = !(on || ticked);
      }
      boxes.forEach(function (b) { b.addEventListener("change", update); });
      update();
    });
  }

  var serial = 0;

  function searchable(select) {
    serial += 1;
    var id = "picker-" + serial;
    var wrap = select.closest(".field") || select.parentNode;
    var picker = document.createElement("div");
    picker.className = "picker";

    var chosen = document.createElement("ul");
    chosen.className = "picker-chosen";
    chosen.setAttribute("aria-live", "polite");

    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = id + "-find";
    filter.className = "picker-find";
    filter.autocomplete = "off";
    filter.placeholder = select.dataset.find || "";
    filter.setAttribute("aria-controls", id + "-options");

    var list = document.createElement("ul");
    list.className = "picker-options";
    list.id = id + "-options";
    list.setAttribute("role", "group");

    var label = wrap.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.htmlFor = filter.id;
      list.setAttribute("aria-label", label.textContent);
    }
    var help = wrap.querySelector(".help");
    if (help && select.dataset.help) help.textContent = select.dataset.help;

    var boxes = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      var item = document.createElement("li");
      var lab = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = option.value;
      box.checked = option.selected;
      box.addEventListener("change", function () {
        option.selected = box.checked;
        drawChosen();
      });
      lab.appendChild(box);
      lab.appendChild(document.createTextNode(" " + option.text));
      item.appendChild(lab);
      item.dataset.text = fold(option.text);
      list.appendChild(item);
      boxes.push({ item: item, box: box, option: option });
    });

    function drawChosen() {
      chosen.textContent = "";
      boxes.forEach(function (b) {
        if (!b.option.selected) return;
        var li = document.createElement("li");
        li.appendChild(document.createTextNode(b.option.text + " "));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (select.dataset.remove || "Remove") + ": " + b.option.text);
        remove.addEventListener("click", function () {
          b.option.selected = false;
          b.box.checked = false;
          drawChosen();
          filter.focus();
        });
        li.appendChild(remove);
        chosen.appendChild(li);
      });
    }

    function applyFilter() {
      var q = fold(filter.value.trim());
      boxes.forEach(function (b) {
        var text = b.item.dataset.text;
        var hit = !q || text.indexOf(q) === 0 || text.indexOf(" " + q) !== -1;
        b.item.hidden = !hit;
      });
    }

    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter ticks the first match instead of sending the form.
        event.preventDefault();
        var first = boxes.find(function (b) { return !b.item.hidden; });
        if (first && filter.value.trim()) {
          first.box.checked = !first.box.checked;
          first.box.dispatchEvent(new Event("change"));
          filter.value = "";
          applyFilter();
        }
      } else if (event.key === "ArrowDown") {
        var next = boxes.find(function (b) { return !b.item.hidden; });
        if (next) { event.preventDefault(); next.box.focus(); }
      }
    });

    picker.appendChild(chosen);
    picker.appendChild(filter);
    picker.appendChild(list);
    select.hidden = true;
    select.parentNode.insertBefore(picker, select.nextSibling);
    drawChosen();
  }

  function filterable(wrap) {
    var boxes = wrap.querySelectorAll("input[type=checkbox]");
    var first = boxes[0];
    var group = first.closest("label").parentNode.parentNode;  // <div id=…><div><label>
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "picker-find";
    filter.autocomplete = "off";
    filter.placeholder = first.dataset.find || "";
    filter.setAttribute("aria-controls", group.id);
    var label = wrap.querySelector(":scope > label");
    if (label) filter.setAttribute("aria-label", label.textContent + " " + filter.placeholder);
    group.classList.add("picker-options");
    group.parentNode.insertBefore(filter, group);
    filter.addEventListener("input", function () {
      var q = fold(filter.value.trim());
      boxes.forEach(function (box) {
        var row = box.closest("label").parentNode;
        var text = fold(row.textContent);
        row.hidden = !!q && text.indexOf(q) === -1;
      });
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // not a reason to send the form
    });
  }

  function init() {
    document.querySelectorAll(".field").forEach(function (wrap) {
      if (wrap.querySelector("input[type=checkbox][data-filterable]")) filterable(wrap);
    });
    document.querySelectorAll("form").forEach(showIf);
    document.querySelectorAll("select[multiple][data-searchable]").forEach(searchable);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
