""""Tugas Saya": the requests waiting for a user's role, oldest first.

Each task says what is to be done, since when it waits, and for the SOP's
timed steps how much office time has passed against the standard
(app/mutu_baku.py). What waits for whom follows workflow.WAITING_ROLE; the
Admin Pontive Center's tasks also follow the calendar: a room is prepared
on the event's day, and the outcome is recorded from its last session's start.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from app import mutu_baku
from app.extensions import db
from app.models import LoanRequest, LoanSession
from app.models import LoanStatus as S
from app.security.roles import ADMIN_PC, KABID, KASI, PEMINJAM
from app.security.scope import role_names
from app.timeutil import from_local, to_local, utcnow
from app.workflow import WAITING_ROLE


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


def _waiting_conditions(roles, user, now):
    """SQL conditions for the requests that wait for any of ``roles``."""
    first_start, last_start = _starts()
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


def _task(loan, now, clock=None):
    """The task ``loan`` is waiting for now, or None."""
    role = WAITING_ROLE.get(loan.status)
    if role is None:
        return None
    step = mutu_baku.STEP_BY_STATE.get(loan.status)
    if step is not None:
        timing = mutu_baku.timing(step, loan, now, clock)
        return Task(loan, role, TODO[loan.status], timing.since,
                    timing.elapsed_seconds, timing.standard_seconds)
    since = loan.status_changed_at
    if loan.status == S.PREPARED and loan.sessions:
        since = max(since, loan.sessions[-1].starts_at)
    return Task(loan, role, TODO[loan.status], since,
                deadline=loan.hold_expires_at if loan.status == S.RESCHEDULE_PROPOSED
                else None)


def waiting_now(loan, now=None):
    """Who ``loan`` waits for now and for how long (the request's page)."""
    return _task(loan, now or utcnow())


def tasks_for(user, now=None):
    """The tasks waiting for ``user``'s roles, longest-waiting first."""
    now = now or utcnow()
    roles = role_names(user)
    conditions = _waiting_conditions(roles, user, now)
    if not conditions:
        return []
    loads = [selectinload(LoanRequest.sessions), joinedload(LoanRequest.institution)]
    if PEMINJAM in roles:  # a borrower answers proposals: they show the new slot
        loads.append(selectinload(LoanRequest.proposed_sessions))
    loans = db.session.query(LoanRequest).filter(sa.or_(*conditions)).options(*loads).all()
    if not loans:
        return []
    earliest = min(min(loan.status_changed_at for loan in loans), now)
    clock = mutu_baku.OfficeClock.covering(earliest - timedelta(days=1), now)
    tasks = [_task(loan, now, clock) for loan in loans]
    return sorted((t for t in tasks if t is not None), key=lambda t: t.since)
