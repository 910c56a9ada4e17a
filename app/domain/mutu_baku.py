"""Mutu baku: how long each timed SOP step took against its standard time.

The SOP gives four steps a standard time: the Kabid's disposition (15 min),
the Kasi's review and coordination (15 min), the Admin Pontive Center's entry
into the agenda (30 min) and the room's preparation (15 min). A step waits
in one state and ends with any of its staff actions (a rejection ends the
Kabid's or the Kasi's step just as a disposition or confirmation does).

Only office time counts: a government SOP's minutes are working minutes, so
the clock runs on office days (not on national holidays, cuti bersama or
closed dates) between OFFICE_HOURS_START and OFFICE_HOURS_END. A request
submitted on Saturday starts waiting on Monday at 07.30.

The preparation is the exception: the room is prepared for the event, not
as soon as it is scheduled. Its clock starts one standard time before the
first session, so a room ready by the start is within the standard.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.domain.scheduling import rules
from app.domain.scheduling.settings import ScheduleSettings
from app.models import LoanStatus as S
from app.platform.timeutil import from_local, to_local


@dataclass(frozen=True)
class Step:
    code: str
    label: object
    waits_in: str
    actions: frozenset


STEPS = (
    Step("disposition", _l("Disposition by the Kabid"), S.SUBMITTED,
         frozenset({"dispose", "reject"})),
    Step("coordination", _l("Review and coordination by the Kasi"), S.DISPOSED,
         frozenset({"confirm", "propose_reschedule", "reject"})),
    Step("agenda", _l("Entry into the agenda"), S.CONFIRMED, frozenset({"schedule"})),
    Step("preparation", _l("Room preparation"), S.SCHEDULED, frozenset({"prepare"})),
)
STEP_BY_STATE = {step.waits_in: step for step in STEPS}
ONE_DAY = timedelta(days=1)

def step_ended_by(from_status, action):
    """The timed step that ``action`` from ``from_status`` ends, or None."""
    step = STEP_BY_STATE.get(from_status)
    return step if step is not None and action in step.actions else None


def standard(step):
    """The step's standard time: MUTU_BAKU_MINUTES (the SOP's by default)."""
    return timedelta(minutes=current_app.config["MUTU_BAKU_MINUTES"][step.code])


def waiting_since(step, loan):
    """When ``loan`` started waiting for ``step``."""
    since = loan.status_changed_at
    if step.code == "preparation" and loan.sessions:
        since = max(since, loan.sessions[0].starts_at - standard(step))
    return since


class OfficeClock:
    """Counts office time between two moments. It reads the closed days of
    the range it is made for once (through ``closed``, a
    :class:`rules.ClosedDays` the caller may share), and those of other days
    when a moment needs them."""

    def __init__(self, first_day, last_day, settings=None, closed=None):
        self.settings = settings or ScheduleSettings.current()
        self.closed = closed if closed is not None else rules.ClosedDays(self.settings)
        self.closed.cover(first_day, last_day)
        self._hours = {}  # day -> (opens, closes) in UTC: one clock serves many tasks

    @classmethod
    def covering(cls, start, end, closed=None):
        return cls(to_local(start).date(), to_local(end).date(), closed=closed)

    def _open_hours(self, day):
        """``day``'s office hours in UTC, or None when the office is closed."""
        if day.weekday() not in self.settings.office_days or day in self.closed:
            return None
        hours = self._hours.get(day)
        if hours is None:
            hours = self._hours[day] = (
                from_local(datetime.combine(day, self.settings.office_start)),
                from_local(datetime.combine(day, self.settings.office_end)))
        return hours

    def _office_days(self, day, step):
        """The office hours of each office day from ``day`` on, a ``step`` at a
        time (forwards or backwards), for at most ten years."""
        for _ in range(3653):
            hours = self._open_hours(day)
            if hours is not None:
                yield hours
            day += step

    def office_seconds(self, start, end):
        if end <= start:
            return 0
        first, last = to_local(start).date(), to_local(end).date()
        self.closed.cover(first, last)
        total = 0
        for day in rules.days_between(first, last):
            hours = self._open_hours(day)
            if hours is not None:
                overlap = min(end, hours[1]) - max(start, hours[0])
                total += max(0, int(overlap.total_seconds()))
        return total

    def after(self, start, seconds):
        """The moment at which ``seconds`` of office time have passed since
        ``start``: a wait begun outside office hours starts counting when the
        office next opens, and one that ends with an office day ends at its
        closing time, not the next morning. None when the office opens on no
        day within ten years."""
        remaining = seconds
        for opens, closes in self._office_days(to_local(start).date(), ONE_DAY):
            begin = max(opens, start)
            available = (closes - begin).total_seconds()
            if remaining <= available:
                return begin + timedelta(seconds=remaining)
            remaining -= max(0, available)
        return None

    def opens_before(self, day):
        """When the office opens on its last office day before ``day``, or
        None when it opens on no day within ten years."""
        return next((opens for opens, _ in self._office_days(day - ONE_DAY, -ONE_DAY)),
                    None)

    def overdue_before(self, seconds, until):
        """The moment from which ``seconds`` of office time pass by ``until``:
        a wait that began earlier is over a standard of ``seconds``, one that
        began then or later is not (so SQL can count the overdue). None when
        the office opens on no day within ten years."""
        remaining = seconds
        for opens, closes in self._office_days(to_local(until).date(), -ONE_DAY):
            end = min(closes, until)
            available = (end - opens).total_seconds()
            if remaining < available:
                return end - timedelta(seconds=remaining)
            remaining -= max(0, available)
        return None


@dataclass(frozen=True)
class Timing:
    step: Step
    since: datetime
    elapsed_seconds: int
    standard_seconds: int

    @property
    def overdue(self):
        return self.elapsed_seconds > self.standard_seconds


def timing(step, loan, until, clock=None, closed=None):
    """How long ``loan`` has waited for ``step`` up to ``until``, in office time
    (on ``clock``, or on one reading the closed days through ``closed``)."""
    since = waiting_since(step, loan)
    clock = clock or OfficeClock.covering(min(since, until), until, closed=closed)
    return Timing(step, since, clock.office_seconds(since, until),
                  int(standard(step).total_seconds()))
