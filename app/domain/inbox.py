""""Tugas Saya": the requests waiting for a user's role, oldest first.

Each task says what is to be done, since when it waits, and for the SOP's
timed steps how much office time has passed against the standard
(app/domain/mutu_baku.py). What waits for whom follows workflow.WAITING_ROLE; the
Admin Pontive Center's tasks also follow the calendar: a room is prepared
on the event's day, and the outcome is recorded from its last session's start.

Hundreds of requests may wait for one role. A page of tasks is one
statement however many wait: the database orders them by when they began
waiting and counts them, and the overdue among them, beside the page.
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.domain import mutu_baku
from app.domain.workflow import WAITING_ROLE
from app.models import LoanRequest, LoanSession
from app.models import LoanStatus as S
from app.platform.extensions import db
from app.platform.timeutil import from_local, later_of, shift, to_local, utcnow
from app.security.roles import ADMIN_PC, KABID, KASI, PEMINJAM
from app.security.scope import role_names


@dataclass(frozen=True)
class Task:
    loan: LoanRequest
    role: str
    todo: object
    since: datetime
    elapsed_seconds: int | None = None
    standard_seconds: int | None = None
    deadline: datetime | None = None  # a borrower's answer to a proposal

    @property
    def overdue(self):
        return (self.standard_seconds is not None
                and self.elapsed_seconds > self.standard_seconds)

    @property
    def elapsed_minutes(self):
        return None if self.elapsed_seconds is None else self.elapsed_seconds // 60

    @property
    def standard_minutes(self):
        return None if self.standard_seconds is None else self.standard_seconds // 60


TODO = {
    S.SUBMITTED: _l("Dispose to the Kasi"),
    S.DISPOSED: _l("Review, coordinate and confirm"),
    S.CONFIRMED: _l("Enter into the agenda"),
    S.SCHEDULED: _l("Prepare the room"),
    S.PREPARED: _l("Record the outcome"),
    S.RESCHEDULE_PROPOSED: _l("Answer the proposed schedule"),
}


def _starts():
    """The first and the last session's start of each request, as SQL."""
    sessions = sa.and_(LoanSession.loan_id == LoanRequest.id,
                       LoanSession.proposed.is_(False))
    return (sa.select(sa.func.min(LoanSession.starts_at)).where(sessions)
            .scalar_subquery(),
            sa.select(sa.func.max(LoanSession.starts_at)).where(sessions)
            .scalar_subquery())


def _waiting_conditions(roles, user, now, first_start, last_start):
    """SQL conditions for the requests that wait for any of ``roles``."""
    tomorrow = from_local(datetime.combine(to_local(now).date() + timedelta(days=1),
                                           time()))
    conditions = []
    if KABID in roles:
        conditions.append(LoanRequest.status == S.SUBMITTED)
    if KASI in roles:
        conditions.append(LoanRequest.status == S.DISPOSED)
    if ADMIN_PC in roles:
        conditions += [
            LoanRequest.status == S.CONFIRMED,
            sa.and_(LoanRequest.status == S.SCHEDULED, first_start < tomorrow),
            # Completed once its last session has started (as the workflow says).
            sa.and_(LoanRequest.status == S.PREPARED, last_start <= now),
        ]
    if PEMINJAM in roles:
        conditions.append(sa.and_(LoanRequest.status == S.RESCHEDULE_PROPOSED,
                                  LoanRequest.borrower_id == user.id))
    return conditions


def _since(first_start, last_start):
    """When each request began waiting for its task, as SQL (as :func:`_task`
    works it out for one request)."""
    preparation = mutu_baku.STEP_BY_STATE[S.SCHEDULED]
    return sa.case(
        (LoanRequest.status == S.SCHEDULED, later_of(
            LoanRequest.status_changed_at,
            shift(first_start, -mutu_baku.standard(preparation)))),
        (LoanRequest.status == S.PREPARED, later_of(LoanRequest.status_changed_at,
                                                    last_start)),
        else_=LoanRequest.status_changed_at)


def _overdue(since, timed, clock, now):
    """SQL: whether a task waiting in one of the ``timed`` states is over its
    standard time."""
    conditions = []
    for status in timed:
        step = mutu_baku.STEP_BY_STATE[status]
        cutoff = clock.overdue_before(mutu_baku.standard(step).total_seconds(), now)
        if cutoff is not None:
            conditions.append(sa.and_(LoanRequest.status == status, since < cutoff))
    return sa.or_(*conditions) if conditions else sa.false()


def _task(loan, now, clock=None, closed=None):
    """The task ``loan`` is waiting for now, or None."""
    role = WAITING_ROLE.get(loan.status)
    if role is None:
        return None
    step = mutu_baku.STEP_BY_STATE.get(loan.status)
    if step is not None:
        timing = mutu_baku.timing(step, loan, now, clock, closed)
        return Task(loan, role, TODO[loan.status], timing.since,
                    timing.elapsed_seconds, timing.standard_seconds)
    since = loan.status_changed_at
    if loan.status == S.PREPARED and loan.sessions:
        since = max(since, loan.sessions[-1].starts_at)
    return Task(loan, role, TODO[loan.status], since,
                deadline=loan.hold_expires_at if loan.status == S.RESCHEDULE_PROPOSED
                else None)


def waiting_now(loan, now=None, closed=None):
    """Who ``loan`` waits for now and for how long (the request's page);
    ``closed``, the page's :class:`rules.ClosedDays`."""
    return _task(loan, now or utcnow(), closed=closed)


@dataclass(frozen=True)
class Tasks:
    """A page of the tasks waiting for someone, and how many wait in all."""

    tasks: list = field(default_factory=list)  # longest-waiting first
    total: int = 0
    overdue: int = 0  # of all ``total``, not only of this page


# Waiting longer than this is rare: its closed days are read on demand.
_CLOCK_DAYS = 92


def tasks_for(user, now=None, limit=None, offset=0):
    """The tasks waiting for ``user``'s roles, longest-waiting first: those
    from ``offset``, at most ``limit`` (all by default)."""
    now = now or utcnow()
    roles = role_names(user)
    first_start, last_start = _starts()
    conditions = _waiting_conditions(roles, user, now, first_start, last_start)
    if not conditions:
        return Tasks()
    since = _since(first_start, last_start)
    timed = [status for status, role in WAITING_ROLE.items()
             if role in roles and status in mutu_baku.STEP_BY_STATE]
    clock = (mutu_baku.OfficeClock.covering(now - timedelta(days=_CLOCK_DAYS), now)
             if timed else None)
    overdue = sa.func.sum(sa.case((_overdue(since, timed, clock, now), 1), else_=0))
    loads = [joinedload(LoanRequest.sessions), joinedload(LoanRequest.institution)]
    if PEMINJAM in roles:  # a borrower answers proposals: they show the new slot
        loads.append(joinedload(LoanRequest.proposed_sessions))
    rows = (db.session.query(LoanRequest, sa.func.count().over(), overdue.over())
            .filter(sa.or_(*conditions)).options(*loads)
            .order_by(since, LoanRequest.id).offset(offset).limit(limit).all())
    if not rows:
        return Tasks(total=_count(conditions) if offset else 0)
    return Tasks(tasks=[_task(loan, now, clock) for loan, _, _ in rows],
                 total=rows[0][1], overdue=int(rows[0][2]))


def _count(conditions):
    return db.session.query(sa.func.count(LoanRequest.id)).filter(
        sa.or_(*conditions)).scalar()
