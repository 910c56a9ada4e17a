"""The form of each SOP step: what the person taking it fills in.

Each form only gathers input into the step's input dataclass
(app/domain/step_inputs.py); whether the step may be taken, what its fields
must hold and what it changes is app/domain/workflow.py's to decide. Its
refusals come back to the fields here (:func:`show_refusal`).
"""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import Optional

from app.domain import step_inputs
from app.domain.equipment_care import EquipmentCheck
from app.domain.text_limits import DAMAGE_DESCRIPTION, STEP
from app.fab.forms import PanelForm
from app.models import DispositionInstruction, DispositionNature
from app.web.forms import SessionsField, WithinLimit, limit_help

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

    def step_input(self):
        return step_inputs.StepInput(note=_text(self.note))


class ReasonForm(StepForm):
    """Rejecting, or cancelling by staff: the reason the borrower will read."""

    note = None
    reason = text_area(_l("Reason"), STEP["reason"],
                       _l("The borrower reads this reason."))

    def step_input(self):
        return step_inputs.ReasonInput(reason=_text(self.reason))


class OwnReasonForm(ReasonForm):
    """Cancelling or declining by the borrower: no hint written for staff."""

    reason = text_area(_l("Reason"), STEP["reason"])


class DisposeForm(StepForm):
    instruction = SelectField(_l("Instruction (isi disposisi)"),
                              choices=DispositionInstruction.choices(),
                              validate_choice=False)
    nature = RadioField(_l("Nature (sifat)"), choices=DispositionNature.choices(),
                        default=DispositionNature.ORDINARY, validate_choice=False)
    note = text_area(_l("Further instruction"), STEP["note"])

    def step_input(self):
        return step_inputs.DisposeInput(note=_text(self.note), instruction=self.instruction.data,
                            nature=self.nature.data)


class ConfirmForm(StepForm):
    pledge_checked = BooleanField(
        _l("No buffet food"),
        description=_l("I have made sure with the borrower that no buffet food "
                       "(makanan prasmanan) will be served."))
    FIELDS = {"no_buffet_checked": "pledge_checked"}

    def step_input(self):
        return step_inputs.ConfirmInput(note=_text(self.note),
                            no_buffet_checked=bool(self.pledge_checked.data))


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
    FIELDS = {"outcome_notes": "note"}

    def step_input(self):
        return step_inputs.CompleteInput(checklist=checklist_of(self),
                             actual_participants=self.actual_participants.data,
                             outcome_notes=_text(self.note))


FORMS = {
    "dispose": DisposeForm,
    "confirm": ConfirmForm,
    "propose_reschedule": ProposeForm,
    "reject": ReasonForm,
    "cancel": ReasonForm,
    "decline_reschedule": OwnReasonForm,
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


def step_form(action, loan, formdata=None, by_borrower=False):
    """The form for ``action`` on ``loan``, filled from ``formdata`` if given;
    without the staff's hints when ``by_borrower`` (the request's borrower)."""
    base = FORMS.get(action, StepForm)
    if by_borrower and base is ReasonForm:
        base = OwnReasonForm
    equipment = list(loan.room.equipment) if action in CHECKLIST_STEPS else []
    form_class = type(f"{base.__name__}For{loan.room_id}", (base,),
                      _checklist_fields(equipment))
    initial = {"sessions": [(s.starts_at, s.ends_at) for s in loan.sessions]}
    form = form_class(formdata=formdata, data=initial if formdata is None else None)
    form.equipment = equipment
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
