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
  pontiveFillSessions(button.closest(".pontive-sessions"),
                      JSON.parse(button.getAttribute("data-sessions")));
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

// Sessions rows filled from a list of [start, end] (datetime-local values).
function pontiveFillSessions(container, sessions) {
  var body = container.querySelector("tbody");
  while (body.rows.length < sessions.length) {
    body.appendChild(body.rows[body.rows.length - 1].cloneNode(true));
  }
  while (body.rows.length > Math.max(sessions.length, 1)) { body.deleteRow(-1); }
  sessions.forEach(function (pair, index) {
    var inputs = body.rows[index].querySelectorAll("input");
    inputs[0].value = pair[0];
    inputs[1].value = pair[1];
  });
}

// A recurring activity: the preview of its sessions, then the ticked ones
// as the form's rows (LoanRequestView.recurrence_preview).
document.addEventListener("click", function (event) {
  var preview = event.target.closest(".pontive-recurrence-preview");
  var use = event.target.closest(".pontive-recurrence-use");
  if (!preview && !use) { return; }
  var fieldset = event.target.closest(".pontive-recurrence");
  var container = fieldset.closest(".pontive-sessions");
  var result = fieldset.querySelector(".pontive-recurrence-result");
  if (use) {
    var picked = [];
    result.querySelectorAll(".pontive-recurrence-pick:checked").forEach(function (box) {
      picked.push([box.getAttribute("data-start"), box.getAttribute("data-end")]);
    });
    if (picked.length) { pontiveFillSessions(container, picked); }
    return;
  }
  var first = container.querySelector("tbody").rows[0].querySelectorAll("input");
  var room = document.querySelector("select[name=room]");
  var name = container.id;
  var query = new URLSearchParams({
    room: room ? room.value : "",
    start: first[0].value, end: first[1].value,
    frequency: fieldset.querySelector("[name='" + name + "-frequency']").value,
    interval: fieldset.querySelector("[name='" + name + "-interval']").value,
    until: fieldset.querySelector("[name='" + name + "-until']").value
  });
  fetch(fieldset.getAttribute("data-preview-url") + "?" + query.toString(),
        {credentials: "same-origin"})
    .then(function (response) { return response.text(); })
    .then(function (html) { result.innerHTML = html; });
});
