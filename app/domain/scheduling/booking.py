"""A taken slot as a typed refusal: the times that hold the room, and the
nearest free alternatives of the same length."""
from app.domain.refusals import ScheduleConflict
from app.domain.scheduling import availability, occupancy


def conflict(room, sessions, now, exclude_loan_id=None):
    """The :class:`ScheduleConflict` of booking ``room`` for ``sessions``
    ((start, end)), or None when no occupying booking holds it then.

    A clash with other pending requests is none: the Kasi resolves those.
    """
    wanted = [occupancy.session_for(room, start, end) for start, end in sessions]
    clashes = occupancy.still_holding(
        occupancy.occupying_clashes(room.id, wanted, exclude_loan_id), now)
    if not clashes:
        return None
    return with_suggestions(
        ScheduleConflict([(s.starts_at, s.ends_at) for s in clashes]),
        room, sessions, now, exclude_loan_id)


def with_suggestions(refusal, room, sessions, now, exclude_loan_id=None):
    """``refusal`` (a ScheduleConflict) with the free alternatives to ``sessions``."""
    suggestions = availability.suggest_slots(room, sessions, now,
                                             exclude_loan_id=exclude_loan_id)
    return ScheduleConflict(refusal.clashes, suggestions,
                            availability.suggestions_message(suggestions))
