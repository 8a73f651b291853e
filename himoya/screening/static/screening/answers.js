// Keep each section's "answered / total" count current while the responder taps.
document.getElementById("answers").addEventListener("change", function (event) {
  var section = event.target.closest("details");
  if (!section) return;
  var answered = new Set();
  section.querySelectorAll("input[type=radio]:checked").forEach(function (i) { answered.add(i.name); });
  section.querySelector(".answered").textContent = answered.size;
});
