"""The times a borrower could take instead, given when declining a proposal.

Declining a reschedule proposal returns the request to the Kasi with the
borrower's reason and up to :data:`MAX_ALTERNATIVES` other times (each a
single block, for a request of one session), checked against the schedule
rules when given. The Kasi sees each with its availability now (the room
may have been booked, or a date closed, since) and may confirm one: it
becomes the request's session (``workflow.apply`` of ``confirm`` with
``ConfirmInput.alternative_id``). The alternatives hold nothing of the room.
"""
from flask_babel import lazy_gettext as _l

from app.domain.scheduling import occupancy, rules
from app.domain.scheduling.settings import ScheduleSettings
from app.models import LoanStatus, RescheduleAlternative
from app.platform.extensions import db
from app.platform.timeutil import to_local

MAX_ALTERNATIVES = 3
DECLINE = "decline_reschedule"
HEADING = _l("Alternative %(number)d (%(time)s): %(problem)s")

# What each alternative's time is now, as the Kasi sees it.
FREE, CLASH, CLOSED, OUTSIDE_HOURS, PASSED = (
    "free", "clash", "closed", "outside_hours", "passed")
AVAILABILITY_LABELS = {
    FREE: _l("Free"),
    CLASH: _l("Clashes with another booking"),
    CLOSED: _l("Holiday or office closed"),
    OUTSIDE_HOURS: _l("Outside office hours"),
    PASSED: _l("Already passed"),
}
# Those the Kasi cannot confirm (a clash is refused with the free times near it).
NOT_CONFIRMABLE = frozenset({CLOSED, OUTSIDE_HOURS, PASSED})


def errors(loan, alternatives, settings, now):
    """Messages for the alternatives a borrower gives with a decline."""
    if not alternatives:
        return []
    if len(loan.sessions) > 1:
        return [_l("Alternative times can be given for a request of one session; "
                   "write the days you could take in the reason instead.")]
    if len(alternatives) > MAX_ALTERNATIVES:
        return [_l("At most %(count)d alternative times.", count=MAX_ALTERNATIVES)]
    shape = [
        _l("Alternative %(number)d: %(message)s", number=number, message=message)
        for number, message in enumerate(
            (rules.session_error(start, end) for start, end in alternatives), start=1)
        if message
    ]
    return shape or rules.session_violations(list(alternatives), settings, now,
                                             heading=HEADING, one_schedule=False)


def record(row, alternatives):
    """Keep ``alternatives`` ((start, end)) with the decline's history ``row``."""
    for start, end in sorted(alternatives):
        db.session.add(RescheduleAlternative(loan_id=row.loan.id, history=row,
                                             starts_at=start, ends_at=end))


def latest_decline(loan):
    """The decline that returned ``loan`` to the Kasi, while the Kasi has not
    acted on it since (None otherwise)."""
    if loan.status != LoanStatus.DISPOSED:
        return None
    # The history in memory (the request's page loads it with the request; a
    # step just taken is already in it).
    row = loan.history[-1] if loan.history else None
    return row if row is not None and row.action == DECLINE else None


def current(loan):
    """The alternatives the Kasi may confirm now, earliest first."""
    row = latest_decline(loan)
    return list(row.alternatives) if row is not None else []


def availability(loan, alternative, settings, now, closed):
    """What ``alternative``'s time is now: one of :data:`AVAILABILITY_LABELS`;
    ``closed``, the :class:`rules.ClosedDays` to read closed days through."""
    start, end = to_local(alternative.starts_at), to_local(alternative.ends_at)
    if alternative.starts_at <= now:
        return PASSED
    broken = {code for code, _ in rules.office_time_problems(start, end, settings, closed)}
    if broken & {rules.NOT_OFFICE_DAY, rules.CLOSED_DAY}:
        return CLOSED
    if broken:
        return OUTSIDE_HOURS
    wanted = [occupancy.session_for(loan.room, alternative.starts_at, alternative.ends_at)]
    clashes = occupancy.still_holding(
        occupancy.occupying_clashes(loan.room_id, wanted, loan.id), now)
    return CLASH if clashes else FREE


def find(loan, alternative_id):
    """The current alternative of ``loan`` with ``alternative_id``, or None."""
    return next((a for a in current(loan) if a.id == alternative_id), None)


def confirm_error(loan, alternative_id, settings, now):
    """Why the Kasi cannot confirm alternative ``alternative_id`` now, or None."""
    alternative = find(loan, alternative_id)
    if alternative is None:
        return _l("Choose one of the times the borrower gave.")
    state = availability(loan, alternative, settings, now, rules.ClosedDays(settings))
    if state in NOT_CONFIRMABLE:
        return _l("This time cannot be confirmed: %(state)s.",
                  state=AVAILABILITY_LABELS[state])
    return None


def adopt(loan, alternative_id):
    """Make the alternative the request's one session (its old ones go)."""
    alternative = find(loan, alternative_id)
    loan.sessions = [occupancy.session_for(loan.room, alternative.starts_at,
                                           alternative.ends_at)]


def with_availability(loan, now, settings=None, closed=None):
    """(alternative, availability code) of each current alternative; the
    closed days read once for all of them (through ``closed`` if given)."""
    settings = settings or ScheduleSettings.current()
    closed = closed if closed is not None else rules.ClosedDays(settings)
    return [(a, availability(loan, a, settings, now, closed)) for a in current(loan)]
