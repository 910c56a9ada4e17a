"""Complaints and suggestions (pengaduan) as UU 25/2009 asks a public service
to handle them: a borrower files one about a request of theirs or about the
service in general; the Kasi PK & AI or the Admin Pontive Center answers it
within the response standard and closes it; the borrower reads the answer.

- Each gets a number that restarts every year, ADU/2026/0001, from the
  year's counter (app/domain/yearly_numbers.py): two complaints filed at
  once wait for each other and get consecutive numbers.
- The response standard is COMPLAINT_RESPONSE_DAYS working days: a
  complaint is due at the end of office hours on that many office days
  after the day it was filed (weekends, national holidays, cuti bersama and
  unavailable dates do not count). Both are stored with the complaint, so a
  later change of the setting does not rewrite the past.
- Steps: file (borrower) -> submitted; answer (staff) -> answered; close
  (staff) -> closed. Every step appends a history row (who, which role,
  when, the text).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.domain import yearly_numbers
from app.domain.scheduling import rules
from app.domain.scheduling.settings import ScheduleSettings
from app.models import (
    Complaint,
    ComplaintHistory,
    ComplaintKind,
    ComplaintStatus,
    ComplaintTopic,
    LoanRequest,
)
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow
from app.security.roles import ADMIN_PC, KASI, PEMINJAM
from app.security.scope import is_borrower, is_staff, role_names

# Who answers and closes complaints.
HANDLERS = (KASI, ADMIN_PC)
SUBJECT_MAX_CHARS = 200
TEXT_MAX_CHARS = 5000

ACTION_LABELS = {
    "file": _l("Filed"),
    "answer": _l("Answer the complaint"),
    "close": _l("Close the complaint"),
}


class ComplaintError(Exception):
    """A step that is not allowed; ``str()`` is the user's message."""


class ComplaintInputError(ValueError):
    """Input that cannot be kept: ``errors`` is {field: [messages]}."""

    def __init__(self, errors):
        super().__init__("; ".join(str(m) for ms in errors.values() for m in ms))
        self.errors = errors


@dataclass(frozen=True)
class ComplaintInput:
    kind: str
    topic: str
    subject: str
    description: str
    loan_id: int | None = None


def number_of(year, sequence):
    return f"ADU/{year}/{sequence:04d}"


def standard_days():
    return current_app.config["COMPLAINT_RESPONSE_DAYS"]


def deadline(filed_at, days, settings=None):
    """The end of office hours on the ``days``-th office day after the day
    ``filed_at`` falls on (office time)."""
    settings = settings or ScheduleSettings.current()
    day = to_local(filed_at).date()
    counted, closed, read_until = 0, {}, day
    while counted < days:
        day += timedelta(days=1)
        if day > read_until:  # a month of closed days at a time
            read_until = day + timedelta(days=31)
            closed = rules.closed_days(day, read_until, settings)
        if day.weekday() in settings.office_days and day not in closed:
            counted += 1
    return from_local(datetime.combine(day, settings.office_end))


def own_loans(user):
    """(id, registration number, title) of ``user``'s requests, newest first:
    what a complaint may be about."""
    return db.session.execute(
        sa.select(LoanRequest.id, LoanRequest.registration_number, LoanRequest.title)
        .where(LoanRequest.borrower_id == user.id)
        .order_by(LoanRequest.created_at.desc(), LoanRequest.id.desc())).all()


def _text_error(text, required, limit):
    if required and not (text or "").strip():
        return _l("This field is required.")
    if len(text or "") > limit:
        return _l("At most %(max)d characters.", max=limit)
    return None


def input_errors(data, user):
    errors = {}
    if data.kind not in ComplaintKind.codes():
        errors["kind"] = [_l("Choose one of the options.")]
    if data.topic not in ComplaintTopic.codes():
        errors["topic"] = [_l("Choose one of the options.")]
    for name, limit in (("subject", SUBJECT_MAX_CHARS), ("description", TEXT_MAX_CHARS)):
        message = _text_error(getattr(data, name), True, limit)
        if message:
            errors[name] = [message]
    if data.loan_id is not None and data.loan_id not in {row.id for row in own_loans(user)}:
        errors["loan_id"] = [_l("Choose one of your own requests, or none.")]
    return errors


def _record(complaint, action, from_status, user, role, note, now):
    db.session.add(ComplaintHistory(
        complaint=complaint, action=action, from_status=from_status,
        to_status=complaint.status, actor_id=user.id, actor_role=role,
        created_at=now, note=note or ""))


def file(user, data, now=None):
    """A new complaint of borrower ``user``; the caller commits."""
    if not is_borrower(user):
        raise ComplaintError(_l("Complaints are filed by borrowers, from their account."))
    errors = input_errors(data, user)
    if errors:
        raise ComplaintInputError(errors)
    now = now or utcnow()
    year = to_local(now).year
    sequence = yearly_numbers.next_sequence(yearly_numbers.COMPLAINT_SERIES, year)
    days = standard_days()
    complaint = Complaint(
        year=year, sequence=sequence, number=number_of(year, sequence),
        kind=data.kind, topic=data.topic, borrower_id=user.id, loan_id=data.loan_id,
        subject=data.subject.strip(), description=data.description.strip(),
        status=ComplaintStatus.SUBMITTED, created_at=now, standard_days=days,
        due_at=deadline(now, days))
    db.session.add(complaint)
    _record(complaint, "file", None, user, PEMINJAM, "", now)
    db.session.flush()
    return complaint


# ---------------------------------------------------------------- staff steps

STEPS = {  # action: (from status, to status)
    "answer": (ComplaintStatus.SUBMITTED, ComplaintStatus.ANSWERED),
    "close": (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED),
}


def handler_role(user):
    """The role in which ``user`` handles complaints, or None."""
    roles = role_names(user)
    return next((role for role in HANDLERS if role in roles), None)


def allowed_actions(complaint, user):
    if handler_role(user) is None:
        return []
    return [action for action, (source, _target) in STEPS.items()
            if complaint.status == source]


def take(complaint, action, user, text="", now=None):
    """Answer (``text`` required) or close (``text`` an optional note)
    ``complaint``; the caller commits."""
    role = handler_role(user)
    if action not in STEPS:
        raise ComplaintError(_l("Unknown step."))
    if role is None:
        raise ComplaintError(_l("Complaints are answered and closed by the Kasi PK & AI "
                                "or the Admin Pontive Center."))
    source, target = STEPS[action]
    if complaint.status != source:
        raise ComplaintError(_l("Complaint %(number)s is %(status)s: this step is not "
                                "possible now.", number=complaint.number,
                                status=complaint.status_label))
    message = _text_error(text, action == "answer", TEXT_MAX_CHARS)
    if message:
        raise ComplaintInputError({"text": [message]})
    now = now or utcnow()
    text = (text or "").strip()
    if action == "answer":
        complaint.answer, complaint.answered_at = text, now
        complaint.answered_by_id = user.id
    else:
        complaint.closed_at = now
    complaint.status = target
    _record(complaint, action, source, user, role, text, now)
    db.session.flush()


# ---------------------------------------------------------------- reading

def visible(query, user):
    """Limit a query on Complaint to what ``user`` may see: staff all, a
    borrower their own."""
    if is_staff(user):
        return query
    if is_borrower(user):
        return query.filter(Complaint.borrower_id == user.id)
    return query.filter(sa.false())


def get_visible(pk, user):
    """The complaint ``pk`` if ``user`` may see it, else None."""
    query = db.session.query(Complaint).options(
        joinedload(Complaint.borrower), joinedload(Complaint.loan),
        joinedload(Complaint.answered_by))
    return visible(query.filter(Complaint.id == pk), user).one_or_none()


def page_of(user, offset=0, limit=25):
    """(complaints from ``offset``, newest first, how many in all)."""
    query = visible(db.session.query(Complaint), user)
    total = query.count()
    rows = (query.options(joinedload(Complaint.borrower), joinedload(Complaint.loan))
            .order_by(Complaint.created_at.desc(), Complaint.id.desc())
            .offset(offset).limit(limit).all())
    return rows, total


@dataclass(frozen=True)
class Waiting:
    complaints: list  # oldest first: those to answer, then those to close
    total: int = 0
    overdue: int = 0  # waiting for an answer past the standard


TODO = {ComplaintStatus.SUBMITTED: _l("Answer the complaint"),
        ComplaintStatus.ANSWERED: _l("Close the complaint")}


def _open_and_overdue(now):
    """SQL: the complaints waiting for staff, and whether one is overdue."""
    open_ = Complaint.status.in_((ComplaintStatus.SUBMITTED, ComplaintStatus.ANSWERED))
    overdue = sa.case((sa.and_(Complaint.status == ComplaintStatus.SUBMITTED,
                               Complaint.due_at < now), 1), else_=0)
    return open_, overdue


def waiting_for(user, now=None, limit=None):
    """The complaints waiting for ``user`` (Tugas Saya): for the Kasi and the
    Admin Pontive Center, those to answer and those answered to close, the
    longest-waiting first (at most ``limit``); for anyone else, none. The
    totals count them all, in the same statement."""
    if handler_role(user) is None:
        return Waiting([])
    open_, overdue = _open_and_overdue(now or utcnow())
    since = sa.func.coalesce(Complaint.answered_at, Complaint.created_at)
    rows = (db.session.query(Complaint, sa.func.count().over(),
                             sa.func.sum(overdue).over())
            .filter(open_).options(joinedload(Complaint.borrower))
            .order_by((Complaint.status == ComplaintStatus.ANSWERED), since, Complaint.id)
            .limit(limit).all())
    if not rows:
        return Waiting([])
    return Waiting([row[0] for row in rows], total=rows[0][1], overdue=int(rows[0][2]))


def waiting_counts(user, now=None):
    """(how many complaints wait for ``user``, how many of them are overdue)."""
    if handler_role(user) is None:
        return 0, 0
    open_, overdue = _open_and_overdue(now or utcnow())
    total, late = db.session.execute(
        sa.select(sa.func.count(Complaint.id), sa.func.coalesce(sa.func.sum(overdue), 0))
        .where(open_)).one()
    return total, int(late)


# ---------------------------------------------------------------- a year

@dataclass(frozen=True)
class YearComplaints:
    """The complaints filed in a year, for the annual report."""

    total: int = 0
    complaints: int = 0  # of kind complaint; the rest are suggestions
    by_topic: tuple = ()  # (topic code, count), in ComplaintTopic order
    answered: int = 0
    within_standard: int = 0
    median_response_seconds: float | None = None
    standard_days: tuple = ()  # the standards in force over the year

    @property
    def suggestions(self):
        return self.total - self.complaints

    @property
    def unanswered(self):
        return self.total - self.answered


def year_figures(year):
    """What the annual report says of ``year``'s complaints (filed in it)."""
    rows = db.session.execute(
        sa.select(Complaint.kind, Complaint.topic, Complaint.created_at,
                  Complaint.answered_at, Complaint.due_at, Complaint.standard_days)
        .where(Complaint.year == year)).all()
    if not rows:
        return YearComplaints()
    topics = {}
    for row in rows:
        topics[row.topic] = topics.get(row.topic, 0) + 1
    answered = [row for row in rows if row.answered_at is not None]
    waits = sorted((row.answered_at - row.created_at).total_seconds() for row in answered)
    middle = len(waits) // 2
    median = (None if not waits else waits[middle] if len(waits) % 2
              else (waits[middle - 1] + waits[middle]) / 2)
    return YearComplaints(
        total=len(rows),
        complaints=sum(1 for row in rows if row.kind == ComplaintKind.COMPLAINT),
        by_topic=tuple((code, topics[code]) for code in ComplaintTopic.codes()
                       if code in topics),
        answered=len(answered),
        within_standard=sum(1 for row in answered if row.answered_at <= row.due_at),
        median_response_seconds=median,
        standard_days=tuple(sorted({row.standard_days for row in rows})))
