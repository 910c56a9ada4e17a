"""The borrower's request form (submitting, and correcting while submitted).

Its fields only gather input into the domain's :class:`SubmitInput` or
:class:`EditInput` (app/domain/submission.py): none of them states a bound
the domain checks (lengths, counts, capacity, the pledge), and the domain's
refusals come back to the fields they name (:func:`show_refusal`). They are
Flask-AppBuilder's ``add_form_extra_fields``/``edit_form_extra_fields`` (a
documented extension point), so that FAB does not generate its own
validators from the columns for them.
"""
from datetime import date

from flask import session
from flask_appbuilder.fieldwidgets import (
    BS3TextAreaFieldWidget,
    BS3TextFieldWidget,
    DatePickerWidget,
)
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.domain import letters
from app.domain.refusals import FORM
from app.domain.scheduling import recurrence, rules
from app.domain.scheduling.settings import ScheduleSettings
from app.domain.submission import EditInput, SubmitInput
from app.domain.text_limits import LOAN_REQUEST
from app.models import LoanKind, Room
from app.models.loans import FIELD_LABELS
from app.platform.extensions import db
from app.web.forms import (
    LetterField,
    SessionsField,
    limit_help,
    parse_local,
    shown_as_field_error,
)


def _shown_required(form, field):
    """Marks a field as required (FAB's asterisk); the domain checks it."""


_shown_required.field_flags = {"required": True}


def _limit_shown(name, description=None):
    """The help text and ``maxlength`` of a text's limit (the domain's:
    app/domain/text_limits.py), shown, not checked, here."""
    limit = LOAN_REQUEST[name]
    return {"description": limit_help(limit, description),
            "render_kw": {"maxlength": limit.max_chars}}


def _text(name, description=None):
    return StringField(FIELD_LABELS[name], [_shown_required], widget=BS3TextFieldWidget(),
                       **_limit_shown(name, description))


DETAIL_FIELDS = {
    "title": _text("title"),
    "subject": _text("subject"),
    "letter_number": _text("letter_number"),
    "contact_name": _text("contact_name"),
    "contact_phone": _text("contact_phone", _l("An Indonesian number, e.g. "
                                               "0812-3456-7890 or (0561) 712345.")),
    "description": TextAreaField(FIELD_LABELS["description"], [Optional()],
                                 widget=BS3TextAreaFieldWidget(),
                                 **_limit_shown("description")),
    "participants": IntegerField(FIELD_LABELS["participants"], [_shown_required],
                                 widget=BS3TextFieldWidget(),
                                 description=LazyString(lambda: capacity_help())),
    "letter_date": DateField(FIELD_LABELS["letter_date"], [_shown_required],
                             widget=DatePickerWidget()),
}
SUBMIT_FIELDS = {
    **DETAIL_FIELDS,
    "kind": SelectField(_l("Kind"), choices=LoanKind.choices(), validate_choice=False),
    "sessions": SessionsField(_l("Sessions"), [_shown_required], recurring=True,
                              description=LazyString(
        lambda: " ".join((gettext("Each day of the activity is one session. Times are "
                                  "WIB."),
                          rules.bounds_help(ScheduleSettings.current()))))),
    "no_buffet_pledge": BooleanField(
        _l("No buffet pledge"), [_shown_required],
        description=_l("I confirm that no buffet food (makanan prasmanan) "
                       "will be served during the activity.")),
    # Required of the web form only: over the API the letter may follow.
    "letter": LetterField(_l("Request letter (PDF)"), validators=[_shown_required],
                          description=LazyString(lambda: gettext(
                              "A PDF of the signed request letter, at most %(size)s.",
                              size=letters.max_size_text()))),
}


def capacity_help():
    """How many people each room that can be booked holds."""
    rooms = db.session.query(Room).filter_by(is_active=True).order_by(Room.name).all()
    each = [gettext("%(room)s %(capacity)d people", room=room.name,
                    capacity=room.capacity) for room in rooms]
    return gettext("No more than the room holds: %(rooms)s.", rooms="; ".join(each))


def recurrence_of(args):
    """The :class:`Recurrence` the form's repeat controls ask for."""
    return recurrence.read(args, parse_local, _form_day)


def _form_day(text):
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


# The session's key of the letter kept from a refused try of the form.
KEPT_LETTER = "kept_letter"


def take_kept_letter(form, formdata):
    """Use the letter kept from the borrower's previous try when the form
    names it and no other file is chosen now. Tied to the session: the
    token alone, from another session, reads nothing."""
    kept = session.get(KEPT_LETTER)
    if (form.letter.data is None and kept
            and formdata.get(f"{form.letter.name}_kept") == kept["token"]):
        data = letters.kept_letter(kept["token"])
        if data is not None:
            form.letter.data, form.letter.filename = data, kept["name"]
            form.letter.kept = kept


def keep_letter(form):
    """After a refusal: keep the form's letter, if it is a sound one, for the
    retry (said beside the field); a bad one is chosen again."""
    if form.letter.data is None or letters.letter_error(form.letter.data):
        forget_kept_letter()
        return
    if form.letter.kept is None:  # a file chosen this time
        forget_kept_letter()
        token = letters.keep_for_retry(form.letter.data)
        form.letter.kept = session[KEPT_LETTER] = {
            "token": token, "name": (form.letter.filename or "surat.pdf")[:120]}


def forget_kept_letter():
    kept = session.pop(KEPT_LETTER, None)
    if kept:
        letters.forget_kept(kept["token"])


def _details(form):
    return {
        "title": form.title.data or "",
        "subject": form.subject.data or "",
        "letter_number": form.letter_number.data or "",
        "letter_date": form.letter_date.data,
        "participants": form.participants.data,
        "contact_name": form.contact_name.data or "",
        "contact_phone": form.contact_phone.data or "",
        "description": form.description.data or "",
        "equipment_ids": [e.id for e in form.equipment_wanted.data or []],
    }


def submit_input(form):
    return SubmitInput(
        **_details(form),
        kind=form.kind.data,
        room_id=form.room.data.id if form.room.data else None,
        sessions=form.sessions.data,
        no_buffet_pledge=bool(form.no_buffet_pledge.data),
        letter_data=form.letter.data,
        letter_name=form.letter.filename,
    )


def edit_input(form):
    return EditInput(**_details(form))


def show_refusal(form, errors):
    """Put the domain's messages (``errors``, {field: [messages]}) at the
    form's fields, unless the form found the field unreadable itself (a date
    that is none); returns those that belong to no field (flashed)."""
    others = []
    for name, messages in errors.items():
        if name != FORM and name in form:
            if not form[name].errors:
                form[name].errors = [shown_as_field_error(m) for m in messages]
        else:
            others.extend(str(m) for m in messages)
    return others
