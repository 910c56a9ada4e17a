"""Form fields the generated Flask-AppBuilder forms do not provide."""
import json
from datetime import datetime
from typing import NamedTuple

from flask import url_for
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.fields import DateField, Field, FileField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import DateInput, FileInput

from app.domain import letters
from app.domain.scheduling import recurrence
from app.platform.formatting import format_session
from app.platform.timeutil import from_local, to_local

INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def date_search_field(label):
    """A list's search field for a day: the browser's own date input, whose
    value is always ISO ("2026-11-16"). FAB's datepicker field, copied by its
    filter script, starts in the US format and empties a typed ISO date when
    left, so a search by day found everything or was refused."""
    return DateField(label, widget=DateInput())


def parse_local(text):
    try:
        return from_local(datetime.strptime(text.strip(), INPUT_FORMAT))
    except (ValueError, AttributeError, OverflowError):
        return None  # OverflowError: a year 1 time has no UTC equivalent


class SessionsWidget:
    """Rows of start/end ``datetime-local`` inputs, with a button adding rows;
    ``optional``: the rows may be left empty (a borrower's alternative times)."""

    def __init__(self, optional=False, add_label=_l("Add a session")):
        self.optional = optional
        self.add_label = add_label

    def __call__(self, field, **kwargs):
        rows = field.raw_rows or [("", "")]
        # Looked up outside the f-strings: Babel cannot extract from inside them.
        starts, ends = escape(gettext("Starts")), escape(gettext("Ends"))
        remove, add = escape(gettext("Remove")), escape(str(self.add_label))
        required = "" if self.optional else " required"
        html = [f'<div class="pontive-sessions" id="{escape(field.id)}">']
        html.append('<table class="table table-condensed"><thead><tr>')
        html.append(f"<th>{starts}</th>")
        html.append(f"<th>{ends}</th><th></th></tr></thead><tbody>")
        for start, end in rows:
            html.append(
                "<tr>"
                f'<td><input type="datetime-local" class="form-control" aria-label="{starts}" '
                f'name="{escape(field.name)}-start" value="{escape(start)}"{required}></td>'
                f'<td><input type="datetime-local" class="form-control" aria-label="{ends}" '
                f'name="{escape(field.name)}-end" value="{escape(end)}"{required}></td>'
                f'<td><button type="button" class="btn btn-default btn-sm '
                f'pontive-session-remove">{remove}</button></td>'
                "</tr>"
            )
        html.append("</tbody></table>")
        html.append(
            f'<button type="button" class="btn btn-default btn-sm pontive-session-add">'
            f'{add}</button>'
        )
        if field.suggestions:
            html.append(_suggestion_buttons(field.suggestions))
        if field.recurring:
            html.append(_recurrence_controls(field))
        html.append("</div>")
        return Markup("".join(html))


def _recurrence_controls(field):
    """Repeat the first row weekly or monthly: the preview (fetched from
    LoanRequestView.recurrence_preview by static/pontive.js) lists each
    session with its verdict, and the checked ones become the rows."""
    name = escape(field.name)
    options = "".join(f'<option value="{escape(code)}">{escape(label)}</option>'
                      for code, label in recurrence.FREQUENCIES.items())
    texts = {key: escape(value) for key, value in {
        "legend": gettext("Recurring activity"),
        "help": gettext("Repeat the first session (its day and times), e.g. every "
                        "Tuesday 09.00–11.00 until the end of March, then check each "
                        "session before using them."),
        "frequency": gettext("Repeat"), "interval": gettext("Every (weeks or months)"),
        "until": gettext("Last date"), "preview": gettext("Preview the sessions"),
    }.items()}
    return (
        f'<fieldset class="pontive-recurrence" data-preview-url="'
        f'{escape(url_for("LoanRequestView.recurrence_preview"))}">'
        f'<legend class="h5">{texts["legend"]}</legend>'
        f'<p class="help-block">{texts["help"]}</p><div class="form-inline">'
        # Each control inside its label: the form's rows are told apart by
        # their labels' "for".
        f'<label>{texts["frequency"]} <select class="form-control input-sm" '
        f'name="{name}-frequency">{options}</select></label> '
        f'<label>{texts["interval"]} <input class="form-control input-sm" '
        f'type="number" min="1" max="{recurrence.MAX_INTERVAL}" value="1" '
        f'name="{name}-interval" style="width: 5em"></label> '
        f'<label>{texts["until"]} <input class="form-control input-sm" type="date" '
        f'name="{name}-until"></label> '
        f'<button type="button" class="btn btn-default btn-sm pontive-recurrence-preview">'
        f'{texts["preview"]}</button></div>'
        '<div class="pontive-recurrence-result" aria-live="polite"></div></fieldset>')


def _suggestion_buttons(suggestions):
    """A button per free alternative that puts its sessions into the rows
    (static/pontive.js); the refusal's message names the same times."""
    html = ['<div class="pontive-session-suggestions"><p class="help-block">',
            escape(gettext("Take one of the nearest free times:")), "</p>"]
    for suggestion in suggestions:
        rows = [[to_local(s).strftime(INPUT_FORMAT), to_local(e).strftime(INPUT_FORMAT)]
                for s, e in suggestion]
        text = " + ".join(format_session(s, e) for s, e in suggestion)
        html.append(
            '<button type="button" class="btn btn-success btn-sm pontive-session-fill" '
            f'data-sessions="{escape(json.dumps(rows))}">{escape(text)}</button> ')
    html.append("</div>")
    return "".join(str(part) for part in html)


class SessionsField(Field):
    """One or more sessions, as a list of (starts_at, ends_at) in UTC.

    Times are typed in the office's zone (WIB) and shown back in it; a time
    that cannot be read is None (the domain's checks name it, and how many
    sessions may be given).
    """

    widget = SessionsWidget()

    def __init__(self, label=None, validators=None, recurring=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.raw_rows = []
        self.suggestions = []  # free alternatives offered after a taken slot
        self.recurring = recurring  # offers to repeat the first session

    def offer(self, refusal):
        """Offer the free alternatives ``refusal`` names (a taken schedule)."""
        self.suggestions = list(refusal.suggestions)

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = []
        self.raw_rows = []
        if formdata is not None and (
            f"{self.name}-start" in formdata or f"{self.name}-end" in formdata
        ):
            starts = formdata.getlist(f"{self.name}-start")
            ends = formdata.getlist(f"{self.name}-end")
            for start, end in zip(starts, ends):
                if not start.strip() and not end.strip():
                    continue  # an empty extra row is no session
                self.raw_rows.append((start, end))
                self.data.append((parse_local(start), parse_local(end)))
        elif data:
            self.data = list(data)
            self.raw_rows = [
                (to_local(s).strftime(INPUT_FORMAT), to_local(e).strftime(INPUT_FORMAT))
                for s, e in self.data
            ]


class LetterInput(FileInput):
    """The file input of a letter: PDFs only, with the size limit for the
    browser's own check (static/pontive.js), and the letter kept from a
    refused try (:attr:`LetterField.kept`) named beside it."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("accept", ".pdf,application/pdf")
        kwargs["data-max-bytes"] = letters.max_bytes()
        kwargs["data-too-large"] = gettext(
            "This file is too large: the letter may be at most %(size)s. Choose a "
            "smaller PDF.", size=letters.max_size_text())
        if field.kept:
            kwargs["required"] = False  # the kept letter counts as chosen
        html = [str(super().__call__(field, **kwargs))]
        html.append('<p class="help-block pontive-letter-too-large text-danger" hidden></p>')
        if field.kept:
            html.append(
                f'<input type="hidden" name="{escape(field.name)}_kept" '
                f'value="{escape(field.kept["token"])}">'
                '<p class="help-block pontive-letter-kept"><i class="fa fa-paperclip" '
                'aria-hidden="true"></i> '
                + str(escape(gettext(
                    "The letter “%(name)s” you chose is kept for this form: you need "
                    "not choose it again. Choose another file only to replace it.",
                    name=field.kept["name"]))) + "</p>")
        return Markup("".join(html))


class LetterField(FileField):
    """The request letter's bytes (the domain checks that it is a real PDF
    within the size limit)."""

    widget = LetterInput()
    filename = None  # none sent
    kept = None  # {"token", "name"} of a letter kept from a refused try

    def process_formdata(self, valuelist):
        upload = valuelist[0] if valuelist else None
        self.filename = getattr(upload, "filename", None) or None
        self.data = upload.read() if self.filename else None

    def pre_validate(self, form):
        if self.data is None and self.flags.required:
            raise ValidationError(_l("Attach the request letter (PDF)."))


class WithinLimit:
    """A text field's limit (app/domain/text_limits.py): the domain's check
    as the field's error, and the ``maxlength`` attribute WTForms' text
    widgets render from ``field_flags``."""

    def __init__(self, limit):
        self.limit = limit
        self.field_flags = {"maxlength": limit.max_chars}

    def __call__(self, form, field):
        message = self.limit.problem(field.data)
        if message:
            raise StopValidation(shown_as_field_error(message))


def limit_help(limit, description=None):
    """A field's help text ending with its limit: "... Paling banyak 2.000 karakter."."""
    if description is None:
        return limit.help
    return LazyString(lambda: f"{description} {limit.help}")


class LimitedColumns(NamedTuple):
    validators: dict
    descriptions: dict


def limited_columns(limits, descriptions=None):
    """``validators_columns`` and ``description_columns`` of a model view's
    text columns, from their limits ({column: TextLimit}); ``descriptions``
    are the help texts the limit is added to."""
    descriptions = descriptions or {}
    return LimitedColumns(
        {name: [WithinLimit(limit)] for name, limit in limits.items()},
        {name: limit_help(limit, descriptions.get(name)) for name, limit in limits.items()})


def shown_as_field_error(message):
    """``message`` ready to be a field error of a Flask-AppBuilder form.

    FAB's form template formats every field error again (``_(error)`` is
    ``Markup(gettext(error)) % {}``): a literal "%" in it, e.g. in a reason
    staff typed ("Diskon 50%"), would break the page, so it is doubled; and
    the error is taken as HTML, so text people typed (a name "<b>...") is
    escaped.
    """
    return str(escape(str(message))).replace("%", "%%")


def checked_by(check, required=True):
    """A field validator showing the message ``check(value)`` returns."""
    def validator(form, field):
        message = check(field.data)
        if message:
            raise StopValidation(shown_as_field_error(message))
    if required:
        validator.field_flags = {"required": True}  # FAB marks the label with *
    return validator
