"""What stands in the way of booking a room for some sessions."""
from app.domain.scheduling import availability, occupancy, rules
from app.domain.scheduling.settings import ScheduleSettings


def booking_problems(room, sessions, now, exclude_loan_id=None):
    """Messages for broken rules, else for a slot another booking holds.

    A clash with other pending requests is no problem here: the Kasi
    resolves those. Only occupying bookings refuse a submission; the
    message then offers the nearest free times of the same length.
    """
    problems = rules.session_violations(sessions, ScheduleSettings.current(), now)
    if problems:
        return problems
    wanted = [occupancy.session_for(room, start, end) for start, end in sessions]
    clashes = occupancy.still_holding(
        occupancy.occupying_clashes(room.id, wanted, exclude_loan_id), now)
    if clashes:
        suggestions = availability.suggest_slots(room, sessions, now,
                                                 exclude_loan_id=exclude_loan_id)
        return [str(occupancy.ScheduleConflict(clashes)),
                availability.suggestions_message(suggestions)]
    return []
