"""A request's history as people read it: who did what, as which role, when,
with which note, and how long each timed step took against its standard.

The request's page and the Lembar Disposisi read the same entries. Its
borrower reads them in their own words (app/domain/borrower_words.py): where
the request stood from each moment on, the notes written for them, and
neither the disposition (the Kabid's instruction to the Kasi), nor the staff's
roles, nor the standard times.
"""
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.borrower_words import progress
from app.domain.workflow import ACTION_LABELS
from app.models import LoanStatus


@dataclass(frozen=True)
class Entry:
    at: datetime
    action: str
    step: object
    from_label: object
    to_label: object
    actor: str
    role: str
    note: str
    instruction: object
    nature: object
    incoming: "Incoming | None"  # the Kepala Dinas's disposition, on the Kabid's
    alternatives: tuple  # (start, end) the borrower could take, on a decline
    waiting_since: datetime | None
    elapsed_minutes: int | None
    standard_minutes: int | None
    within_standard: bool | None


@dataclass(frozen=True)
class Incoming:
    """The disposition the letter came with, as the Kabid recorded it."""

    received_on: date
    sender: str
    agenda_number: str
    instruction: str


def _incoming(row):
    if row.incoming_received_on is None:
        return None
    return Incoming(row.incoming_received_on, row.incoming_from or "",
                    row.incoming_agenda_number or "", row.incoming_instruction or "")


def _minutes(seconds):
    return None if seconds is None else seconds // 60


def of(loan, for_borrower=False):
    """The entries of ``loan``'s history, oldest first; as its borrower reads
    them if ``for_borrower``."""
    entry = _for_borrower if for_borrower else _for_staff
    return [entry(row) for row in loan.history]


def _alternatives(row):
    return tuple((a.starts_at, a.ends_at) for a in row.alternatives)


def _for_staff(row):
    return Entry(
        at=row.created_at,
        action=row.action,
        step=ACTION_LABELS.get(row.action, row.action),
        from_label=LoanStatus.label(row.from_status) if row.from_status else "",
        to_label=LoanStatus.label(row.to_status),
        actor=row.actor.get_full_name() if row.actor else "",
        role=row.actor_role,
        note=row.note,
        instruction=row.instruction_label,
        nature=row.nature_label,
        incoming=_incoming(row),
        alternatives=_alternatives(row),
        waiting_since=row.waiting_since,
        elapsed_minutes=_minutes(row.elapsed_seconds),
        standard_minutes=_minutes(row.standard_seconds),
        within_standard=row.within_standard,
    )


def _for_borrower(row):
    return Entry(
        at=row.created_at,
        action=row.action,
        step=progress(row.to_status),
        from_label="",
        to_label="",
        actor=row.actor.get_full_name() if row.actor else "",
        role="",
        # The disposition's note is the Kabid's instruction to the Kasi.
        note="" if row.action == "dispose" else row.note,
        instruction="",
        nature="",
        # The Kepala Dinas's disposition is internal too.
        incoming=None,
        alternatives=_alternatives(row),
        waiting_since=None,
        elapsed_minutes=None,
        standard_minutes=None,
        within_standard=None,
    )
