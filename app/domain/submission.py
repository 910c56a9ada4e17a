"""Submitting a loan request: the checks and the one transaction that stores it.

The web form and the REST API both build a :class:`LoanInput` and call
:func:`submit`; the form also calls the same checks per field so errors show
inline. The scheduling rules (office hours, holidays, clashes) are added by
the scheduling module.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.domain import letters, text_limits, workflow
from app.domain.scheduling.booking import booking_problems
from app.domain.scheduling.occupancy import session_for
from app.domain.scheduling.rules import capacity_violation
from app.models import (
    BorrowerProfile,
    Equipment,
    LoanKind,
    LoanRequest,
    LoanStatus,
    Room,
)
from app.platform.extensions import db
from app.platform.timeutil import to_local, utcnow
from app.security.roles import PEMINJAM

MAX_SESSIONS = 14
MAX_PARTICIPANTS = 10_000  # a sanity bound; the room's capacity is checked apart
TEXT_FIELDS = ("title", "subject", "letter_number", "contact_name", "contact_phone")
FORM = "_form"  # key of errors that belong to no single field


class LoanInputError(Exception):
    """Input a user must fix: ``errors`` maps a field name to its messages."""

    def __init__(self, errors):
        super().__init__("; ".join(str(m) for ms in errors.values() for m in ms))
        self.errors = errors


@dataclass
class LoanInput:
    kind: str
    room_id: int
    title: str
    subject: str
    letter_number: str
    letter_date: date
    participants: int
    contact_name: str
    contact_phone: str
    no_buffet_pledge: bool
    sessions: list  # of (starts_at, ends_at), aware datetimes
    description: str = ""
    equipment_ids: list = field(default_factory=list)
    letter_data: bytes | None = None
    letter_name: str | None = None


def session_error(starts_at, ends_at):
    """The message for one session's times, or None when they are sound."""
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        return _l("Fill in the start and end of the session.")
    if ends_at <= starts_at:
        return _l("The session must end after it starts.")
    return None


def pledge_error(given):
    if not given:
        return _l("You must pledge that no buffet food will be served.")
    return None


def participants_error(value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return _l("The number of participants must be a positive whole number.")
    if value > MAX_PARTICIPANTS:
        return _l("At most %(count)d participants.", count=MAX_PARTICIPANTS)
    return None


def input_errors(data, now):
    """Every problem with ``data``, as {field: [messages]}."""
    errors = {}

    def add(name, message):
        if message:
            errors.setdefault(name, []).append(message)

    if data.kind not in LoanKind.codes():
        add("kind", _l("Choose the kind of request."))
    for name in TEXT_FIELDS:
        if not (getattr(data, name) or "").strip():
            add(name, _l("This field is required."))
    for name, messages in text_limits.loan_problems(data).items():
        add(name, messages[0])
    if not isinstance(data.letter_date, date):
        add("letter_date", _l("This field is required."))
    add("participants", participants_error(data.participants))
    add("no_buffet_pledge", pledge_error(data.no_buffet_pledge))
    if not data.sessions:
        add("sessions", _l("Add at least one session."))
    elif len(data.sessions) > MAX_SESSIONS:
        add("sessions", _l("At most %(count)d sessions.", count=MAX_SESSIONS))
    for starts_at, ends_at in data.sessions:
        add("sessions", session_error(starts_at, ends_at))
    room = db.session.get(Room, data.room_id) if data.room_id else None
    if room is None or not room.is_active:
        add("room", _l("Choose a room."))
    elif not errors.get("sessions"):
        for problem in booking_problems(room, data.sessions, now):
            add("sessions", problem)
        add("participants", capacity_violation(room, data.participants))
    if data.letter_data is not None:
        add("letter", letters.letter_error(data.letter_data))
    return errors


def borrower_profile(user):
    return db.session.query(BorrowerProfile).filter_by(user_id=user.id).one_or_none()


def registration_number(loan):
    return f"PC/{to_local(loan.created_at).year}/{loan.id:05d}"


def submit(user, data, now=None):
    """Store and submit a new request for ``user``; the caller commits."""
    now = now or utcnow()
    profile = borrower_profile(user)
    if profile is None or PEMINJAM not in {r.name for r in user.roles}:
        raise LoanInputError(
            {FORM: [_l("Only a borrower account linked to an institution can submit.")]}
        )
    errors = input_errors(data, now)
    if errors:
        raise LoanInputError(errors)

    room = db.session.get(Room, data.room_id)
    equipment = []
    if data.equipment_ids:
        equipment = (
            db.session.query(Equipment)
            .filter(Equipment.id.in_(data.equipment_ids),
                    Equipment.room_id == data.room_id)
            .all()
        )
    loan = LoanRequest(
        kind=data.kind,
        borrower_id=user.id,
        institution_id=profile.institution_id,
        room_id=data.room_id,
        title=data.title.strip(),
        subject=data.subject.strip(),
        description=(data.description or "").strip(),
        letter_number=data.letter_number.strip(),
        letter_date=data.letter_date,
        participants=data.participants,
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(),
        no_buffet_pledge=True,
        equipment_wanted=equipment,
        status=LoanStatus.SUBMITTED,
        status_changed_at=now,
        created_at=now,
        sessions=[
            session_for(room, s, e) for s, e in sorted(data.sessions)
        ],
    )
    db.session.add(loan)
    db.session.flush()
    loan.registration_number = registration_number(loan)
    workflow.record(loan, "submit", None, LoanStatus.SUBMITTED, user, PEMINJAM, now=now)
    if data.letter_data is not None:
        attach_letter(loan, data.letter_data, data.letter_name)
    return loan


def attach_letter(loan, data, original_name):
    """Store a checked letter for ``loan``, replacing the previous one.

    The previous file stays until ``letters.sweep`` finds no row naming it:
    removed now, a rollback would leave the row naming a file that is gone.
    """
    error = letters.letter_error(data)
    if error:
        raise LoanInputError({"letter": [error]})
    loan.letter_file = letters.store_letter(data)
    loan.letter_original_name = (original_name or "surat.pdf")[:255]
