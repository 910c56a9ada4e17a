"""What the dashboard shows each person: bookings of today and this week, and
this month's figures. Each query is bounded by its period (indexed), not by
the size of the tables.
"""
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from app.domain.scheduling.availability import midnight, rooms_busy_blocks
from app.models import LoanRequest, LoanStatus, Room, StatusHistory
from app.platform.extensions import db
from app.platform.timeutil import to_local
from app.security.scope import sees_loan

WEEK_DAYS = 7


@dataclass(frozen=True)
class Week:
    today: list  # BusyBlocks starting today
    later: list  # and in the WEEK_DAYS days after today
    room_names: dict  # every room's name by its id

    @property
    def several_rooms(self):
        """Whether to name each booking's room."""
        return len(self.room_names) > 1


def bookings(user, now):
    """The bookings holding a room today and in the week after today, in
    order; a borrower's own only. A rolling week, so that on Friday or at the
    weekend the coming office days are shown."""
    today = to_local(now).date()
    tomorrow = midnight(today + timedelta(days=1))
    week_end = midnight(today + timedelta(days=1 + WEEK_DAYS))
    room_names = dict(db.session.execute(sa.select(Room.id, Room.name)).all())
    sees = sees_loan(user)
    blocks = [
        block
        for block in rooms_busy_blocks(list(room_names), midnight(today), week_end, now)
        if sees(block.loan)
    ]
    blocks.sort(key=lambda block: (block.starts_at, block.loan.id))
    return Week(today=[b for b in blocks if b.starts_at < tomorrow],
                later=[b for b in blocks if b.starts_at >= tomorrow],
                room_names=room_names)


@dataclass(frozen=True)
class MonthFigures:
    submitted: int
    confirmed: int
    completed: int
    timed_steps: int  # SOP steps with a standard time taken this month
    within_standard: int

    @property
    def within_standard_percent(self):
        if not self.timed_steps:
            return None
        return round(100 * self.within_standard / self.timed_steps)


def _count(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def month_figures(now):
    """This month's requests submitted, confirmed and completed, and how many
    timed steps kept the SOP's standard time (all requests: staff only)."""
    first = to_local(now).date().replace(day=1)
    start = midnight(first)
    end = midnight((first + timedelta(days=32)).replace(day=1))
    submitted = (sa.select(sa.func.count(LoanRequest.id))
                 .where(LoanRequest.created_at >= start, LoanRequest.created_at < end)
                 .scalar_subquery())
    timed = StatusHistory.standard_seconds.isnot(None)
    # One statement: the requests submitted as a subquery beside the steps.
    submitted, confirmed, completed, timed_steps, within = db.session.query(
        submitted,
        _count(StatusHistory.to_status == LoanStatus.CONFIRMED),
        _count(StatusHistory.to_status == LoanStatus.COMPLETED),
        _count(timed),
        _count(sa.and_(timed, StatusHistory.elapsed_seconds
                       <= StatusHistory.standard_seconds)),
    ).filter(StatusHistory.created_at >= start, StatusHistory.created_at < end).one()
    return MonthFigures(submitted, int(confirmed), int(completed), int(timed_steps),
                        int(within))
