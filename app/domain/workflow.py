"""The SOP as a state machine: who may move a request from which state to which.

Web views, the REST API, the CLI and the demo all change a request's status
through :func:`apply`, with the step's input dataclass
(app/domain/step_inputs.py); none sets ``status`` by itself. A refusal is
typed (app/domain/refusals.py). Each transition appends a
:class:`StatusHistory` row with the time the step took against the SOP's
standard time (mutu baku).
"""
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.domain import alternatives, equipment_care, mutu_baku, text_limits
from app.domain.refusals import (
    InputRefused,
    RoleRefused,
    ScheduleConflict,
    TransitionRefused,
)
from app.domain.scheduling import booking, occupancy, rules
from app.domain.scheduling.settings import ScheduleSettings
from app.domain.step_inputs import (
    CompleteInput,
    ConfirmInput,
    DeclineInput,
    DisposeInput,
    PrepareInput,
    ProposeInput,
    ReasonInput,
    StepInput,
)
from app.models import LoanRequest, StatusHistory
from app.models import LoanStatus as S
from app.platform.extensions import db
from app.platform.timeutil import to_local, utcnow
from app.security.roles import ADMIN_PC, KABID, KASI, PEMINJAM

SYSTEM_ROLE = "Sistem"  # history rows of what happens by itself


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: frozenset
    target: str
    roles: frozenset
    input: type = StepInput  # what the step takes (app/domain/step_inputs.py)
    reason_required_for: frozenset = frozenset()


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("dispose", _l("Dispose"), frozenset({S.SUBMITTED}), S.DISPOSED,
                   frozenset({KABID}), DisposeInput),
        Transition("confirm", _l("Confirm"), frozenset({S.DISPOSED}), S.CONFIRMED,
                   frozenset({KASI}), ConfirmInput),
        Transition("propose_reschedule", _l("Propose another schedule"),
                   frozenset({S.DISPOSED}), S.RESCHEDULE_PROPOSED, frozenset({KASI}),
                   ProposeInput),
        Transition("accept_reschedule", _l("Accept the new schedule"),
                   frozenset({S.RESCHEDULE_PROPOSED}), S.CONFIRMED,
                   frozenset({PEMINJAM})),
        # Back to the Kasi with the borrower's reason and the times they could
        # take instead (app/domain/alternatives.py); cancelling is its own step.
        Transition("decline_reschedule", _l("Decline the new schedule"),
                   frozenset({S.RESCHEDULE_PROPOSED}), S.DISPOSED,
                   frozenset({PEMINJAM}), DeclineInput,
                   reason_required_for=frozenset({PEMINJAM})),
        Transition("reject", _l("Reject"),
                   frozenset({S.SUBMITTED, S.DISPOSED, S.RESCHEDULE_PROPOSED}),
                   S.REJECTED, frozenset({KABID, KASI}), ReasonInput,
                   reason_required_for=frozenset({KABID, KASI})),
        Transition("schedule", _l("Enter into the agenda"), frozenset({S.CONFIRMED}),
                   S.SCHEDULED, frozenset({ADMIN_PC})),
        Transition("prepare", _l("Room prepared"), frozenset({S.SCHEDULED}),
                   S.PREPARED, frozenset({ADMIN_PC}), PrepareInput),
        Transition("complete", _l("Complete"), frozenset({S.PREPARED}), S.COMPLETED,
                   frozenset({ADMIN_PC}), CompleteInput),
        Transition("mark_no_show", _l("Mark as not used"),
                   frozenset({S.SCHEDULED, S.PREPARED}), S.NO_SHOW,
                   frozenset({ADMIN_PC})),
        Transition("cancel", _l("Cancel request"), S.OPEN, S.CANCELLED,
                   frozenset({PEMINJAM, KABID, KASI}), ReasonInput,
                   reason_required_for=frozenset({KABID, KASI})),
    )
}
# What a history row's action is called when no transition made it.
ACTION_LABELS = {
    "submit": _l("Request submitted"),
    "hold_lapsed": _l("Proposal lapsed"),
    **{action: t.label for action, t in TRANSITIONS.items()},
}

# Steps taken once the event has started, and the one taken on its day.
AFTER_START = frozenset({"complete", "mark_no_show"})
ON_THE_DAY = frozenset({"prepare"})

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


def _timing_refusal(action, loan, now):
    start = _first_start(loan)
    if start is None:
        return None
    if action == "cancel" and now >= start:
        return _l("The event has started; it can no longer be cancelled.")
    if action == "confirm" and now >= start and not alternatives.current(loan):
        # With the borrower's other times to choose from, the input says it.
        return _l("The requested time has passed; propose another schedule or "
                  "reject the request.")
    if action in AFTER_START and now < start:
        return _l("The event has not started yet.")
    if action == "complete" and now < loan.sessions[-1].starts_at:
        # An event of several days is completed on its last day.
        return _l("The event's last session has not started yet.")
    if action in ON_THE_DAY and to_local(now).date() < to_local(start).date():
        return _l("The room is prepared on the day of the event.")
    if action == "accept_reschedule" and not occupancy.hold_is_live(loan, now):
        return _l("The proposed schedule has lapsed; the Kasi will propose again.")
    return None


def check(loan, action, user, now=None):
    """Raise :class:`TransitionRefused` (:class:`RoleRefused` for a role that
    never takes it) unless ``user`` may take ``action`` on ``loan`` now;
    returns the transition and the role acting."""
    now = now or utcnow()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_l("Unknown action."))
    role = acting_role(transition, user)
    if role is None:
        raise RoleRefused(_l("Your role may not take this step."))
    if role in OWN_ONLY_ROLES and loan.borrower_id != user.id:
        raise TransitionRefused(_l("This request is not yours."))
    if loan.status not in transition.sources:
        raise TransitionRefused(
            _l("This step is not possible while the request is %(status)s.",
               status=loan.status_label)
        )
    refusal = _timing_refusal(action, loan, now)
    if refusal is not None:
        raise TransitionRefused(refusal)
    if action == "confirm":
        _confirmable(loan)
    return transition, role


def _confirmable(loan):
    """What the request itself must hold to be confirmed: the borrower's
    pledge, and no more participants than the room holds (checked when it
    was submitted or edited; the room's capacity may have changed since)."""
    if not loan.no_buffet_pledge:
        raise TransitionRefused(_l("The borrower has not pledged that no buffet food "
                                   "will be served."))
    too_many = rules.capacity_violation(loan.room, loan.participants)
    if too_many:
        raise TransitionRefused(too_many)


def allowed_actions(loan, user, now=None):
    """The actions ``user`` could take on ``loan`` now (for buttons and the API)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            check(loan, action, user, now=now)
        except TransitionRefused:
            continue
        allowed.append(action)
    return allowed


def record(loan, action, from_status, to_status, user, role, note="", now=None,
           **fields):
    """Append the history row of a step and move the request to ``to_status``.

    A step the SOP times (app/domain/mutu_baku.py) records when it started waiting
    and how much office time it took against its standard.
    """
    now = now or utcnow()
    # Timed before the row exists: the office clock reads closed dates, and a
    # half-made row must not be flushed by that query.
    step = mutu_baku.step_ended_by(from_status, action)
    timing = mutu_baku.timing(step, loan, now) if step is not None else None
    row = StatusHistory(
        loan=loan,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=user.id if user is not None else None,
        actor_role=role,
        created_at=now,
        note=note or "",
        waiting_since=(timing.since if timing else
                       loan.status_changed_at if from_status is not None else None),
        elapsed_seconds=timing.elapsed_seconds if timing else None,
        standard_seconds=timing.standard_seconds if timing else None,
        **fields,
    )
    db.session.add(row)
    loan.status = to_status
    loan.status_changed_at = now
    return row


def input_errors(loan, action, role, data, now):
    """{field: [messages]} of what ``data`` (the step's input) lacks, as
    :func:`apply` refuses it; the API asks it too when the body's shape is
    already wrong, to answer every field at once."""
    transition = TRANSITIONS[action]
    errors = data.errors(loan, ScheduleSettings.current(), now)
    if role in transition.reason_required_for and not data.reason.strip():
        errors["reason"] = [_l("Please give a reason.")]
    for name, messages in text_limits.step_problems(data).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def apply(loan, action, user, data=None, now=None):
    """Take ``action`` on ``loan`` as ``user`` with ``data`` (an instance of
    the transition's ``input`` class; none for a step that takes nothing);
    the caller commits, or rolls back after a refusal.

    Refusals, in this order: :class:`TransitionRefused` (or
    :class:`RoleRefused`) when the step cannot be taken now,
    :class:`InputRefused` with per-field messages, and
    :class:`ScheduleConflict` with the times taken and free alternatives
    when a step that makes the request hold the room (confirm, a proposal,
    accepting one) finds it taken.
    """
    now = now or utcnow()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_l("Unknown action."))
    data = transition.input() if data is None else data
    if not isinstance(data, transition.input):
        raise TypeError(f"{action} takes {transition.input.__name__}, not {data!r}")
    lock_request(loan)
    transition, role = check(loan, action, user, now=now)
    errors = input_errors(loan, action, role, data, now)
    if errors:
        raise InputRefused(errors)
    if action == "reject":
        loan.rejection_reason = data.reason
    elif action == "cancel":
        loan.cancellation_reason = data.reason or None
    if action == "propose_reschedule":
        _propose(loan, data.sessions, now)
    elif action == "accept_reschedule":
        _adopt_proposal(loan)
    elif loan.status == S.RESCHEDULE_PROPOSED:
        _drop_proposal(loan)  # declined, rejected or cancelled: no slot is held
    if action == "confirm" and data.alternative_id is not None:
        alternatives.adopt(loan, data.alternative_id)
    if action == "complete":
        loan.actual_participants = data.actual_participants
        loan.outcome_notes = (data.outcome_notes or "").strip() or None
    if action in ("prepare", "complete"):
        equipment_care.apply_checklist(loan.room, list(data.checklist), user, loan, now)
    row = record(
        loan, action, loan.status, transition.target, user, role,
        note=data.note or getattr(data, "reason", ""), now=now,
        **data.history_fields(now),
    )
    if action == "decline_reschedule":
        alternatives.record(row, data.alternatives)
    try:
        occupancy.claim(loan, now)
    except ScheduleConflict as conflict:
        if not conflict.clashes:  # the database's constraint: nothing more to read
            raise
        wanted = [(s.starts_at, s.ends_at) for s in
                  (loan.proposed_sessions if action == "propose_reschedule"
                   else loan.sessions)]
        with db.session.no_autoflush:
            raise booking.with_suggestions(conflict, loan.room, wanted, now,
                                           exclude_loan_id=loan.id) from None
    return row


def lock_request(loan):
    """Make commands on one request wait for each other until commit, then
    read it afresh: two people (or processes) taking a step on it at once do
    not both succeed from the same state; the later one sees the earlier's
    result.

    The room's lock comes first (occupancy.lock_room: one order on every
    path), before anything is written; then PostgreSQL locks the request's
    row (SQLite's write transaction, begun with the room's lock, already
    excludes every other writer).
    """
    with db.session.no_autoflush:
        occupancy.lock_room(loan.room_id)
    db.session.flush()
    if db.session.connection().dialect.name != "sqlite":
        db.session.execute(sa.select(LoanRequest.id).where(LoanRequest.id == loan.id)
                           .with_for_update())
    db.session.refresh(loan)
    for session in [*loan.sessions, *loan.proposed_sessions]:
        db.session.refresh(session)


def _propose(loan, sessions, now):
    loan.proposed_sessions = [
        occupancy.session_for(loan.room, start, end, proposed=True)
        for start, end in sorted(sessions)
    ]
    loan.hold_expires_at = hold_expiry(now)


def hold_expiry(proposed_at):
    """When a proposal made at ``proposed_at`` stops holding its slot:
    RESCHEDULE_HOLD_HOURS of office time later (the office clock of
    app/domain/mutu_baku.py), so that one made on a Friday morning lapses in
    the next office week, not on Sunday, and a holiday does not count."""
    settings = ScheduleSettings.current()
    day = to_local(proposed_at).date()
    clock = mutu_baku.OfficeClock(day, day + timedelta(days=31), settings)
    # An office that never opens (no office days configured) holds in plain hours.
    return (clock.after(proposed_at, settings.hold.total_seconds())
            or proposed_at + settings.hold)


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
    ).order_by(LoanRequest.room_id, LoanRequest.id).all()
    released = 0
    for loan in lapsed:
        lock_request(loan)
        if loan.status != S.RESCHEDULE_PROPOSED or occupancy.hold_is_live(loan, now):
            continue  # answered (or proposed anew) meanwhile
        _drop_proposal(loan)
        record(loan, "hold_lapsed", S.RESCHEDULE_PROPOSED, S.DISPOSED, None,
               SYSTEM_ROLE, note=str(_l("The borrower did not answer in time.")),
               now=now)
        occupancy.claim(loan, now)
        released += 1
    return released
