"""Recurring requests: "every Tuesday 09.00–11.00 from 5 January to 30 March"
as the request's sessions, and the verdict of each before it is submitted.

A recurrence repeats a first session (its day and times) weekly, every n
weeks, or monthly on the same weekday (the second Tuesday; a fifth one, which
some months lack, is taken as the month's last). It only makes sessions: the
request is then checked as any other (app/domain/submission.py), so the
verdicts of :func:`preview` use the same rules and the same occupancy.
"""
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.domain.scheduling import availability, occupancy, rules
from app.platform.timeutil import from_local, to_local

WEEKLY, MONTHLY = "weekly", "monthly"
FREQUENCIES = {WEEKLY: _l("Weekly"), MONTHLY: _l("Monthly, on the same weekday")}
MAX_INTERVAL = 12  # every 12 weeks or months at most

# A session's verdict in the preview.
FREE, HOLIDAY, CLASH, OUTSIDE_HOURS, OTHER_RULE = (
    "free", "holiday", "clash", "outside_hours", "other_rule")
VERDICT_LABELS = {
    FREE: _l("Free"),
    HOLIDAY: _l("Holiday"),
    CLASH: _l("Room taken"),
    OUTSIDE_HOURS: _l("Outside office hours"),
    OTHER_RULE: _l("Not allowed"),
}


@dataclass(frozen=True, kw_only=True)
class Recurrence:
    """The first session (aware start and end) repeated until ``until``."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    frequency: str = WEEKLY
    interval: int | None = 1
    until: date | None = None


def read(args, read_time, read_day):
    """The :class:`Recurrence` that ``args`` (``start``, ``end``, ``frequency``,
    ``interval``, ``until``) ask for. Each side brings its own readers of a
    time and a date (None: unreadable); what cannot be read is None, for
    :func:`recurrence_errors` to name."""
    return Recurrence(
        starts_at=read_time(args.get("start") or ""),
        ends_at=read_time(args.get("end") or ""),
        frequency=args.get("frequency") or "",
        interval=_whole_number(args.get("interval")),
        until=read_day(args.get("until") or ""))


def _whole_number(value):
    """``value`` as a whole number, from text (a query) or a number (JSON);
    None otherwise. Short text only: a long one is out of bounds anyway."""
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 3 \
            else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def recurrence_errors(recurrence, settings):
    """{field: [messages]} of what is wrong with ``recurrence``; its
    sessions' rules are the preview's to say."""
    errors = {}
    first = rules.session_error(recurrence.starts_at, recurrence.ends_at)
    if first:
        errors["sessions"] = [first]
    if recurrence.frequency not in FREQUENCIES:
        errors["frequency"] = [_l("Choose how the sessions repeat.")]
    if (not isinstance(recurrence.interval, int) or isinstance(recurrence.interval, bool)
            or not 1 <= recurrence.interval <= MAX_INTERVAL):
        errors["interval"] = [_l("Repeat every 1 to %(count)d weeks or months.",
                                 count=MAX_INTERVAL)]
    if not isinstance(recurrence.until, date):
        errors["until"] = [_l("Give the date of the last session.")]
    elif not first and recurrence.until < to_local(recurrence.starts_at).date():
        errors["until"] = [_l("The last date is before the first session.")]
    if not errors and len(occurrence_days(recurrence, settings.max_sessions + 1)) \
            > settings.max_sessions:
        errors["until"] = [_l(
            "That makes more than %(count)d sessions, the most a request may have: "
            "choose an earlier last date or repeat less often.",
            count=settings.max_sessions)]
    return errors


def occurrence_days(recurrence, limit):
    """The days of the sessions, from the first session's to ``until``, at
    most ``limit`` of them."""
    first = to_local(recurrence.starts_at).date()
    days = []
    step = 0
    while len(days) < limit:
        day = (first + timedelta(weeks=step * recurrence.interval)
               if recurrence.frequency == WEEKLY
               else same_weekday_of_month(first, step * recurrence.interval))
        if day > recurrence.until:
            break
        days.append(day)
        step += 1
    return days


def same_weekday_of_month(first, months_later):
    """The day ``months_later`` months after ``first`` on the same weekday
    and in the same week of its month (the second Tuesday); a fifth weekday
    is the month's last one."""
    month_index = first.year * 12 + first.month - 1 + months_later
    year, month = divmod(month_index, 12)
    month += 1
    week = (first.day - 1) // 7  # 0 = first ... 4 = fifth
    first_of_month = date(year, month, 1)
    offset = (first.weekday() - first_of_month.weekday()) % 7
    day = 1 + offset + 7 * week
    days_in_month = monthrange(year, month)[1]
    if week == 4 or day > days_in_month:
        day = days_in_month - (date(year, month, days_in_month).weekday()
                               - first.weekday()) % 7
    return date(year, month, day)


def sessions(recurrence, settings):
    """The (start, end) of each session, aware, at the first one's times."""
    start, end = to_local(recurrence.starts_at), to_local(recurrence.ends_at)
    length = end - start
    found = []
    for day in occurrence_days(recurrence, settings.max_sessions):
        starts_at = from_local(datetime.combine(day, start.time()))
        found.append((starts_at, from_local(datetime.combine(day, start.time()) + length)))
    return found


@dataclass
class Verdict:
    starts_at: datetime
    ends_at: datetime
    verdict: str
    messages: list

    @property
    def label(self):
        return VERDICT_LABELS[self.verdict]

    @property
    def bookable(self):
        return self.verdict == FREE


def preview(room, wanted, settings, now):
    """A :class:`Verdict` for each of ``wanted`` ((start, end)) in ``room``:
    a holiday or closed date, outside office days or hours, another rule
    (notice, horizon, length), a booking holding the room (its preparation
    counted), or free. One query for the bookings of the whole period."""
    if not wanted:
        return []
    buffer = timedelta(minutes=room.prep_buffer_minutes)
    first = min(s for s, _ in wanted)
    last = max(e for _, e in wanted)
    spans = availability.occupied_spans(
        room.id, first - settings.SEARCH_WINDOW, last + buffer, now)
    closed = rules.ClosedDays(settings)
    verdicts = []
    for starts_at, ends_at in wanted:
        messages = rules.session_violations([(starts_at, ends_at)], settings, now,
                                            closed=closed)
        broken = dict(rules.office_time_problems(to_local(starts_at), to_local(ends_at),
                                                 settings, closed))
        if rules.CLOSED_DAY in broken:
            verdict = HOLIDAY
            messages = [broken[rules.CLOSED_DAY]]
        elif broken:
            verdict = OUTSIDE_HOURS
        elif messages:
            verdict = OTHER_RULE
        elif any(occupancy.overlap(starts_at, ends_at + buffer, s, b) for s, b in spans):
            verdict = CLASH
            messages = [gettext("Another booking holds the room then.")]
        else:
            verdict = FREE
        verdicts.append(Verdict(starts_at, ends_at, verdict, [str(m) for m in messages]))
    return verdicts
