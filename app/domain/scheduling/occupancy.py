"""Who holds the room when, and keeping two bookings from overlapping.

A session occupies its room while its request is confirmed, scheduled,
prepared or completed (``LoanStatus.OCCUPYING``), or, for the sessions of a
reschedule proposal, while the proposal holds them for the borrower. Two
occupying sessions of one room that belong to different requests may not
overlap, counting the room's preparation buffer (``blocked_until``);
touching end to start is allowed when the buffer is zero.

The database enforces this (an exclusion constraint on PostgreSQL, triggers
on SQLite: migrations 0002 and 0003). :func:`claim` checks first under the
room's lock, so a refused booking gets a :class:`ScheduleConflict` rather
than an integrity error.

Locks are taken in one order on every path that changes a request: the room
(:func:`lock_room`) first, before any session row is written or any request
row locked. On PostgreSQL an insert into ``loan_session`` or ``loan_request``
takes a key-share lock on the room's row (their foreign key): a transaction
that wrote sessions first and then asked for the room's lock could wait for
another doing the same, a deadlock.
"""
from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.domain.refusals import ScheduleConflict
from app.domain.scheduling.settings import ScheduleSettings
from app.models import LoanRequest, LoanSession, LoanStatus, Room
from app.platform.extensions import db

CONSTRAINT = "ex_loan_session_room_overlap"


def session_for(room, starts_at, ends_at, proposed=False):
    return LoanSession(
        room_id=room.id, starts_at=starts_at, ends_at=ends_at,
        blocked_until=ends_at + timedelta(minutes=room.prep_buffer_minutes),
        proposed=proposed, occupying=False,
    )


def hold_is_live(loan, now):
    return loan.hold_expires_at is None or now < loan.hold_expires_at


def should_occupy(loan, session, now):
    if session.proposed:
        return loan.status == LoanStatus.RESCHEDULE_PROPOSED and hold_is_live(loan, now)
    return loan.status in LoanStatus.OCCUPYING


def still_holding(sessions, now):
    """``sessions`` without those of proposals whose hold has lapsed by ``now``.

    A lapsed proposal keeps ``occupying`` until the next booking of the room
    or ``workflow.release_lapsed_holds`` clears it, yet holds nothing.
    """
    return [s for s in sessions if not s.proposed or hold_is_live(s.loan, now)]


def overlap(a_start, a_blocked_until, b_start, b_blocked_until):
    """Whether two sessions' occupied spans ``[start, blocked_until)`` meet."""
    return a_start < b_blocked_until and b_start < a_blocked_until


def meeting(start, until, after=None, session=LoanSession):
    """SQL: ``session``'s occupied span ``[starts_at, blocked_until)`` meets
    ``[start, until)``.

    The one overlap condition of every lookup (conflicts, availability, the
    agenda, the dashboard, the reports). ``after`` is ``start`` less
    :attr:`ScheduleSettings.SEARCH_WINDOW` (computed here for a plain time;
    given by a caller whose ``start`` is a parameter or a column): no session
    starting earlier can reach ``start``, and the bound keeps the lookup an
    index range scan of the room's rows.
    """
    if after is None:
        after = start - ScheduleSettings.SEARCH_WINDOW
    return sa.and_(session.starts_at > after, session.starts_at < until,
                   session.blocked_until > start)


def _time_parameter(name):
    return sa.bindparam(name, type_=LoanSession.starts_at.type)


@lru_cache(maxsize=64)
def _clashes_statement(count, excluding):
    """The lookup for ``count`` sessions, built once: only its parameters vary.

    Building the expression anew on every call cost more than running it
    (bench/conflict_check.py).
    """
    spans = [
        meeting(_time_parameter(f"start_{n}"), _time_parameter(f"until_{n}"),
                after=_time_parameter(f"after_{n}"))
        for n in range(count)
    ]
    statement = sa.select(LoanSession).where(
        LoanSession.room_id == sa.bindparam("room_id"),
        LoanSession.occupying.is_(True),
        sa.or_(*spans),
    )
    if excluding:
        statement = statement.where(LoanSession.loan_id != sa.bindparam("exclude_loan_id"))
    return statement.order_by(LoanSession.starts_at)


def occupying_clashes(room_id, sessions, exclude_loan_id=None):
    """Occupying sessions of other requests that ``sessions`` would overlap."""
    if not sessions:
        return []
    parameters = {"room_id": room_id}
    if exclude_loan_id is not None:
        parameters["exclude_loan_id"] = exclude_loan_id
    for n, s in enumerate(sessions):
        parameters[f"until_{n}"] = s.blocked_until
        parameters[f"start_{n}"] = s.starts_at
        parameters[f"after_{n}"] = s.starts_at - ScheduleSettings.SEARCH_WINDOW
    statement = _clashes_statement(len(sessions), exclude_loan_id is not None)
    return db.session.execute(statement, parameters).scalars().all()


def lock_room(room_id):
    """Make changes of one room's requests wait for each other until commit.

    Taken first by every command on a request (see the module's description).
    PostgreSQL locks the room's row ``FOR NO KEY UPDATE``: it excludes the
    same lock of other transactions, yet lets rows referencing the room be
    inserted. SQLite has one writer at a time: start the write transaction
    now (BEGIN IMMEDIATE) unless this one already writes, so what follows
    reads what the last booking committed. Taking it again in the same
    transaction is free.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        db.session.execute(
            # key_share=True is SQLAlchemy's spelling of FOR NO KEY UPDATE.
            sa.select(Room.id).where(Room.id == room_id).with_for_update(key_share=True)
        )


def release_lapsed_holds(room_id, now):
    """Proposals whose hold has lapsed stop holding the room."""
    lapsed = sa.select(LoanRequest.id).where(
        LoanRequest.room_id == room_id,
        LoanRequest.status == LoanStatus.RESCHEDULE_PROPOSED,
        LoanRequest.hold_expires_at <= now,
    )
    db.session.execute(
        sa.update(LoanSession)
        .where(LoanSession.proposed.is_(True), LoanSession.occupying.is_(True),
               LoanSession.loan_id.in_(lapsed))
        .values(occupying=False)
        .execution_options(synchronize_session=False)
    )


def claim(loan, now):
    """Set each session's ``occupying`` from the request's state.

    Sessions that start to occupy are checked, under the room's lock (the
    command took it first), against the room's other bookings;
    :class:`ScheduleConflict` (without suggestions: scheduling.booking adds
    them) if one is taken. The caller commits (or rolls back after a conflict).
    """
    sessions = list(loan.sessions) + list(loan.proposed_sessions)
    wanted = {s: should_occupy(loan, s, now) for s in sessions}
    newly = [s for s, occupy in wanted.items() if occupy and not s.occupying]
    if newly:
        with db.session.no_autoflush:
            lock_room(loan.room_id)
            release_lapsed_holds(loan.room_id, now)
            clashes = occupying_clashes(loan.room_id, newly, exclude_loan_id=loan.id)
        if clashes:
            raise ScheduleConflict([(s.starts_at, s.ends_at) for s in clashes])
    for session, occupy in wanted.items():
        session.occupying = occupy
    try:
        db.session.flush()
    except IntegrityError as error:
        if CONSTRAINT in str(error.orig):
            raise ScheduleConflict([]) from error
        raise
