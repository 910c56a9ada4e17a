"""The SOP as a state machine: who may move a request from which state to which.

Web views, the REST API and the CLI all change a request's status through
:func:`apply`; none sets ``status`` by itself. Each transition appends a
:class:`StatusHistory` row with the time the step took against the SOP's
standard time (mutu baku).
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.domain import equipment_care, mutu_baku, text_limits
from app.domain.scheduling import occupancy, rules
from app.domain.scheduling.settings import ScheduleSettings
from app.models import (
    DispositionInstruction,
    DispositionNature,
    LoanRequest,
    StatusHistory,
)
from app.models import LoanStatus as S
from app.platform.extensions import db
from app.platform.timeutil import to_local, utcnow
from app.security.roles import ADMIN_PC, KABID, KASI, PEMINJAM

SYSTEM_ROLE = "Sistem"  # history rows of what happens by itself
MAX_ATTENDANCE = 100_000  # people who attended an event, a sanity bound


class TransitionError(Exception):
    """A refused transition; ``str()`` is the message shown to the user."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: frozenset
    target: str
    roles: frozenset
    reason_required_for: frozenset = frozenset()


NOT_FINAL = frozenset(S.codes()) - S.FINAL

TRANSITIONS = {
    t.action: t
    for t in (
        Transition("dispose", _l("Dispose"), frozenset({S.SUBMITTED}), S.DISPOSED,
                   frozenset({KABID})),
        Transition("confirm", _l("Confirm"), frozenset({S.DISPOSED}), S.CONFIRMED,
                   frozenset({KASI})),
        Transition("propose_reschedule", _l("Propose another schedule"),
                   frozenset({S.DISPOSED}), S.RESCHEDULE_PROPOSED, frozenset({KASI})),
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
                   S.SCHEDULED, frozenset({ADMIN_PC})),
        Transition("prepare", _l("Room prepared"), frozenset({S.SCHEDULED}),
                   S.PREPARED, frozenset({ADMIN_PC})),
        Transition("complete", _l("Complete"), frozenset({S.PREPARED}), S.COMPLETED,
                   frozenset({ADMIN_PC})),
        Transition("mark_no_show", _l("Mark as not used"),
                   frozenset({S.SCHEDULED, S.PREPARED}), S.NO_SHOW,
                   frozenset({ADMIN_PC})),
        Transition("cancel", _l("Cancel request"), NOT_FINAL, S.CANCELLED,
                   frozenset({PEMINJAM, KABID, KASI}),
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
    if action == "confirm" and now >= start:
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
    refusal = _timing_refusal(action, loan, now)
    if refusal is not None:
        raise TransitionError(refusal)
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


def _input_errors(loan, action, instruction, nature, actual_participants, checklist):
    """What the step's own fields lack; the same for the web, the API and the CLI."""
    errors = []
    if action == "dispose":
        if instruction not in DispositionInstruction.codes():
            errors.append(_l("Choose the instruction of the disposition."))
        if nature not in DispositionNature.codes():
            errors.append(_l("Choose the nature of the disposition."))
    if action == "confirm" and not loan.no_buffet_pledge:
        errors.append(_l("The borrower has not pledged that no buffet food will be "
                         "served."))
    if action == "complete" and not (
        isinstance(actual_participants, int)
        and 0 < actual_participants <= MAX_ATTENDANCE
    ):
        errors.append(_l("Give the number of people who actually attended."))
    if action in ("prepare", "complete"):
        errors.extend(equipment_care.checklist_errors(loan.room, checklist or []))
    return errors


def apply(loan, action, user, note="", reason="", now=None, sessions=None,
          instruction=None, nature=None, actual_participants=None, checklist=None,
          outcome_notes=""):
    """Take ``action`` on ``loan`` as ``user``; the caller commits.

    ``sessions`` ((start, end) pairs) is the other slot a reschedule proposal
    offers. A disposition takes an ``instruction`` and ``nature`` (codes of
    DispositionInstruction and DispositionNature); preparing and completing
    take the room's equipment ``checklist`` (EquipmentCheck items), and
    completing the ``actual_participants`` and ``outcome_notes``. A step that
    makes the request hold the room (confirm, a proposal) is refused with the
    times taken when the room is not free.
    """
    now = now or utcnow()
    _take_request(loan)
    transition, role = check(loan, action, user, reason=reason, now=now)
    errors = _input_errors(loan, action, instruction, nature, actual_participants,
                           checklist)
    errors += text_limits.labelled(text_limits.step_problems(
        note, reason, outcome_notes, checklist))
    if errors:
        raise TransitionError(" ".join(str(e) for e in errors))
    if action == "reject":
        loan.rejection_reason = reason
    elif action in ("cancel", "decline_reschedule"):
        loan.cancellation_reason = reason or None
    if action == "propose_reschedule":
        _propose(loan, sessions or [], now)
    elif action == "accept_reschedule":
        _adopt_proposal(loan)
    elif loan.status == S.RESCHEDULE_PROPOSED:
        _drop_proposal(loan)  # declined, rejected or cancelled: no slot is held
    if action == "complete":
        loan.actual_participants = actual_participants
        loan.outcome_notes = (outcome_notes or "").strip() or None
    if action in ("prepare", "complete"):
        equipment_care.apply_checklist(loan.room, checklist, user, loan, now)
    row = record(
        loan, action, loan.status, transition.target, user, role,
        note=note or reason, now=now,
        instruction=instruction if action == "dispose" else None,
        nature=nature if action == "dispose" else None,
    )
    try:
        occupancy.claim(loan, now)
    except occupancy.ScheduleConflict as conflict:
        raise TransitionError(str(conflict)) from conflict
    return row


def _take_request(loan):
    """Make steps on one request wait for each other until commit, then read
    it afresh: two people (or processes) taking a step on it at once do not
    both succeed from the same state; the later one sees the earlier's result.

    PostgreSQL locks the request's row; SQLite starts the write transaction
    now (BEGIN IMMEDIATE), as occupancy.lock_room does.
    """
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        db.session.execute(sa.select(LoanRequest.id).where(LoanRequest.id == loan.id)
                           .with_for_update())
    db.session.refresh(loan)
    for session in [*loan.sessions, *loan.proposed_sessions]:
        db.session.refresh(session)


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
