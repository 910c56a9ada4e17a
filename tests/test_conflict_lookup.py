"""The conflict lookup and the database's own check look at a bounded window.

Both look only at sessions starting less than 48 hours
(ScheduleSettings.SEARCH_WINDOW)
before a session, which keeps them an index range scan of a few rows
(bench/conflict_check.py). The database refuses an occupying session that
spans 48 hours or more (start to the end of its preparation buffer), so the
window cannot miss an overlap.
"""
from datetime import datetime, timedelta, timezone

import pytest
from helpers import submit_loan
from sqlalchemy.exc import IntegrityError

from app.domain.scheduling.occupancy import occupying_clashes, session_for
from app.domain.scheduling.settings import ScheduleSettings
from app.models import LoanSession, Room
from app.platform.extensions import db

DAY = datetime(2033, 3, 7, tzinfo=timezone.utc)  # a Monday, far from demo data


def hours(n):
    return timedelta(hours=n)


def booking(loan, start, end, occupying=True, buffer=hours(0)):
    session = LoanSession(loan_id=loan.id, room_id=loan.room_id, starts_at=start,
                          ends_at=end, blocked_until=end + buffer, occupying=occupying)
    db.session.add(session)
    db.session.commit()
    return session


def refused(constraint, change):
    with pytest.raises(IntegrityError) as error:
        change()
        db.session.commit()
    db.session.rollback()
    assert constraint in str(error.value.orig)


@pytest.fixture
def room():
    return db.session.query(Room).order_by(Room.id).first()


def test_window_covers_the_longest_span_allowed(app, room):
    first, second = submit_loan("peminjam1", "Panjang"), submit_loan("peminjam2", "Baru")
    # 40 hours from Monday 00:00 to Tuesday 16:00: allowed, and it reaches
    # into Tuesday morning.
    long = booking(first, DAY, DAY + hours(32), buffer=hours(8))
    wanted = session_for(room, DAY + hours(30), DAY + hours(31))
    assert [s.id for s in occupying_clashes(room.id, [wanted])] == [long.id]
    refused("ex_loan_session_room_overlap",
            lambda: booking(second, DAY + hours(30), DAY + hours(31)))
    # Right after its buffer the room is free.
    booking(second, DAY + hours(40), DAY + hours(41))


def test_occupying_span_of_48_hours_or_more_is_refused(app):
    loan = submit_loan("peminjam1", "Terlalu panjang")
    start = DAY + timedelta(days=7)
    refused("ck_loan_session_occupying_span",
            lambda: booking(loan, start, start + hours(30), buffer=hours(18)))
    # A request that does not hold the room may ask anything; it cannot
    # start to hold it with such a span.
    pending = booking(loan, start, start + hours(50), occupying=False)
    pending_id = pending.id

    def occupy():
        db.session.get(LoanSession, pending_id).occupying = True

    refused("ck_loan_session_occupying_span", occupy)
    booking(loan, start + timedelta(days=3), start + timedelta(days=3) + hours(47))


def test_lookup_for_several_sessions_and_excluding_a_request(app, room):
    held, other = submit_loan("peminjam1", "Tiga hari"), submit_loan("peminjam2", "Lain")
    monday = DAY + timedelta(days=14)
    a = booking(held, monday + hours(1), monday + hours(9))
    tuesday = monday + timedelta(days=1)
    b = booking(held, tuesday + hours(1), tuesday + hours(9))
    wanted = [session_for(room, monday + timedelta(days=d, hours=3),
                          monday + timedelta(days=d, hours=5)) for d in (2, 1, 0)]
    assert [s.id for s in occupying_clashes(room.id, wanted)] == [a.id, b.id]
    assert occupying_clashes(room.id, wanted, exclude_loan_id=held.id) == []
    assert [s.id for s in occupying_clashes(room.id, wanted[:1] + wanted[2:],
                                            exclude_loan_id=other.id)] == [a.id]
    assert [s.id for s in occupying_clashes(room.id, wanted[:1])] == []
    # Another room is never a clash.
    assert occupying_clashes(room.id + 1000, wanted) == []


def test_window_is_48_hours(app):
    assert ScheduleSettings.SEARCH_WINDOW == hours(48)
