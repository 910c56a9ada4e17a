"""Submitting a loan request, and the borrower correcting it while it waits
for the Kabid: the checks and the one transaction that stores it.

The web form, the REST API, the CLI and the demo build a :class:`SubmitInput`
or an :class:`EditInput` and call :func:`submit` or :func:`edit`; both check
a request's details with the same rules (:func:`details_errors`: texts,
participants against the room's capacity, equipment), and a submission its
schedule too. A refusal is typed (app/domain/refusals.py): per-field
messages, or a :class:`ScheduleConflict` carrying the taken times and free
alternatives.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from app.domain import letters, phone_numbers, text_limits, workflow, yearly_numbers
from app.domain.loan_fields import participants_error, pledge_error
from app.domain.refusals import FORM, InputRefused, TransitionRefused
from app.domain.scheduling import booking, rules
from app.domain.scheduling.occupancy import lock_room, session_for
from app.domain.scheduling.settings import ScheduleSettings
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

TEXT_FIELDS = ("title", "subject", "letter_number", "contact_name", "contact_phone")


@dataclass(kw_only=True)
class RequestDetails:
    """What a borrower writes about the activity and may correct while the
    request waits for the Kabid."""

    title: str = ""
    subject: str = ""
    letter_number: str = ""
    letter_date: date | None = None
    participants: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    description: str = ""
    equipment_ids: list = field(default_factory=list)


@dataclass(kw_only=True)
class SubmitInput(RequestDetails):
    """A new request: its details, the room and schedule, the pledge, the letter."""

    kind: str = ""
    room_id: int | None = None
    sessions: list = field(default_factory=list)  # of (starts_at, ends_at), aware
    no_buffet_pledge: bool = False
    letter_data: bytes | None = None
    letter_name: str | None = None


@dataclass(kw_only=True)
class EditInput(RequestDetails):
    """The corrected details of a submitted request. Its room, schedule and
    letter change through the SOP (a reschedule) or the letter upload."""


def _adder(errors):
    def add(name, message):
        if message:
            errors.setdefault(name, []).append(message)
    return add


def details_errors(data, room):
    """Every problem with the details ``data`` of a request for ``room``
    (None: no valid room was chosen), as {field: [messages]}."""
    errors = {}
    add = _adder(errors)
    for name in TEXT_FIELDS:
        if not (getattr(data, name) or "").strip():
            add(name, _l("This field is required."))
    for name, messages in text_limits.loan_problems(data).items():
        add(name, messages[0])
    if (data.contact_phone or "").strip() and "contact_phone" not in errors:
        add("contact_phone", phone_numbers.phone_error(data.contact_phone))
    if not isinstance(data.letter_date, date):
        add("letter_date", _l("This field is required."))
    add("participants", participants_error(data.participants)
        or rules.capacity_violation(room, data.participants))
    return errors


def submit_errors(data, now, settings=None):
    """Every problem with the new request ``data`` but a taken slot, as
    {field: [messages]}."""
    settings = settings or ScheduleSettings.current()
    room = db.session.get(Room, data.room_id) if data.room_id else None
    if room is not None and not room.is_active:
        room = None
    errors = details_errors(data, room)
    add = _adder(errors)
    if data.kind not in LoanKind.codes():
        add("kind", _l("Choose the kind of request."))
    if room is None:
        add("room", _l("Choose a room."))
    for problem in rules.schedule_errors(data.sessions, settings, now):
        add("sessions", problem)
    add("no_buffet_pledge", pledge_error(data.no_buffet_pledge))
    if data.letter_data is not None:
        add("letter", letters.letter_error(data.letter_data))
    return errors


def borrower_profile(user):
    return db.session.query(BorrowerProfile).filter_by(user_id=user.id).one_or_none()


def registration_number(now):
    """The next registration number of the year ``now`` falls in (office
    time): PC/2026/00123, and PC/2027/00001 on the first of the next year."""
    year = to_local(now).year
    sequence = yearly_numbers.next_sequence(yearly_numbers.LOAN_SERIES, year)
    return f"{yearly_numbers.LOAN_SERIES}/{year}/{sequence:05d}"


def _wanted_equipment(room_id, equipment_ids):
    """The room's items among ``equipment_ids`` (others' are ignored)."""
    if not equipment_ids:
        return []
    return (db.session.query(Equipment)
            .filter(Equipment.id.in_(equipment_ids), Equipment.room_id == room_id)
            .all())


def submit(user, data, now=None):
    """Store and submit a new request for ``user``; the caller commits.

    :class:`InputRefused` for broken rules, :class:`ScheduleConflict` when
    only the slot is taken (another booking holds the room then).
    """
    now = now or utcnow()
    profile = borrower_profile(user)
    if profile is None or PEMINJAM not in {r.name for r in user.roles}:
        raise InputRefused.at(
            FORM, _l("Only a borrower account linked to an institution can submit."))
    room = db.session.get(Room, data.room_id) if data.room_id else None
    if room is not None:
        lock_room(room.id)  # first, as every command (scheduling.occupancy)
    errors = submit_errors(data, now)
    conflict = None
    if not errors.get("sessions") and "room" not in errors:
        conflict = booking.conflict(room, data.sessions, now)
    if errors:
        refusal = InputRefused(errors)
        if conflict is not None:  # said, and offered, beside the other problems
            refusal.errors["sessions"] = list(conflict.errors["sessions"])
            refusal.suggestions = conflict.suggestions
        raise refusal
    if conflict is not None:
        raise conflict

    loan = LoanRequest(
        registration_number=registration_number(now),
        kind=data.kind,
        borrower_id=user.id,
        institution_id=profile.institution_id,
        room_id=room.id,
        no_buffet_pledge=True,
        equipment_wanted=_wanted_equipment(room.id, data.equipment_ids),
        status=LoanStatus.SUBMITTED,
        status_changed_at=now,
        created_at=now,
        sessions=[session_for(room, s, e) for s, e in sorted(data.sessions)],
    )
    _write_details(loan, data)
    db.session.add(loan)
    db.session.flush()
    workflow.record(loan, "submit", None, LoanStatus.SUBMITTED, user, PEMINJAM, now=now)
    if data.letter_data is not None:
        attach_letter(loan, data.letter_data, data.letter_name)
    return loan


def edit(loan, user, data, now=None):
    """The borrower corrects the details of ``loan`` while it is submitted,
    checked as a submission is; the caller commits.

    :class:`TransitionRefused` when it is not theirs or no longer submitted,
    :class:`InputRefused` for broken rules.
    """
    workflow.lock_request(loan)
    check_edit(loan, user)
    errors = details_errors(data, loan.room)
    if errors:
        raise InputRefused(errors)
    _write_details(loan, data)
    loan.equipment_wanted = _wanted_equipment(loan.room_id, data.equipment_ids)
    return loan


def check_edit(loan, user):
    """Raise :class:`TransitionRefused` unless ``user`` may correct ``loan``
    (its details, or its letter) now: their own, until the Kabid acts."""
    if loan.borrower_id != user.id or PEMINJAM not in {r.name for r in user.roles}:
        raise TransitionRefused(_l("This request is not yours."))
    if loan.status != LoanStatus.SUBMITTED:
        raise TransitionRefused(_l("A request that is already being processed cannot "
                                   "be edited."))


def may_edit(loan, user):
    """Whether :func:`check_edit` lets ``user`` correct ``loan`` now: where
    the pages offer an edit button."""
    try:
        check_edit(loan, user)
    except TransitionRefused:
        return False
    return True


def _write_details(loan, data):
    for name in TEXT_FIELDS:
        setattr(loan, name, getattr(data, name).strip())
    loan.contact_phone = phone_numbers.normalise(data.contact_phone)
    loan.description = (data.description or "").strip()
    loan.letter_date = data.letter_date
    loan.participants = data.participants


def replace_letter(loan, user, data, original_name):
    """The borrower sends (or replaces) the letter of ``loan`` while it is
    submitted; the caller commits. :class:`TransitionRefused` when it is not
    theirs or no longer submitted, :class:`InputRefused` for a bad file."""
    workflow.lock_request(loan)
    check_edit(loan, user)
    attach_letter(loan, data, original_name)
    return loan


def attach_letter(loan, data, original_name):
    """Store a checked letter for ``loan``, replacing the previous one.

    The previous file stays until ``letters.sweep`` finds no row naming it:
    removed now, a rollback would leave the row naming a file that is gone.
    """
    error = letters.letter_error(data)
    if error:
        raise InputRefused.at("letter", error)
    loan.letter_file = letters.store_letter(data)
    loan.letter_original_name = (original_name or "surat.pdf")[:255]
