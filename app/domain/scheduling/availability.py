"""What is busy and what is free in a room, and the nearest free slots.

Plain functions over the database; no view is imported here. Every query is
bounded by the period asked for (``room_id`` and a ``starts_at`` range, the
``ix_loan_session_room_time`` index), so its cost does not grow with the
bookings of other rooms or other months.

A booking ``[start, end)`` of a room occupies ``[start, end + buffer)``, the
buffer being the room's preparation time. A new booking ``[s, e)`` is free
when, for every occupying span ``[S, B)``, ``e + buffer <= S`` or ``s >= B``
(see :mod:`app.domain.scheduling.occupancy`).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import contains_eager

from app.domain.scheduling import occupancy, rules
from app.domain.scheduling.settings import ScheduleSettings
from app.models import Institution, LoanRequest, LoanSession, LoanStatus, Room
from app.platform.extensions import db
from app.platform.formatting import format_session
from app.platform.timeutil import from_local, to_local

MAX_RANGE_DAYS = 31
# Dates outside these are typing mistakes (and beyond what the calendar and
# the holiday tables handle sensibly).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
# How many days after the requested one suggestions are looked for.
SUGGEST_DAYS = 31
# Suggested starts fall on this grid (from midnight), unless the requested
# start itself fits.
SLOT_STEP = timedelta(minutes=30)


class PeriodError(ValueError):
    """A date range the availability page cannot show; ``str()`` says why and
    ``field`` which input ("start" or "end", None if not known)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class LoanBrief:
    """What a busy block tells of its request: read with the block as plain
    columns, since a month of the agenda holds a thousand of them and
    building each as a row object (with its institution) cost four times
    reading it."""

    id: int
    registration_number: str
    title: str
    status: str
    borrower_id: int
    institution: str  # its name
    participants: int
    contact_name: str
    contact_phone: str
    created_at: datetime
    updated_at: datetime

    @property
    def status_label(self):
        return LoanStatus.label(self.status)

    @classmethod
    def of(cls, loan):
        """The brief of a request already loaded."""
        values = {name: getattr(loan, name) for name in cls.__slots__}
        return cls(**{**values, "institution": loan.institution.name})


BRIEF_COLUMNS = (LoanRequest.id, LoanRequest.registration_number, LoanRequest.title,
                 LoanRequest.status, LoanRequest.borrower_id, Institution.name,
                 LoanRequest.participants, LoanRequest.contact_name,
                 LoanRequest.contact_phone, LoanRequest.created_at,
                 LoanRequest.updated_at)


@dataclass
class BusyBlock:
    """A session holding the room (``pending=False``) or asked for (``True``)."""

    starts_at: datetime
    ends_at: datetime
    blocked_until: datetime  # the end plus the room's preparation time
    pending: bool
    loan: LoanBrief
    session_id: int | None = None
    room_id: int | None = None


TOO_SOON, TOO_FAR = "notice", "horizon"


@dataclass
class FreeSlot:
    starts_at: datetime
    ends_at: datetime
    # Why the rules refuse a request starting then: TOO_SOON (less notice
    # than the minimum) or TOO_FAR (beyond the horizon); None when they don't.
    refused: str | None = None

    @property
    def requestable(self):
        return self.refused is None


@dataclass
class DayAvailability:
    day: date
    office_day: bool
    closed: str | None = None  # the holiday's or closed date's name
    busy: list = field(default_factory=list)
    free: list = field(default_factory=list)


# ---------------------------------------------------------------- periods

def visible_rooms(staff):
    """The rooms a user may look at: staff every room, a borrower those that
    can be booked."""
    query = db.session.query(Room)
    if not staff:
        query = query.filter(Room.is_active.is_(True))
    return query.order_by(Room.name).all()


def default_period(today):
    """This week and the next, Monday to Sunday."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=13)


def parse_period(start_text, end_text, today):
    """(first, last) dates from the page's inputs; :class:`PeriodError` if bad.

    Missing inputs take the default period's; each problem gets its own
    message, in the user's language.
    """
    default_first, default_last = default_period(today)
    first = parse_day(start_text, default_first, field="start")
    last = parse_day(end_text, default_last if not start_text else None, field="end")
    if last is None:
        last = first + (default_last - default_first)
    if last < first:
        raise PeriodError(gettext("The end date is before the start date."), "end")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise PeriodError(gettext("Choose at most %(days)d days at a time.",
                                  days=MAX_RANGE_DAYS), "end")
    return first, last


def parse_day(text, default, field=None):
    text = (text or "").strip()
    if not text:
        return default
    try:
        day = date.fromisoformat(text) if len(text) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise PeriodError(gettext("%(value)s is not a valid date; use the date picker "
                                  "(year-month-day).", value=text[:40]), field)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PeriodError(gettext("Choose dates between %(first)d and %(last)d.",
                                  first=FIRST_DAY.year, last=LAST_DAY.year), field)
    return day


def midnight(day):
    """The start of ``day`` in the office's zone, as UTC."""
    return from_local(datetime.combine(day, time.min))


# ---------------------------------------------------------------- queries

def _holding(now):
    """Occupying, unless a reschedule proposal whose hold lapsed by ``now``
    (it keeps ``occupying`` until released, yet holds nothing)."""
    return sa.and_(
        LoanSession.occupying.is_(True),
        sa.or_(LoanSession.proposed.is_(False),
               LoanRequest.hold_expires_at.is_(None),
               LoanRequest.hold_expires_at > now),
    )


def occupied_spans(room_id, start, end, now, exclude_loan_id=None):
    """(starts_at, blocked_until) of the room's sessions holding it and
    meeting [start, end), in order."""
    query = (
        db.session.query(LoanSession.starts_at, LoanSession.blocked_until)
        .join(LoanRequest, LoanRequest.id == LoanSession.loan_id)
        .filter(LoanSession.room_id == room_id, occupancy.meeting(start, end), _holding(now))
    )
    if exclude_loan_id is not None:
        query = query.filter(LoanSession.loan_id != exclude_loan_id)
    return [tuple(row) for row in query.order_by(LoanSession.starts_at)]


def busy_blocks(room_id, start, end, now, include_pending=False):
    """Sessions of the room meeting [start, end): those holding it and, with
    ``include_pending``, those of requests still waiting."""
    return rooms_busy_blocks([room_id], start, end, now, include_pending)


def rooms_busy_blocks(room_ids, start, end, now, include_pending=False):
    """:func:`busy_blocks` of several rooms at once, in time order (one
    range scan of the room index per room)."""
    holds = _holding(now)
    if include_pending:
        holds = sa.or_(holds, sa.and_(LoanSession.proposed.is_(False),
                                      LoanRequest.status.in_(LoanStatus.PENDING)))
    rows = db.session.execute(
        sa.select(LoanSession.starts_at, LoanSession.ends_at, LoanSession.blocked_until,
                  LoanSession.proposed, LoanSession.id, LoanSession.room_id,
                  *BRIEF_COLUMNS)
        .join(LoanRequest, LoanRequest.id == LoanSession.loan_id)
        .join(Institution, Institution.id == LoanRequest.institution_id)
        .where(LoanSession.room_id.in_(room_ids), occupancy.meeting(start, end), holds)
        .order_by(LoanSession.starts_at, LoanSession.id)
    )
    briefs = {}  # a request's sessions share its brief
    blocks = []
    for starts_at, ends_at, blocked_until, proposed, session_id, room_id, *loan in rows:
        brief = briefs.get(loan[0])
        if brief is None:
            brief = briefs[loan[0]] = LoanBrief(*loan)
        blocks.append(BusyBlock(
            starts_at=starts_at, ends_at=ends_at, blocked_until=blocked_until,
            pending=not proposed and brief.status in LoanStatus.PENDING, loan=brief,
            session_id=session_id, room_id=room_id))
    return blocks


def shown_to(block, user_id, staff):
    """Whether a user sees ``block`` at all. Other borrowers' requests hold
    nothing yet: a borrower does not see them (staff do, to weigh priority)."""
    return staff or not block.pending or block.loan.borrower_id == user_id


# ---------------------------------------------------------------- intervals

def _subtract(intervals, start, end):
    """``intervals`` (sorted, disjoint, closed [a, b]) without the open interval
    (start, end). Its ends stay: a start exactly there is allowed, so a
    single point [a, a] may remain."""
    result = []
    for a, b in intervals:
        if end <= a or start >= b:
            result.append((a, b))
            continue
        if a <= start:
            result.append((a, start))
        if end <= b:
            result.append((end, b))
    return result


def _office_window(day, settings):
    return (from_local(datetime.combine(day, settings.office_start)),
            from_local(datetime.combine(day, settings.office_end)))


def _is_office_day(day, settings, closed):
    return day.weekday() in settings.office_days and day not in closed


def free_intervals(day, settings, spans, buffer):
    """Free [a, b] of ``day``'s office hours: any booking inside one is free.

    A span [S, B) rules out [S - buffer, B): a booking must end ``buffer``
    before the next one starts, and may start when the previous one's
    preparation is over.
    """
    free = [_office_window(day, settings)]
    for starts_at, blocked_until in spans:
        free = _subtract(free, starts_at - buffer, blocked_until)
    return [(a, b) for a, b in free if b > a]


# ---------------------------------------------------------------- the page

def room_availability(room, first, last, now, include_pending=False, settings=None):
    """Per day from ``first`` to ``last``: busy blocks and free slots.

    Free slots lie within office hours of office days that are not holidays
    or closed dates, after ``now``; a slot (or its part) that the notice or
    horizon rule refuses is marked not requestable.
    """
    settings = settings or ScheduleSettings.current()
    start, end = midnight(first), midnight(last + timedelta(days=1))
    buffer = timedelta(minutes=room.prep_buffer_minutes)
    blocks = busy_blocks(room.id, start, end, now, include_pending=include_pending)
    spans = [(b.starts_at, b.blocked_until) for b in blocks if not b.pending]
    # Bookings of the following day(s) can shorten the last day's free time.
    spans += occupied_spans(room.id, end, end + ScheduleSettings.SEARCH_WINDOW, now)
    closed = rules.closed_days(first, last, settings)

    days = []
    for day in rules.days_between(first, last):
        day_start, day_end = midnight(day), midnight(day + timedelta(days=1))
        entry = DayAvailability(
            day=day, office_day=_is_office_day(day, settings, closed),
            closed=closed.get(day),
            busy=[b for b in blocks
                  if b.starts_at < day_end and b.blocked_until > day_start],
        )
        if entry.office_day:
            entry.free = day_free_slots(day, settings, spans, buffer, now)
        days.append(entry)
    return days


def day_free_slots(day, settings, spans, buffer, now):
    """The free slots of office day ``day`` after ``now``, given the spans
    (start, blocked_until) holding the room; each marked requestable or not."""
    earliest, latest = now + settings.min_notice, now + settings.max_horizon
    slots = []
    for a, b in free_intervals(day, settings, spans, buffer):
        a = max(a, now)
        if b > a:
            slots.extend(_mark_requestable(a, b, earliest, latest))
    return slots


def _mark_requestable(a, b, earliest, latest):
    """[a, b) split where starting a request there becomes possible or not."""
    slots = []
    if a < earliest:
        slots.append(FreeSlot(a, min(b, earliest), refused=TOO_SOON))
        a = min(b, earliest)
    if a < b:
        slots.append(FreeSlot(a, b, refused=TOO_FAR if a > latest else None))
    return slots


# ---------------------------------------------------------------- suggestions

def _needs_move(start, end, spans, buffer, settings, now, closed):
    if any(occupancy.overlap(start, end + buffer, s, b) for s, b in spans):
        return True
    return bool(rules.session_violations([(start, end)], settings, now, closed=closed))


def _on_grid(value, day_start, up):
    steps, rest = divmod(value - day_start, SLOT_STEP)
    if rest and up:
        steps += 1
    return day_start + steps * SLOT_STEP


def _candidates(start, end, spans, kept, buffer, settings, closed, now, last_day):
    """Starts for a session of ``end - start`` that breaks no rule and meets no
    span: on its own day nearest to its start, then on each following office
    day nearest to the same time of day."""
    length = end - start
    local_start = to_local(start)
    earliest, latest = now + settings.min_notice, now + settings.max_horizon
    day = local_start.date()
    while day <= last_day:
        if _is_office_day(day, settings, closed):
            office_start, office_end = _office_window(day, settings)
            low, high = max(office_start, earliest), min(office_end - length, latest)
            allowed = [(low, high)] if low <= high else []
            # Starts in (S - length - buffer, B) would meet the span [S, B).
            for span_start, blocked_until in spans:
                allowed = _subtract(allowed, span_start - length - buffer, blocked_until)
            for kept_start, kept_end in kept:  # the request's other sessions
                allowed = _subtract(allowed, kept_start - length, kept_end)
            target = from_local(datetime.combine(day, local_start.time()))
            day_start = midnight(day)
            found = []
            for a, b in allowed:
                if a <= target <= b:
                    candidate = target
                elif target < a:
                    candidate = _on_grid(a, day_start, up=True)
                else:
                    candidate = _on_grid(b, day_start, up=False)
                if a <= candidate <= b:
                    found.append(candidate)
            for candidate in sorted(found, key=lambda c: (abs(c - target), c)):
                yield candidate, candidate + length
        day += timedelta(days=1)


def suggest_slots(room, sessions, now, count=3, exclude_loan_id=None, settings=None,
                  closed=None):
    """Up to ``count`` nearest free alternatives to ``sessions`` ((start, end)).

    Each alternative is a sorted list of (start, end) with the same number
    and lengths of sessions: the sessions that are free and follow the rules
    stay, each of the others moves to the nearest free time of its length —
    the same day first, then the following office days. Every alternative
    satisfies :func:`rules.session_violations` and meets no occupying booking
    (counting the room's preparation time). Empty when nothing needs to move
    or nothing is free within :data:`SUGGEST_DAYS` days. ``closed``: the
    :class:`rules.ClosedDays` to read closed days through (a page's own).
    """
    if not sessions:
        return []
    settings = settings or ScheduleSettings.current()
    if closed is None:
        closed = rules.ClosedDays(settings)
    sessions = sorted(sessions)
    buffer = timedelta(minutes=room.prep_buffer_minutes)
    first_day = to_local(sessions[0][0]).date()
    last_day = min(to_local(sessions[-1][0]).date() + timedelta(days=SUGGEST_DAYS),
                   to_local(now + settings.max_horizon).date())
    if last_day < first_day:
        return []
    spans = occupied_spans(
        room.id, midnight(first_day),
        midnight(last_day + timedelta(days=1)) + ScheduleSettings.SEARCH_WINDOW, now,
        exclude_loan_id=exclude_loan_id,
    )
    closed.cover(first_day, last_day)
    moving = [i for i, (s, e) in enumerate(sessions)
              if _needs_move(s, e, spans, buffer, settings, now, closed)]
    if not moving:
        return []
    if any(sessions[i][1] - sessions[i][0] > settings.max_duration
           or sessions[i][1] <= sessions[i][0] for i in moving):
        return []  # no time of that length is allowed
    kept = [s for i, s in enumerate(sessions) if i not in moving]
    candidates = {
        i: list(_candidates(*sessions[i], spans, kept, buffer, settings, closed, now,
                            last_day))
        for i in moving
    }
    used = {i: set() for i in moving}
    suggestions = []
    while len(suggestions) < count:
        chosen = []
        for i in moving:
            pick = next((c for c in candidates[i] if c not in used[i] and not any(
                occupancy.overlap(c[0], c[1], o[0], o[1]) for o in chosen)), None)
            if pick is None:
                return suggestions
            chosen.append(pick)
        for i, pick in zip(moving, chosen):
            used[i].add(pick)
        suggestion = sorted(kept + chosen)
        if not rules.session_violations(suggestion, settings, now, closed=closed):
            suggestions.append(suggestion)
    return suggestions


def describe_suggestion(suggestion):
    """One alternative on one line: its sessions joined by " + "."""
    return " + ".join(format_session(start, end) for start, end in suggestion)


def suggestions_message(suggestions):
    """The sentence a refused form shows after the conflict."""
    if not suggestions:
        return gettext("No free time of the same length was found in the %(days)d "
                       "days after it.", days=SUGGEST_DAYS)
    return gettext(
        "Free times of the same length nearest to it: %(slots)s.",
        slots="; ".join(f"({number}) {describe_suggestion(s)}"
                        for number, s in enumerate(suggestions, start=1)),
    )


# ---------------------------------------------------------------- clashes

@dataclass
class Clash:
    """Another request whose sessions meet this one's."""

    loan: LoanRequest
    sessions: list  # its sessions that meet this request's
    occupying: bool  # it holds the room: this request cannot be confirmed
    has_priority: bool  # submitted earlier (the SOP: the earlier request first)


def _submitted_before(a, b):
    return (a.created_at, a.id) < (b.created_at, b.id)


def request_clashes(loan, now):
    """Other requests for the room at the same time as ``loan``'s sessions.

    Occupying bookings first (they block confirming ``loan``), then pending
    requests (submitted or disposed), each marked whether it was submitted
    before ``loan`` and so has priority. Spans count the preparation time.
    """
    own = list(loan.sessions)
    if loan.status == LoanStatus.RESCHEDULE_PROPOSED:
        own += list(loan.proposed_sessions)
    if not own:
        return []
    meets = sa.or_(*[occupancy.meeting(s.starts_at, s.blocked_until) for s in own])
    rows = (
        db.session.query(LoanSession)
        .join(LoanRequest, LoanRequest.id == LoanSession.loan_id)
        .options(contains_eager(LoanSession.loan).joinedload(LoanRequest.institution))
        .filter(
            LoanSession.room_id == loan.room_id,
            LoanSession.loan_id != loan.id,
            meets,
            sa.or_(_holding(now),
                   sa.and_(LoanSession.proposed.is_(False),
                           LoanRequest.status.in_(LoanStatus.PENDING))),
        )
        .order_by(LoanSession.starts_at, LoanSession.id)
        .all()
    )
    clashes = {}
    for session in rows:
        other = session.loan
        clash = clashes.get(other.id)
        if clash is None:
            clash = clashes[other.id] = Clash(
                loan=other, sessions=[], occupying=False,
                has_priority=_submitted_before(other, loan),
            )
        clash.sessions.append(session)
        clash.occupying = clash.occupying or session.occupying
    return sorted(clashes.values(), key=lambda c: (
        not c.occupying, c.loan.created_at, c.loan.id))


def loan_slots(loan):
    return [(s.starts_at, s.ends_at) for s in loan.sessions]


def has_priority_over_all(loan, clashes):
    """Whether ``loan`` was submitted before every pending request it meets."""
    return all(not c.has_priority for c in clashes if not c.occupying)

