"""The SOP as a state machine: who may move a request from which state to which.

Web views, the REST API and the CLI all change a request's status through
:func:`apply`; none sets ``status`` by itself. Each transition appends a
:class:`StatusHistory` row with the time the step took against the SOP's
standard time (mutu baku).
"""
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import LoanRequest, StatusHistory
from app.models import LoanStatus as S
from app.scheduling import occupancy, rules
from app.scheduling.settings import ScheduleSettings
from app.security.roles import KABID, KASI, ADMIN_PC, PEMINJAM
from app.timeutil import utcnow

SYSTEM_ROLE = "Sistem"  # history rows of what happens by itself


class TransitionError(Exception):
    """A refused transition; ``str()`` is the message shown to the user."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: frozenset
    target: str
    roles: frozenset
    standard_minutes: int | None = None
    reason_required_for: frozenset = frozenset()


NOT_FINAL = frozenset(S.codes()) - S.FINAL

TRANSITIONS = {
    t.action: t
    for t in (
        Transition("dispose", _l("Dispose"), frozenset({S.SUBMITTED}), S.DISPOSED,
                   frozenset({KABID}), 15),
        Transition("confirm", _l("Confirm"), frozenset({S.DISPOSED}), S.CONFIRMED,
                   frozenset({KASI}), 15),
        Transition("propose_reschedule", _l("Propose another schedule"),
                   frozenset({S.DISPOSED}), S.RESCHEDULE_PROPOSED,
                   frozenset({KASI}), 15),
        Transition("accept_reschedule", _l("Accept the new schedule"),
                   frozenset({S.RESCHEDULE_PROPOSED}), S.CONFIRMED,
                   frozenset({PEMINJAM})),
        Transition("decline_reschedule", _l("Decline the new schedule"),
                   frozenset({S.RESCHEDULE_PROPOSED}), S.CANCELLED,
                   frozenset({PEMINJAM})),
        Transition("reject", _l("Reject"),
                   frozenset({S.SUBMITTED, S.DISPOSED, S.RESCHEDULE_PROPOSED}),
                   S.REJECTED, frozenset({KABID, KASI}),
                   reason_required_for=frozenset({KABID, KASI})),
        Transition("schedule", _l("Enter into the agenda"), frozenset({S.CONFIRMED}),
                   S.SCHEDULED, frozenset({ADMIN_PC}), 30),
        Transition("prepare", _l("Room prepared"), frozenset({S.SCHEDULED}),
                   S.PREPARED, frozenset({ADMIN_PC}), 15),
        Transition("complete", _l("Complete"), frozenset({S.PREPARED}), S.COMPLETED,
                   frozenset({ADMIN_PC})),
        Transition("mark_no_show", _l("Mark as not used"),
                   frozenset({S.SCHEDULED, S.PREPARED}), S.NO_SHOW,
                   frozenset({ADMIN_PC})),
        Transition("cancel", _l("Cancel"), NOT_FINAL, S.CANCELLED,
                   frozenset({PEMINJAM, KABID, KASI}),
                   reason_required_for=frozenset({KABID, KASI})),
    )
}

# Borrowers act only on their own requests.
OWN_ONLY_ROLES = frozenset({PEMINJAM})

# Whose turn it is in each state that is not final: the "Tugas Saya" inboxes
# and the notifications read this.
WAITING_ROLE = {
    S.SUBMITTED: KABID,
    S.DISPOSED: KASI,
    S.RESCHEDULE_PROPOSED: PEMINJAM,
    S.CONFIRMED: ADMIN_PC,
    S.SCHEDULED: ADMIN_PC,
    S.PREPARED: ADMIN_PC,
}


def _first_start(loan):
    return min((s.starts_at for s in loan.sessions), default=None)


def acting_role(transition, user):
    """The role under which ``user`` may take ``transition``, or None."""
    for role in user.roles:
        if role.name in transition.roles:
            return role.name
    return None


def check(loan, action, user, reason="", now=None):
    """Raise :class:`TransitionError` unless ``user`` may take ``action`` now."""
    now = now or utcnow()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_l("Unknown action."))
    role = acting_role(transition, user)
    if role is None:
        raise TransitionError(_l("Your role may not take this step."))
    if role in OWN_ONLY_ROLES and loan.borrower_id != user.id:
        raise TransitionError(_l("This request is not yours."))
    if loan.status not in transition.sources:
        raise TransitionError(
            _l("This step is not possible while the request is %(status)s.",
               status=loan.status_label)
        )
    start = _first_start(loan)
    if action == "cancel" and start is not None and now >= start:
        raise TransitionError(_l("The event has started; it can no longer be cancelled."))
    if action == "mark_no_show" and start is not None and now < start:
        raise TransitionError(_l("The event has not started yet."))
    if action == "accept_reschedule" and not occupancy.hold_is_live(loan, now):
        raise TransitionError(_l("The proposed schedule has lapsed; the Kasi will "
                                 "propose again."))
    if role in transition.reason_required_for and not (reason or "").strip():
        raise TransitionError(_l("Please give a reason."))
    return transition, role


def allowed_actions(loan, user, now=None):
    """The actions ``user`` could take on ``loan`` now (for buttons and the API)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            check(loan, action, user, reason="-", now=now)
        except TransitionError:
            continue
        allowed.append(action)
    return allowed


def record(loan, action, from_status, to_status, user, role, note="", now=None,
           standard_minutes=None, **fields):
    """Append the history row of a step and move the request to ``to_status``."""
    now = now or utcnow()
    elapsed = None
    if from_status is not None and loan.status_changed_at is not None:
        elapsed = int((now - loan.status_changed_at).total_seconds())
    row = StatusHistory(
        loan=loan,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=user.id if user is not None else None,
        actor_role=role,
        created_at=now,
        note=note or "",
        elapsed_seconds=elapsed,
        standard_seconds=(
            int(timedelta(minutes=standard_minutes).total_seconds())
            if standard_minutes is not None else None
        ),
        **fields,
    )
    db.session.add(row)
    loan.status = to_status
    loan.status_changed_at = now
    return row


def apply(loan, action, user, note="", reason="", now=None, sessions=None,
          **fields):
    """Take ``action`` on ``loan`` as ``user``; the caller commits.

    ``sessions`` ((start, end) pairs) is the other slot a reschedule proposal
    offers. A step that makes the request hold the room (confirm, a
    proposal) is refused with the times taken when the room is not free.
    """
    now = now or utcnow()
    transition, role = check(loan, action, user, reason=reason, now=now)
    if action == "reject":
        loan.rejection_reason = reason
    elif action in ("cancel", "decline_reschedule"):
        loan.cancellation_reason = reason or None
    if action == "propose_reschedule":
        _propose(loan, sessions or [], now)
    elif action == "accept_reschedule":
        _adopt_proposal(loan)
    elif action == "decline_reschedule":
        _drop_proposal(loan)
    row = record(
        loan, action, loan.status, transition.target, user, role,
        note=note or reason, now=now,
        standard_minutes=transition.standard_minutes, **fields,
    )
    try:
        occupancy.claim(loan, now)
    except occupancy.ScheduleConflict as conflict:
        raise TransitionError(str(conflict)) from conflict
    return row


def _propose(loan, sessions, now):
    if not sessions:
        raise TransitionError(_l("Give the proposed schedule."))
    problems = rules.session_violations(sessions, ScheduleSettings.current(), now)
    if problems:
        raise TransitionError(" ".join(problems))
    loan.proposed_sessions = [
        occupancy.session_for(loan.room, start, end, proposed=True)
        for start, end in sorted(sessions)
    ]
    loan.hold_expires_at = now + ScheduleSettings.current().hold


def _adopt_proposal(loan):
    for session in list(loan.sessions):
        db.session.delete(session)
    for session in loan.proposed_sessions:
        session.proposed = False
    loan.hold_expires_at = None
    db.session.flush()
    db.session.expire(loan, ["sessions", "proposed_sessions"])


def _drop_proposal(loan):
    loan.proposed_sessions = []
    loan.hold_expires_at = None


def release_lapsed_holds(now=None):
    """Proposals the borrower left unanswered go back to the Kasi's inbox."""
    now = now or utcnow()
    lapsed = db.session.query(LoanRequest).filter(
        LoanRequest.status == S.RESCHEDULE_PROPOSED,
        LoanRequest.hold_expires_at <= now,
    ).all()
    for loan in lapsed:
        _drop_proposal(loan)
        record(loan, "hold_lapsed", S.RESCHEDULE_PROPOSED, S.DISPOSED, None,
               SYSTEM_ROLE, note=str(_l("The borrower did not answer in time.")),
               now=now)
        occupancy.claim(loan, now)
    return len(lapsed)
