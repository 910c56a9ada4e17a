"""The rules every requested session must follow, as plain functions.

Each check returns messages that name the rule and the session's time, in
the user's language. Settings come from :class:`ScheduleSettings`.
"""
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import combinations

import holidays
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.models import ClosedDate
from app.platform.extensions import db
from app.platform.formatting import format_date, format_session
from app.platform.timeutil import to_local


@lru_cache(maxsize=32)
def _national_holidays(year, categories):
    return dict(holidays.country_holidays(
        "ID", years=year, categories=categories, language="id"
    ))


def closed_days(first, last, settings):
    """{date: name} of holidays, cuti bersama and local closed dates."""
    days = {}
    if settings.holidays_enabled:
        for year in range(first.year, last.year + 1):
            for day, name in _national_holidays(year, settings.holiday_categories).items():
                if first <= day <= last:
                    days[day] = name
    for closed in db.session.query(ClosedDate).filter(
        ClosedDate.day >= first, ClosedDate.day <= last
    ):
        days[closed.day] = closed.reason
    return days


class ClosedDays:
    """:func:`closed_days` read a calendar year at a time and kept, so that
    one reader serves every look-up of a page or a command: a request's page
    times its wait, checks its schedule and looks for free times with one
    statement. The first read takes the following year too (a page looks
    ahead for free times); a day outside the years read is read on demand."""

    def __init__(self, settings):
        self.settings = settings
        self.years = None  # (first, last) read so far
        self.days = {}

    def cover(self, first, last):
        """Read the closed days of ``first`` to ``last`` not read yet."""
        if self.years is None:
            self._read(first.year, last.year + 1)
            self.years = (first.year, last.year + 1)
            return
        low, high = self.years
        if first.year < low:
            self._read(first.year, low - 1)
        if last.year > high:
            self._read(high + 1, last.year)
        self.years = (min(low, first.year), max(high, last.year))

    def _read(self, first_year, last_year):
        self.days.update(closed_days(date(first_year, 1, 1), date(last_year, 12, 31),
                                     self.settings))

    def get(self, day):
        """The name of the closed ``day``, or None when the office is open."""
        self.cover(day, day)
        return self.days.get(day)

    def __contains__(self, day):
        return self.get(day) is not None


def _clock_text(value):
    return value.strftime("%H.%M")


def session_error(starts_at, ends_at):
    """The message for one session's times, or None when they are sound."""
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        return _l("Fill in the start and end of the session.")
    if ends_at <= starts_at:
        return _l("The session must end after it starts.")
    return None


def schedule_errors(sessions, settings, now):
    """Messages for a requested schedule: how many sessions, each one's times,
    then the rules they break (:func:`session_violations`)."""
    if not sessions:
        return [_l("Add at least one session.")]
    if len(sessions) > settings.max_sessions:
        return [_l("At most %(count)d sessions.", count=settings.max_sessions)]
    shape = [
        _l("Session %(number)d: %(message)s", number=number, message=message)
        for number, message in enumerate(
            (session_error(start, end) for start, end in sessions), start=1)
        if message
    ]
    return shape or session_violations(sessions, settings, now)


SESSION_HEADING = _l("Session %(number)d (%(time)s): %(problem)s")


def session_violations(sessions, settings, now, heading=SESSION_HEADING, one_schedule=True,
                       closed=None):
    """Messages for every rule each of ``sessions`` (start, end) breaks, each
    under ``heading``; ``one_schedule``: they are one request's sessions, which
    may not overlap each other (a borrower's alternative times may);
    ``closed``, a :class:`ClosedDays` to read the closed days through."""
    if not sessions:
        return []
    locals_ = [(to_local(s), to_local(e)) for s, e in sessions]
    if closed is None:
        closed = ClosedDays(settings)
    closed.cover(min(s.date() for s, _ in locals_), max(e.date() for _, e in locals_))
    messages = []
    for number, ((start, end), (starts_at, ends_at)) in enumerate(
        zip(locals_, sessions), start=1
    ):
        problems = [problem for _, problem in
                    office_time_problems(start, end, settings, closed)]
        if end - start > settings.max_duration:
            problems.append(gettext("it is longer than the longest allowed session "
                                    "(%(hours)d hours).",
                                    hours=int(settings.max_duration.total_seconds() // 3600)))
        if starts_at < now:
            problems.append(gettext("it has already passed."))
        elif starts_at < now + settings.min_notice:
            problems.append(gettext("it must be requested at least %(days)d days ahead.",
                                    days=settings.min_notice.days))
        if starts_at > now + settings.max_horizon:
            problems.append(gettext("it is more than %(days)d days ahead.",
                                    days=settings.max_horizon.days))
        time = format_session(starts_at, ends_at)
        messages.extend(str(heading) % {"number": number, "time": time, "problem": problem}
                        for problem in problems)
    if one_schedule:
        messages.extend(_overlaps_within(sessions))
    return messages


# The office-time rules a session may break, as office_time_problems names them.
SPANS_DAYS, NOT_OFFICE_DAY, OUTSIDE_HOURS, CLOSED_DAY = (
    "spans_days", "not_office_day", "outside_hours", "closed_day")


def office_time_problems(start, end, settings, closed):
    """(code, message) of each office-time rule the local session ``start``–
    ``end`` breaks: it spans days, falls on a weekday the office keeps shut
    or outside its hours, or on a closed day (``closed``, a
    :class:`ClosedDays`). Every check of a time (a request's schedule, a
    borrower's alternative, a recurrence's preview) asks here."""
    problems = []
    if start.date() != end.date():
        problems.append((SPANS_DAYS, gettext("it must start and end on the same day.")))
    if start.weekday() not in settings.office_days:
        problems.append((NOT_OFFICE_DAY, gettext("%(day)s is not an office day.",
                                                 day=format_date(start))))
    elif start.time() < settings.office_start or end.time() > settings.office_end:
        problems.append((OUTSIDE_HOURS, gettext(
            "it is outside office hours (%(start)s–%(end)s WIB).",
            start=_clock_text(settings.office_start), end=_clock_text(settings.office_end))))
    for day in days_between(start.date(), end.date()):
        if day in closed:
            problems.append((CLOSED_DAY, gettext("it falls on a holiday: %(name)s.",
                                                 name=closed.get(day))))
    return problems


def bounds_help(settings):
    """The rules of a schedule in one sentence, for the forms that ask for one."""
    return gettext(
        "Office days, %(start)s–%(end)s WIB, at most %(hours)d hours a session and "
        "%(count)d sessions a request; each session at least %(notice)d and at most "
        "%(horizon)d days after the request is submitted.",
        start=_clock_text(settings.office_start), end=_clock_text(settings.office_end),
        hours=int(settings.max_duration.total_seconds() // 3600), count=settings.max_sessions,
        notice=settings.min_notice.days, horizon=settings.max_horizon.days)


def days_between(first, last):
    """Each date from ``first`` to ``last``, both included."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _overlaps_within(sessions):
    """Every pair of the request's own sessions that overlap (touching is fine).

    Every pair, not only neighbours in time: a long session may overlap
    several short ones.
    """
    return [
        gettext("Sessions %(first)d and %(second)d overlap.", first=a, second=b)
        for (a, (a_start, a_end)), (b, (b_start, b_end))
        in combinations(enumerate(sessions, start=1), 2)
        if a_start < b_end and b_start < a_end
    ]


def capacity_violation(room, participants):
    if room is not None and isinstance(participants, int) and participants > room.capacity:
        return gettext("%(room)s holds at most %(capacity)d people.",
                       room=room.name, capacity=room.capacity)
    return None


