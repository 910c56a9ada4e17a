"""The form of each SOP step: what the person taking it fills in.

Each form only gathers input into the step's input dataclass
(app/domain/step_inputs.py); whether the step may be taken, what its fields
must hold and what it changes is app/domain/workflow.py's to decide. Its
refusals come back to the fields here (:func:`show_refusal`).
"""
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, DatePickerWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from app.domain import step_inputs
from app.domain.equipment_care import EquipmentCheck
from app.domain.text_limits import DAMAGE_DESCRIPTION, STEP
from app.fab.forms import PanelForm
from app.models import DispositionInstruction, DispositionNature
from app.platform.timeutil import to_local, utcnow
from app.web.forms import SessionsField, SessionsWidget, WithinLimit, limit_help

READY, DAMAGED = "ready", "damaged"


def _text(field):
    return (field.data or "").strip()


def text_area(label, limit, description=None):
    """An optional text of a step, within its limit."""
    return TextAreaField(label, validators=[Optional(), WithinLimit(limit)],
                         description=limit_help(limit, description))


class StepForm(PanelForm):
    note = text_area(_l("Note"), STEP["note"])
    # The input's fields that this form names otherwise.
    FIELDS = {}
    # Fields shown only once the domain asks for them (a confirmation).
    ASKED_WHEN_REFUSED = ()

    def step_input(self):
        return step_inputs.StepInput(note=_text(self.note))


class ReasonForm(StepForm):
    """Rejecting, or cancelling by staff: the reason the borrower will read."""

    note = None
    reason = text_area(_l("Reason"), STEP["reason"],
                       _l("The borrower reads this reason."))

    def step_input(self):
        return step_inputs.ReasonInput(reason=_text(self.reason))


def text_line(label, limit, description=None, **options):
    """An optional one-line text of a step, within its limit."""
    return StringField(label, validators=[Optional(), WithinLimit(limit)],
                       widget=BS3TextFieldWidget(),
                       description=limit_help(limit, description), **options)


class CancelForm(ReasonForm):
    """Cancelling the whole request: an explicit step, confirmed with a tick
    (declining a proposal is another step, which keeps the request)."""

    sure = BooleanField(_l("Cancel the whole request"), validators=[InputRequired(
        message=_l("Tick this box to cancel the request."))], description=_l(
        "Yes, cancel this request. It cannot be undone; the room is no longer held "
        "for it."))


class DeclineForm(ReasonForm):
    """Declining a proposal: why, and the times the borrower could take instead."""

    reason = text_area(_l("Reason"), STEP["reason"],
                       _l("The Kasi PK & AI reads this reason."))
    alternatives = SessionsField(_l("Times you could take instead (optional)"),
                                 widget=SessionsWidget(optional=True, add_label=_l("Add a time")),
                                 description=_l(
        "Up to three times, each checked against the office's rules. The Kasi PK & AI "
        "may confirm one of them or propose another schedule. Times are WIB."))

    def step_input(self):
        return step_inputs.DeclineInput(reason=_text(self.reason),
                                        alternatives=tuple(self.alternatives.data))


class DisposeForm(StepForm):
    # The Kepala Dinas's disposition the letter came with (first, as it came first).
    incoming_received_on = DateField(
        _l("Received from the Kepala Dinas on"), validators=[Optional()],
        widget=DatePickerWidget(), default=lambda: to_local(utcnow()).date(),
        description=_l("When the letter reached you, disposed by the Kepala Dinas."))
    incoming_from = text_line(_l("Disposed by"), STEP["incoming_from"],
                              default=step_inputs.HEAD_OF_OFFICE)
    incoming_agenda_number = text_line(_l("Kepala Dinas's agenda number"),
                                       STEP["incoming_agenda_number"])
    incoming_instruction = text_area(_l("Kepala Dinas's instruction"),
                                     STEP["incoming_instruction"])
    instruction = SelectField(_l("Instruction (isi disposisi)"),
                              choices=DispositionInstruction.choices(),
                              validate_choice=False)
    nature = RadioField(_l("Nature (sifat)"), choices=DispositionNature.choices(),
                        default=DispositionNature.ORDINARY, validate_choice=False)
    note = text_area(_l("Further instruction"), STEP["note"])

    def step_input(self):
        return step_inputs.DisposeInput(
            note=_text(self.note), instruction=self.instruction.data,
            nature=self.nature.data,
            incoming_received_on=self.incoming_received_on.data,
            incoming_from=_text(self.incoming_from),
            incoming_agenda_number=_text(self.incoming_agenda_number),
            incoming_instruction=_text(self.incoming_instruction))


REQUESTED = "requested"  # the confirm form's choice of the schedule asked for


class ConfirmForm(StepForm):
    pledge_checked = BooleanField(
        _l("No buffet food"),
        description=_l("I have made sure with the borrower that no buffet food "
                       "(makanan prasmanan) will be served."))
    FIELDS = {"no_buffet_checked": "pledge_checked", "alternative_id": "schedule"}

    def step_input(self):
        return step_inputs.ConfirmInput(note=_text(self.note),
                            no_buffet_checked=bool(self.pledge_checked.data),
                            alternative_id=_alternative_id(self))


def _alternative_id(form):
    """The alternative chosen on the confirm form, or None for the schedule
    asked for (a choice that is no number is none of them: the domain says so)."""
    if "schedule" not in form or form.schedule.data in (None, "", REQUESTED):
        return None
    try:
        return int(form.schedule.data)
    except ValueError:
        return 0


def _schedule_field(choices):
    """Which schedule the Kasi confirms: the one asked for, or one of the
    times the borrower gave when declining the proposal."""
    return RadioField(_l("Schedule to confirm"), choices=choices, default=REQUESTED,
                      validate_choice=False)


class ProposeForm(StepForm):
    sessions = SessionsField(_l("Proposed schedule"), description=_l(
        "Each day of the activity is one session. Times are WIB."))

    def step_input(self):
        return step_inputs.ProposeInput(note=_text(self.note), sessions=tuple(self.sessions.data))


class PrepareForm(StepForm):
    def step_input(self):
        return step_inputs.PrepareInput(note=_text(self.note), checklist=checklist_of(self))


class CompleteForm(StepForm):
    actual_participants = IntegerField(_l("People who attended"),
                                       validators=[Optional()])
    note = text_area(_l("Notes on the event"), STEP["outcome_notes"])
    over_capacity_confirmed = BooleanField(
        _l("More people than the room holds"),
        description=_l("Yes, more people attended than the room holds."))
    FIELDS = {"outcome_notes": "note"}
    ASKED_WHEN_REFUSED = ("over_capacity_confirmed",)

    def step_input(self):
        return step_inputs.CompleteInput(
            checklist=checklist_of(self), actual_participants=self.actual_participants.data,
            outcome_notes=_text(self.note),
            over_capacity_confirmed=bool(self.over_capacity_confirmed.data))


FORMS = {
    "dispose": DisposeForm,
    "confirm": ConfirmForm,
    "propose_reschedule": ProposeForm,
    "reject": ReasonForm,
    "cancel": CancelForm,
    "decline_reschedule": DeclineForm,
    "prepare": PrepareForm,
    "complete": CompleteForm,
}
CHECKLIST_STEPS = frozenset({"prepare", "complete"})


def _checklist_fields(equipment):
    """A ready/damaged choice and a damage description for each item."""
    fields = {}
    for item in equipment:
        fields[f"item_{item.id}"] = RadioField(
            str(item), choices=[(READY, _l("Ready / good")), (DAMAGED, _l("Damaged"))],
            validate_choice=False)
        fields[f"damage_{item.id}"] = text_area(_l("What is damaged"),
                                                DAMAGE_DESCRIPTION)
    return fields


def checklist_of(form):
    """The items checked (one left unchecked is missing: the domain says so)."""
    return tuple(
        EquipmentCheck(item.id, form[f"item_{item.id}"].data == READY,
                       _text(form[f"damage_{item.id}"]))
        for item in form.equipment
        if form[f"item_{item.id}"].data in (READY, DAMAGED)
    )


def step_form(action, loan, formdata=None, offered=(), chosen=None, by_borrower=False):
    """The form for ``action`` on ``loan``, filled from ``formdata`` if given;
    for confirming, ``offered`` are (alternative id, label) of the times the
    borrower gave, ``chosen`` the one picked beforehand; without the staff's
    hints when ``by_borrower`` (the request's borrower)."""
    base = FORMS.get(action, StepForm)
    equipment = list(loan.room.equipment) if action in CHECKLIST_STEPS else []
    fields = _checklist_fields(equipment)
    if by_borrower and getattr(base, "reason", None) is ReasonForm.reason:
        # "The borrower reads this reason" is written for staff.
        fields["reason"] = text_area(_l("Reason"), STEP["reason"])
    if action == "confirm" and offered:
        fields["schedule"] = _schedule_field(
            [(REQUESTED, loan.schedule_summary)] + [(str(i), label) for i, label in offered])
    form_class = type(f"{base.__name__}For{loan.room_id}", (base,), fields)
    initial = {"sessions": [(s.starts_at, s.ends_at) for s in loan.sessions],
               "schedule": str(chosen) if chosen else REQUESTED}
    form = form_class(formdata=formdata, data=initial if formdata is None else None)
    form.equipment = equipment
    if action == "complete":
        form.actual_participants.description = gettext(
            "%(room)s holds %(capacity)d people.", room=loan.room.name,
            capacity=loan.room.capacity)
    return form


def show_refusal(form, refusal):
    """Put a domain refusal's messages at the form's fields; returns those
    that belong to no field (shown above the form)."""
    others = []
    for name, messages in refusal.errors.items():
        target = form.FIELDS.get(name, name)
        if target in form:
            form[target].errors = list(form[target].errors) + [str(m) for m in messages]
        else:
            others.extend(str(m) for m in messages)
    return others
