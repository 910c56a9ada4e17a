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

// Agenda: another room shows at once; the arrow keys step back and forth.
// Calendar subscription: copy the new address.
document.addEventListener("change", function (event) {
  if (event.target.matches(".pontive-agenda-form select")) { event.target.form.submit(); }
});
document.addEventListener("keydown", function (event) {
  if (event.altKey || event.ctrlKey || event.metaKey ||
      event.target.closest("input, select, textarea")) { return; }
  var link = document.querySelector('[data-agenda-key="' + event.key + '"]');
  if (link) { window.location.href = link.href; }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest(".pontive-copy");
  if (!button) { return; }
  var input = document.querySelector(button.getAttribute("data-copy"));
  input.select();
  var done = function () { button.textContent = button.getAttribute("data-copied"); };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(input.value).then(done, function () {});
  } else if (document.execCommand("copy")) {
    done();
  }
});

// A refused schedule's free alternatives: one click puts a suggestion's
// sessions into the rows (as many rows as it has sessions).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".pontive-session-fill");
  if (!button) { return; }
  var sessions = JSON.parse(button.getAttribute("data-sessions"));
  var body = button.closest(".pontive-sessions").querySelector("tbody");
  while (body.rows.length < sessions.length) {
    body.appendChild(body.rows[body.rows.length - 1].cloneNode(true));
  }
  while (body.rows.length > sessions.length) { body.deleteRow(-1); }
  sessions.forEach(function (pair, index) {
    var inputs = body.rows[index].querySelectorAll("input");
    inputs[0].value = pair[0];
    inputs[1].value = pair[1];
  });
  button.parentNode.querySelectorAll(".pontive-session-fill").forEach(function (other) {
    other.classList.toggle("active", other === button);
    other.setAttribute("aria-pressed", other === button ? "true" : "false");
  });
});

// A letter over the size limit is refused before it is sent: the browser
// would otherwise send the whole file only to be told so (data-max-bytes,
// app/web/forms.py LetterInput).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches("input[type=file][data-max-bytes]")) { return; }
  var note = input.parentNode.querySelector(".pontive-letter-too-large");
  var file = input.files && input.files[0];
  var tooLarge = file && file.size > Number(input.getAttribute("data-max-bytes"));
  if (note) {
    note.textContent = tooLarge ? input.getAttribute("data-too-large") : "";
    note.hidden = !tooLarge;
  }
  if (tooLarge) { input.value = ""; }  // not chosen: the form asks for another
});
