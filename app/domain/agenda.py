"""The agenda: the bookings of one room or all rooms in a month, week or day.

Plain functions over the database; no view is imported here. The bookings
come from :func:`app.domain.scheduling.availability.rooms_busy_blocks`, bounded by
the period shown through the room index, so the cost does not grow with the
table. Who may read what follows the availability page: staff see every
booking and the requests still waiting; a borrower sees their own requests
in full, other borrowers' bookings only as busy (no request at all), and
other borrowers' pending requests not at all.
"""
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.domain.scheduling import availability, rules
from app.domain.scheduling.settings import ScheduleSettings
from app.models import Institution, LoanRequest, LoanSession, LoanStatus
from app.platform.extensions import db
from app.security.scope import is_staff, sees_loan

MONTH, WEEK, DAY = "month", "week", "day"
VIEWS = (MONTH, WEEK, DAY)
VIEW_LABELS = {MONTH: _l("Month"), WEEK: _l("Week"), DAY: _l("Day")}

# A booking's state, as the agenda colours it: a LoanStatus value of the
# occupying states, or one of these.
PENDING = "pending"  # submitted or disposed: waiting for the Kabid or the Kasi
PROPOSED = "proposed"  # a reschedule proposal holding its slot for the borrower
BUSY = "busy"  # another borrower's booking, as a borrower sees it
CANCELLED = "cancelled"  # rejected, cancelled or not used (the borrower's feed)
STATE_LABELS = {
    PENDING: _l("Pending"),
    PROPOSED: _l("Reschedule proposed"),
    LoanStatus.CONFIRMED: _l("Confirmed"),
    LoanStatus.SCHEDULED: _l("Scheduled"),
    LoanStatus.PREPARED: _l("Room prepared"),
    LoanStatus.COMPLETED: _l("Completed"),
    BUSY: _l("Busy"),
    CANCELLED: _l("Cancelled"),
}
# The legend, in the order a request goes through them.
LEGEND = (PENDING, PROPOSED, LoanStatus.CONFIRMED, LoanStatus.SCHEDULED,
          LoanStatus.PREPARED, LoanStatus.COMPLETED, BUSY)


class AgendaError(ValueError):
    """A view or date the agenda cannot show; ``str()`` says why."""


@dataclass
class Booking:
    """One session on the agenda. ``loan`` is None when the viewer may only
    know that the room is busy then."""

    session_id: int
    room_id: int
    starts_at: datetime
    ends_at: datetime
    blocked_until: datetime
    state: str
    loan: availability.LoanBrief | None

    @property
    def state_label(self):
        return str(STATE_LABELS[self.state])


@dataclass
class AgendaDay:
    day: date
    office_day: bool
    today: bool
    closed: str | None = None  # the holiday's or closed date's name
    bookings: list = field(default_factory=list)


# ---------------------------------------------------------------- periods

def parse_view(text):
    """The view asked for; month when none. :class:`AgendaError` if unknown."""
    text = (text or "").strip()
    if not text:
        return MONTH
    if text not in VIEWS:
        raise AgendaError(gettext("The agenda has a month, week and day view; "
                                  "showing the month."))
    return text


def parse_date(text, today):
    """The date asked for; today when none. :class:`AgendaError` if not valid."""
    try:
        return availability.parse_day(text, today)
    except availability.PeriodError as error:
        raise AgendaError(str(error)) from error


def period(view, day):
    """(first, last) dates shown: whole weeks (Monday to Sunday) covering the
    month, the week, or the day itself."""
    if view == DAY:
        return day, day
    if view == WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    first_of_month = day.replace(day=1)
    last_of_month = day.replace(day=monthrange(day.year, day.month)[1])
    return (first_of_month - timedelta(days=first_of_month.weekday()),
            last_of_month + timedelta(days=6 - last_of_month.weekday()))


def neighbour(view, day, direction):
    """The date one month, week or day before (-1) or after (+1) ``day``;
    None outside the dates the agenda shows."""
    if view == MONTH:
        month = day.year * 12 + day.month - 1 + direction
        target = date(month // 12, month % 12 + 1, 1)
    else:
        target = day + direction * timedelta(days=7 if view == WEEK else 1)
    if not availability.FIRST_DAY <= target <= availability.LAST_DAY:
        return None
    return target


# ---------------------------------------------------------------- bookings

def state_of(loan, pending):
    if pending:
        return PENDING
    if loan.status == LoanStatus.RESCHEDULE_PROPOSED:
        return PROPOSED
    if loan.status in LoanStatus.NOT_HELD:
        return CANCELLED
    return loan.status


def bookings(user, room_ids, start, end, now, include_pending=True):
    """What ``user`` may see of the rooms' bookings meeting [start, end).

    Occupying bookings (a reschedule proposal while it holds its slot) and,
    with ``include_pending``, requests still waiting; a borrower sees only
    their own waiting requests, and others' bookings without their request.
    """
    staff, sees = is_staff(user), sees_loan(user)
    found = []
    for block in availability.rooms_busy_blocks(room_ids, start, end, now,
                                                include_pending=include_pending):
        visible = sees(block.loan)
        if block.pending and not staff and not visible:
            continue
        found.append(Booking(
            session_id=block.session_id, room_id=block.room_id,
            starts_at=block.starts_at, ends_at=block.ends_at,
            blocked_until=block.blocked_until,
            state=state_of(block.loan, block.pending) if visible else BUSY,
            loan=block.loan if visible else None,
        ))
    return found


def own_bookings(user, room_ids, start, end):
    """Every session of ``user``'s own requests in the rooms starting in
    [start, end), in whatever state: the schedule, or the proposal instead
    while one is offered."""
    proposing = LoanRequest.status == LoanStatus.RESCHEDULE_PROPOSED
    rows = db.session.execute(
        sa.select(LoanSession.id, LoanSession.room_id, LoanSession.starts_at,
                  LoanSession.ends_at, LoanSession.blocked_until,
                  *availability.BRIEF_COLUMNS)
        .join(LoanRequest, LoanRequest.id == LoanSession.loan_id)
        .join(Institution, Institution.id == LoanRequest.institution_id)
        .where(LoanRequest.borrower_id == user.id, LoanSession.room_id.in_(room_ids),
               LoanSession.starts_at >= start, LoanSession.starts_at < end,
               LoanSession.proposed == proposing)
        .order_by(LoanSession.starts_at, LoanSession.id)
    )
    return [_shown_in_full(*row[:5], availability.LoanBrief(*row[5:])) for row in rows]


def loan_bookings(loan):
    """The sessions of one request, as its own calendar file lists them."""
    brief = availability.LoanBrief.of(loan)
    return [_shown_in_full(s.id, s.room_id, s.starts_at, s.ends_at, s.blocked_until, brief)
            for s in loan.sessions]


def _shown_in_full(session_id, room_id, starts_at, ends_at, blocked_until, loan):
    return Booking(session_id=session_id, room_id=room_id, starts_at=starts_at,
                   ends_at=ends_at, blocked_until=blocked_until,
                   state=state_of(loan, loan.status in LoanStatus.PENDING), loan=loan)


def agenda_days(user, room_ids, first, last, now, today, settings=None):
    """Each day from ``first`` to ``last`` with what ``user`` may see of its
    bookings, whether it is an office day, and the holiday's name."""
    settings = settings or ScheduleSettings.current()
    start = availability.midnight(first)
    end = availability.midnight(last + timedelta(days=1))
    found = bookings(user, room_ids, start, end, now)
    closed = rules.closed_days(first, last, settings)
    days = []
    for day in rules.days_between(first, last):
        day_start = availability.midnight(day)
        day_end = availability.midnight(day + timedelta(days=1))
        days.append(AgendaDay(
            day=day, today=day == today, closed=closed.get(day),
            office_day=day.weekday() in settings.office_days and day not in closed,
            bookings=[b for b in found if b.starts_at < day_end and b.ends_at > day_start],
        ))
    return days


# ---------------------------------------------------------------- layout

def lanes(bookings_of_day):
    """Side by side placement of a day's bookings that overlap in time.

    Returns (booking, lane, lanes) in order: bookings that overlap, directly
    or through others, share a group; each takes the first lane free at its
    start, and the group's lanes split the column's width.
    """
    placed, group, group_end, lane_ends = [], [], None, []

    def close_group():
        placed.extend((booking, lane, len(lane_ends)) for booking, lane in group)

    for booking in sorted(bookings_of_day, key=lambda b: (b.starts_at, b.ends_at)):
        if group and booking.starts_at >= group_end:
            close_group()
            group, lane_ends = [], []
        lane = next((i for i, end in enumerate(lane_ends) if end <= booking.starts_at),
                    len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(booking.ends_at)
        else:
            lane_ends[lane] = booking.ends_at
        group_end = max(group_end, booking.ends_at) if group else booking.ends_at
        group.append((booking, lane))
    close_group()
    return placed


def free_times(room, days, now, settings=None):
    """{day: [FreeSlot]} of the times of ``room`` that may be requested, from
    the bookings of ``days`` (agenda_days of that room alone, so no query
    more): what holds the room is every booking but a pending one."""
    settings = settings or ScheduleSettings.current()
    buffer = timedelta(minutes=room.prep_buffer_minutes)
    spans = sorted({(b.starts_at, b.blocked_until) for entry in days
                    for b in entry.bookings if b.state != PENDING})
    return {entry.day: [slot for slot in availability.day_free_slots(
                entry.day, settings, spans, buffer, now) if slot.requestable]
            for entry in days if entry.office_day}
