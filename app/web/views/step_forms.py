"""The form of each SOP step: what the person taking it fills in.

Each form only gathers input and checks its shape; whether the step may be
taken, and what it changes, is app/domain/workflow.py's to decide.
"""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from app.domain.equipment_care import EquipmentCheck
from app.fab.forms import PanelForm
from app.models import DispositionInstruction, DispositionNature
from app.web.forms import SessionsField

READY, DAMAGED = "ready", "damaged"


class StepForm(PanelForm):
    note = TextAreaField(_l("Note"), validators=[Optional()])

    def arguments(self):
        """Keyword arguments for workflow.apply."""
        return {"note": (self.note.data or "").strip()}


class ReasonForm(StepForm):
    """Rejecting, cancelling, declining: the reason the borrower will read."""

    note = None
    reason = TextAreaField(_l("Reason"), validators=[Optional()],
                           description=_l("The borrower reads this reason."))

    def arguments(self):
        return {"reason": (self.reason.data or "").strip()}


class DisposeForm(StepForm):
    instruction = SelectField(_l("Instruction (isi disposisi)"),
                              choices=DispositionInstruction.choices(),
                              validators=[InputRequired()])
    nature = RadioField(_l("Nature (sifat)"), choices=DispositionNature.choices(),
                        default=DispositionNature.ORDINARY,
                        validators=[InputRequired(_l("Choose the nature of the "
                                                     "disposition."))])
    note = TextAreaField(_l("Further instruction"), validators=[Optional()])

    def arguments(self):
        return {**super().arguments(), "instruction": self.instruction.data,
                "nature": self.nature.data}


def _pledge_checked(form, field):
    if not field.data:
        raise ValidationError(_l("Make sure that no buffet food will be served, "
                                 "then tick this box."))


class ConfirmForm(StepForm):
    pledge_checked = BooleanField(
        _l("No buffet food"), validators=[_pledge_checked],
        description=_l("I have made sure with the borrower that no buffet food "
                       "(makanan prasmanan) will be served."))


class ProposeForm(StepForm):
    sessions = SessionsField(_l("Proposed schedule"), description=_l(
        "Each day of the activity is one session. Times are WIB."))

    def arguments(self):
        return {**super().arguments(), "sessions": self.sessions.data}


class CompleteForm(StepForm):
    actual_participants = IntegerField(
        _l("People who attended"),
        validators=[InputRequired(_l("Give the number of people who actually "
                                     "attended.")),
                    NumberRange(min=1, max=100000)])
    note = TextAreaField(_l("Notes on the event"), validators=[Optional()])

    def arguments(self):
        return {"actual_participants": self.actual_participants.data,
                "outcome_notes": (self.note.data or "").strip()}


FORMS = {
    "dispose": DisposeForm,
    "confirm": ConfirmForm,
    "propose_reschedule": ProposeForm,
    "reject": ReasonForm,
    "cancel": ReasonForm,
    "decline_reschedule": ReasonForm,
    "complete": CompleteForm,
}
CHECKLIST_STEPS = frozenset({"prepare", "complete"})


def _checklist_fields(equipment):
    """A ready/damaged choice and a damage description for each item."""
    fields = {}
    for item in equipment:
        fields[f"item_{item.id}"] = RadioField(
            str(item), choices=[(READY, _l("Ready / good")), (DAMAGED, _l("Damaged"))],
            validators=[InputRequired(_l("Check this item."))])
        fields[f"damage_{item.id}"] = TextAreaField(
            _l("What is damaged"), validators=[Optional()])
    return fields


def checklist_of(form, equipment):
    return [
        EquipmentCheck(item.id, form[f"item_{item.id}"].data == READY,
                       (form[f"damage_{item.id}"].data or "").strip())
        for item in equipment
    ]


def step_form(action, loan, formdata=None):
    """The form for ``action`` on ``loan``, filled from ``formdata`` if given."""
    base = FORMS.get(action, StepForm)
    equipment = list(loan.room.equipment) if action in CHECKLIST_STEPS else []
    form_class = type(f"{base.__name__}For{loan.room_id}", (base,),
                      _checklist_fields(equipment))
    initial = {"sessions": [(s.starts_at, s.ends_at) for s in loan.sessions]}
    form = form_class(formdata=formdata, data=initial if formdata is None else None)
    form.equipment = equipment
    return form


def step_arguments(form):
    arguments = form.arguments()
    if form.equipment:
        arguments["checklist"] = checklist_of(form, form.equipment)
    return arguments


def damage_described(form):
    """Field errors for damaged items without a description (inline)."""
    ok = True
    for item in form.equipment:
        if form[f"item_{item.id}"].data == DAMAGED and not (
            form[f"damage_{item.id}"].data or ""
        ).strip():
            form[f"damage_{item.id}"].errors.append(
                _l("Describe the damage of every damaged item."))
            ok = False
    return ok
