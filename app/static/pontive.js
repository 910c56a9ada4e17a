// Session rows on the loan request form: add and remove rows.
document.addEventListener("click", function (event) {
  var add = event.target.closest(".pontive-session-add");
  var remove = event.target.closest(".pontive-session-remove");
  if (add) {
    var body = add.parentNode.querySelector("tbody");
    var row = body.rows[body.rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    body.appendChild(row);
  } else if (remove) {
    var tbody = remove.closest("tbody");
    if (tbody.rows.length > 1) { remove.closest("tr").remove(); }
  }
});
