"""What each SOP step takes: one input dataclass per step, and its checks.

The web forms, the REST API, the CLI and the demo fill one of these in and
hand it to ``workflow.apply``; the checks below are the only place the
step's own fields are judged (per field, by the dataclass's field names).
Whether the step may be taken at all (state, role, timing) is the
workflow's.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.domain import alternatives, equipment_care
from app.domain.loan_fields import participants_error
from app.domain.scheduling import rules
from app.models import DispositionInstruction, DispositionNature
from app.platform.timeutil import to_local

# Who the letter reaches the Kabid disposed by (SOP steps 1-2), unless the
# Kabid records otherwise (an acting head, say). A title, as the role names.
HEAD_OF_OFFICE = "Kepala Dinas"


@dataclass(frozen=True, kw_only=True)
class StepInput:
    """A step that takes only a note (entering into the agenda, accepting a
    proposal, marking as not used)."""

    note: str = ""

    def errors(self, loan, settings, now):
        """{field: [messages]} of what this input lacks for ``loan``."""
        return {}

    def history_fields(self, now):
        """What the step's history row records beside its note."""
        return {}


@dataclass(frozen=True, kw_only=True)
class ReasonInput(StepInput):
    """Rejecting, cancelling, declining: the reason the borrower will read
    (required of staff: the workflow knows the role)."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class DeclineInput(ReasonInput):
    """The borrower declines a proposed schedule: why (required), and up to
    three other times they could take, (start, end) pairs."""

    alternatives: tuple = ()

    def errors(self, loan, settings, now):
        problems = alternatives.errors(loan, list(self.alternatives), settings, now)
        return {"alternatives": problems} if problems else {}


@dataclass(frozen=True, kw_only=True)
class DisposeInput(StepInput):
    """The Kabid's disposition: isi disposisi and sifat; and the Kepala
    Dinas's disposition the letter reached him with: when it was received
    (none given: the day of this step), from whom, its agenda number and its
    instruction, each optional."""

    instruction: str | None = None
    nature: str | None = DispositionNature.ORDINARY
    incoming_received_on: date | None = None
    incoming_from: str = HEAD_OF_OFFICE
    incoming_agenda_number: str = ""
    incoming_instruction: str = ""

    def errors(self, loan, settings, now):
        errors = {}
        if self.instruction not in DispositionInstruction.codes():
            errors["instruction"] = [_l("Choose the instruction of the disposition.")]
        if self.nature not in DispositionNature.codes():
            errors["nature"] = [_l("Choose the nature of the disposition.")]
        # Not checked against the letter's date: a borrower may have dated it
        # ahead, and the Kabid could then not dispose at all.
        received = self.incoming_received_on
        if received is not None and received > to_local(now).date():
            errors["incoming_received_on"] = [_l("The date received cannot be later "
                                                 "than today.")]
        return errors

    def history_fields(self, now):
        return {
            "instruction": self.instruction,
            "nature": self.nature,
            "incoming_received_on": self.incoming_received_on or to_local(now).date(),
            "incoming_from": (self.incoming_from or "").strip() or HEAD_OF_OFFICE,
            "incoming_agenda_number": (self.incoming_agenda_number or "").strip() or None,
            "incoming_instruction": (self.incoming_instruction or "").strip() or None,
        }


@dataclass(frozen=True, kw_only=True)
class ConfirmInput(StepInput):
    """The Kasi confirms, having made sure that no buffet food is served; at
    the requested schedule, or at one of the times the borrower gave when
    declining a proposal (``alternative_id``), which becomes its session."""

    no_buffet_checked: bool = False
    alternative_id: int | None = None

    def errors(self, loan, settings, now):
        errors = {}
        if self.no_buffet_checked is not True:
            errors["no_buffet_checked"] = [_l(
                "Make sure that no buffet food will be served, then tick this box.")]
        if self.alternative_id is not None and (message := alternatives.confirm_error(
                loan, self.alternative_id, settings, now)):
            errors["alternative_id"] = [message]
        elif self.alternative_id is None and loan.sessions and (
                now >= loan.sessions[0].starts_at):
            errors["alternative_id"] = [_l("The requested time has passed; confirm one "
                                           "of the times the borrower gave.")]
        return errors


@dataclass(frozen=True, kw_only=True)
class ProposeInput(StepInput):
    """The other schedule the Kasi proposes: (start, end) pairs."""

    sessions: tuple = ()

    def errors(self, loan, settings, now):
        problems = rules.schedule_errors(list(self.sessions), settings, now)
        return {"sessions": problems} if problems else {}


@dataclass(frozen=True, kw_only=True)
class PrepareInput(StepInput):
    """The room's equipment checklist (EquipmentCheck items)."""

    checklist: tuple = ()

    def errors(self, loan, settings, now):
        problems = equipment_care.checklist_errors(loan.room, self.checklist)
        return {"checklist": problems} if problems else {}


@dataclass(frozen=True, kw_only=True)
class CompleteInput(PrepareInput):
    """The checklist after the event, who attended and what happened."""

    actual_participants: int | None = None
    outcome_notes: str = ""
    # More people than the room holds is recorded only when confirmed: a
    # typing slip (180 for 18) is likelier than an overfull room.
    over_capacity_confirmed: bool = False

    def errors(self, loan, settings, now):
        errors = super().errors(loan, settings, now)
        if self.actual_participants is None:
            errors["actual_participants"] = [_l(
                "Give the number of people who actually attended.")]
        elif message := participants_error(self.actual_participants):
            errors["actual_participants"] = [message]
        elif (self.actual_participants > loan.room.capacity
              and self.over_capacity_confirmed is not True):
            errors["over_capacity_confirmed"] = [_l(
                "%(count)d people is more than %(room)s holds (%(capacity)d). If that "
                "many really attended, tick this box and record the outcome again.",
                count=self.actual_participants, room=loan.room.name,
                capacity=loan.room.capacity)]
        return errors
