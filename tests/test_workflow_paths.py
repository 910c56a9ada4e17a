"""Every path of the SOP state machine, walked through ``workflow.apply``.

Each path checks where the request ends, the history it leaves behind (who
did what, as which role, with which note, in order) and, for a request that
stops short, that its slot is free for someone else again.

:func:`take` is the one place that knows how each action is taken with valid
arguments; test_workflow_matrix.py uses it too.
"""
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from helpers import lapsed_proposal_time, office_day, submit_loan, user

from app.domain import workflow
from app.domain.refusals import Refusal, ScheduleConflict
from app.models import (
    DispositionInstruction,
    DispositionNature,
    LoanRequest,
    LoanSession,
    StatusHistory,
)
from app.models import LoanStatus as S
from app.ops.demo import step_details
from app.platform.extensions import db
from app.platform.formatting import format_session
from app.platform.timeutil import from_local, to_local, utcnow
from app.security.roles import ADMIN, ADMIN_PC, KABID, KASI, PEMINJAM

pytestmark = pytest.mark.date_sensitive

OWNER, OTHER = "peminjam1", "peminjam2"
ROLE_OF = {"admin": ADMIN, "kabid": KABID, "kasi": KASI, "adminpc": ADMIN_PC,
           OWNER: PEMINJAM, OTHER: PEMINJAM}

# What each step says: the disposition's note, and the reasons given.
NOTES = {
    "dispose": "Mohon dikoordinasikan dengan peminjam.",
    "reject": "Ruang dipakai untuk kegiatan Wali Kota.",
    "cancel": "Kegiatan ditunda oleh penyelenggara.",
    "decline_reschedule": "Jadwal usulan tidak cocok.",
}


# ---------------------------------------------------------------- time and slots

def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


_next_day = {"offset": 35}  # days from today


def fresh_day():
    """An office day weeks ahead that no other request of this run was given."""
    day = office_day(_next_day["offset"])
    _next_day["offset"] = (day - to_local(utcnow()).date()).days + 1
    return day


def slot(day):
    """A request's own slot: 08.00-10.00."""
    return [(at(day, 8), at(day, 10))]


_proposal_days = {}


def proposal_slot(loan):
    """The slot the Kasi offers instead: 13.00-14.00 on a day of its own (the
    same each time for one request, so a test can name it before proposing)."""
    key = (loan.id, first_start(loan))  # ids repeat in another module's database
    if key not in _proposal_days:
        _proposal_days[key] = fresh_day()
    day = _proposal_days[key]
    return [(at(day, 13), at(day, 14))]


def first_start(loan):
    return min(s.starts_at for s in loan.sessions)


# When a step is taken, relative to the event: well ahead (now), on its day
# half an hour before it starts, and half an hour after it is over.
MOMENTS = ("ahead", "on_the_day", "afterwards")


def moment(loan, name):
    if name == "ahead":
        return utcnow()
    if name == "on_the_day":
        return first_start(loan) - timedelta(minutes=30)
    return max(s.ends_at for s in loan.sessions) + timedelta(minutes=30)


# The moment each step is taken at when a path does not say otherwise.
USUAL_MOMENT = {"prepare": "on_the_day", "complete": "afterwards",
                "mark_no_show": "afterwards"}


# ---------------------------------------------------------------- taking steps

def step_input(loan, action, **overrides):
    """A valid input for ``action`` on ``loan``, as a person taking it gives it
    (app.ops.demo.step_details), with this module's notes and proposal slots;
    ``overrides`` replace its fields."""
    fields = {}
    if action == "dispose":
        fields["note"] = NOTES["dispose"]
    if action in ("reject", "cancel", "decline_reschedule"):
        fields["reason"] = NOTES[action]
    if action == "propose_reschedule":
        fields["sessions"] = tuple(proposal_slot(loan))
    return replace(step_details(action, loan), **{**fields, **overrides})


def take(loan, action, username, now=None, commit=True, **overrides):
    """``username`` takes ``action`` on ``loan`` with valid input.

    ``now`` defaults to the step's usual moment; ``overrides`` replace
    fields of the input. Commits unless ``commit`` is false.
    """
    if now is None:
        now = moment(loan, USUAL_MOMENT.get(action, "ahead"))
    row = workflow.apply(loan, action, user(username),
                         step_input(loan, action, **overrides), now=now)
    if commit:
        db.session.commit()
    return row


# ---------------------------------------------------------------- the SOP (DESIGN.md)

OPEN = [S.SUBMITTED, S.DISPOSED, S.RESCHEDULE_PROPOSED, S.CONFIRMED, S.SCHEDULED,
        S.PREPARED]
# DESIGN.md's table: action -> (from, to, who).
TABLE = {
    "dispose": ({S.SUBMITTED}, S.DISPOSED, {KABID}),
    "confirm": ({S.DISPOSED}, S.CONFIRMED, {KASI}),
    "propose_reschedule": ({S.DISPOSED}, S.RESCHEDULE_PROPOSED, {KASI}),
    "accept_reschedule": ({S.RESCHEDULE_PROPOSED}, S.CONFIRMED, {PEMINJAM}),
    "decline_reschedule": ({S.RESCHEDULE_PROPOSED}, S.DISPOSED, {PEMINJAM}),
    "reject": ({S.SUBMITTED, S.DISPOSED, S.RESCHEDULE_PROPOSED}, S.REJECTED,
               {KABID, KASI}),
    "schedule": ({S.CONFIRMED}, S.SCHEDULED, {ADMIN_PC}),
    "prepare": ({S.SCHEDULED}, S.PREPARED, {ADMIN_PC}),
    "complete": ({S.PREPARED}, S.COMPLETED, {ADMIN_PC}),
    "mark_no_show": ({S.SCHEDULED, S.PREPARED}, S.NO_SHOW, {ADMIN_PC}),
    "cancel": (set(OPEN), S.CANCELLED, {PEMINJAM, KABID, KASI}),
}

# The steps (action, who) that bring a new request to each status.
DISPOSE = ("dispose", "kabid")
CONFIRM = ("confirm", "kasi")
SCHEDULE = ("schedule", "adminpc")
PREPARE = ("prepare", "adminpc")
ROUTE = {
    S.SUBMITTED: [],
    S.DISPOSED: [DISPOSE],
    S.RESCHEDULE_PROPOSED: [DISPOSE, ("propose_reschedule", "kasi")],
    S.CONFIRMED: [DISPOSE, CONFIRM],
    S.SCHEDULED: [DISPOSE, CONFIRM, SCHEDULE],
    S.PREPARED: [DISPOSE, CONFIRM, SCHEDULE, PREPARE],
    S.COMPLETED: [DISPOSE, CONFIRM, SCHEDULE, PREPARE, ("complete", "adminpc")],
    S.NO_SHOW: [DISPOSE, CONFIRM, SCHEDULE, ("mark_no_show", "adminpc")],
    S.REJECTED: [("reject", "kabid")],
    S.CANCELLED: [("cancel", OWNER)],
}


def new_loan(status=S.SUBMITTED, title="Rapat Alur SOP"):
    """A request of OWNER on a day of its own, brought to ``status`` by real steps."""
    loan = submit_loan(OWNER, title=title, sessions=slot(fresh_day()))
    for action, username in ROUTE[status]:
        take(loan, action, username)
    assert loan.status == status
    return loan


# ---------------------------------------------------------------- what is left behind

def row(action, from_status, to_status, username):
    """The history row a step by ``username`` leaves."""
    return (action, from_status, to_status, ROLE_OF[username], username,
            NOTES.get(action, ""))


def route_rows(status):
    """The history rows of a request brought to ``status`` by :func:`new_loan`."""
    rows = [row("submit", None, S.SUBMITTED, OWNER)]
    current = S.SUBMITTED
    for action, username in ROUTE[status]:
        target = TABLE[action][1]
        rows.append(row(action, current, target, username))
        current = target
    return rows


def history(loan):
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    return [(h.action, h.from_status, h.to_status, h.actor_role,
             h.actor.username if h.actor else None, h.note) for h in loan.history]


def times(sessions):
    return [(s.starts_at, s.ends_at) for s in sessions]


def held_slots(loan):
    """The request's slot and, while a proposal is open, the offered one."""
    return [held for held in (times(loan.sessions), times(loan.proposed_sessions))
            if held]


def assert_slot_free(sessions):
    """Another borrower's request for ``sessions`` is submitted and confirmed."""
    other = submit_loan(OTHER, title="Permohonan Pengganti", sessions=sessions)
    take(other, "dispose", "kabid")
    take(other, "confirm", "kasi")
    assert other.status == S.CONFIRMED


def refused(loan, action, username, **kwargs):
    """The message ``action`` is refused with; the attempt is rolled back."""
    with pytest.raises(Refusal) as error:
        take(loan, action, username, commit=False, **kwargs)
    db.session.rollback()
    return str(error.value)


def stored(loan_id):
    """What the database holds of what a step may change on request ``loan_id``:
    its status and reasons, its history rows and its sessions."""
    request = db.session.execute(
        sa.select(LoanRequest.status, LoanRequest.status_changed_at,
                  LoanRequest.hold_expires_at, LoanRequest.rejection_reason,
                  LoanRequest.cancellation_reason).where(LoanRequest.id == loan_id)
    ).one()
    history = db.session.scalar(
        sa.select(sa.func.count()).where(StatusHistory.loan_id == loan_id))
    sessions = db.session.execute(
        sa.select(LoanSession.id, LoanSession.starts_at, LoanSession.ends_at,
                  LoanSession.blocked_until, LoanSession.occupying,
                  LoanSession.proposed)
        .where(LoanSession.loan_id == loan_id).order_by(LoanSession.id)
    ).all()
    return {"request": tuple(request), "history rows": history,
            "sessions": [tuple(s) for s in sessions]}


@pytest.fixture(autouse=True)
def clean_session(module_app):
    yield
    db.session.rollback()


# ---------------------------------------------------------------- the paths

def test_happy_path(module_app):
    loan = new_loan(S.COMPLETED)
    assert loan.status == S.COMPLETED
    assert history(loan) == [
        row("submit", None, S.SUBMITTED, OWNER),
        row("dispose", S.SUBMITTED, S.DISPOSED, "kabid"),
        row("confirm", S.DISPOSED, S.CONFIRMED, "kasi"),
        row("schedule", S.CONFIRMED, S.SCHEDULED, "adminpc"),
        row("prepare", S.SCHEDULED, S.PREPARED, "adminpc"),
        row("complete", S.PREPARED, S.COMPLETED, "adminpc"),
    ]
    disposition = loan.history[1]
    assert (disposition.instruction, disposition.nature) == (
        DispositionInstruction.FOLLOW_UP, DispositionNature.ORDINARY)
    assert loan.actual_participants == step_details("complete", loan).actual_participants
    # The SOP's four timed steps carry their standard time; the others none.
    assert [h.standard_seconds for h in loan.history] == [
        None, 15 * 60, 15 * 60, 30 * 60, 15 * 60, None]
    assert all(h.elapsed_seconds is not None for h in loan.history[1:5])


def test_reschedule_accepted(module_app):
    loan = new_loan(S.DISPOSED)
    original, offered = times(loan.sessions), proposal_slot(loan)
    take(loan, "propose_reschedule", "kasi")
    assert loan.status == S.RESCHEDULE_PROPOSED
    assert times(loan.proposed_sessions) == offered
    take(loan, "accept_reschedule", OWNER)
    assert loan.status == S.CONFIRMED
    assert times(loan.sessions) == offered and loan.proposed_sessions == []
    for action in ("schedule", "prepare", "complete"):
        take(loan, action, "adminpc")
    assert loan.status == S.COMPLETED
    assert history(loan) == route_rows(S.DISPOSED) + [
        row("propose_reschedule", S.DISPOSED, S.RESCHEDULE_PROPOSED, "kasi"),
        row("accept_reschedule", S.RESCHEDULE_PROPOSED, S.CONFIRMED, OWNER),
        row("schedule", S.CONFIRMED, S.SCHEDULED, "adminpc"),
        row("prepare", S.SCHEDULED, S.PREPARED, "adminpc"),
        row("complete", S.PREPARED, S.COMPLETED, "adminpc"),
    ]
    assert_slot_free(original)


def test_reschedule_declined(module_app):
    loan = new_loan(S.RESCHEDULE_PROPOSED)
    original, offered = times(loan.sessions), times(loan.proposed_sessions)
    take(loan, "decline_reschedule", OWNER)
    # Back to the Kasi with the reason; the request is not cancelled.
    assert loan.status == S.DISPOSED
    assert loan.cancellation_reason is None
    assert history(loan) == route_rows(S.RESCHEDULE_PROPOSED) + [
        row("decline_reschedule", S.RESCHEDULE_PROPOSED, S.DISPOSED, OWNER),
    ]
    assert_slot_free(offered)
    assert_slot_free(original)


@pytest.mark.parametrize("status, username", [
    (S.SUBMITTED, "kabid"),
    (S.DISPOSED, "kasi"),
    (S.RESCHEDULE_PROPOSED, "kasi"),
])
def test_rejected(module_app, status, username):
    loan = new_loan(status)
    slots = held_slots(loan)
    before = stored(loan.id)
    assert refused(loan, "reject", username, reason="  ") == "Silakan isi alasannya."
    assert stored(loan.id) == before

    take(loan, "reject", username)
    assert loan.status == S.REJECTED
    assert loan.rejection_reason == NOTES["reject"]
    assert history(loan) == route_rows(status) + [
        row("reject", status, S.REJECTED, username)]
    for sessions in slots:
        assert_slot_free(sessions)


@pytest.mark.parametrize("status", OPEN)
def test_cancelled_by_the_borrower_before_the_event(module_app, status):
    loan = new_loan(status)
    slots = held_slots(loan)
    # A prepared room is cancelled on the day, before the start.
    now = first_start(loan) - timedelta(minutes=15) if status == S.PREPARED else None
    take(loan, "cancel", OWNER, now=now)
    assert loan.status == S.CANCELLED
    assert loan.cancellation_reason == NOTES["cancel"]
    assert history(loan) == route_rows(status) + [
        row("cancel", status, S.CANCELLED, OWNER)]
    for sessions in slots:
        assert_slot_free(sessions)


def test_the_borrower_needs_no_reason_to_cancel(module_app):
    loan = new_loan(S.CONFIRMED)
    take(loan, "cancel", OWNER, reason="")
    assert loan.status == S.CANCELLED
    assert history(loan)[-1][:5] == row("cancel", S.CONFIRMED, S.CANCELLED, OWNER)[:5]


@pytest.mark.parametrize("status", OPEN)
@pytest.mark.parametrize("username", ["kabid", "kasi"])
def test_cancelled_by_staff_with_a_reason(module_app, username, status):
    loan = new_loan(status)
    slots = held_slots(loan)
    before = stored(loan.id)
    for blank in ("", "   "):
        assert refused(loan, "cancel", username, reason=blank) == "Silakan isi alasannya."
        assert stored(loan.id) == before

    take(loan, "cancel", username)
    assert loan.status == S.CANCELLED
    assert loan.cancellation_reason == NOTES["cancel"]
    assert history(loan) == route_rows(status) + [
        row("cancel", status, S.CANCELLED, username)]
    for sessions in slots:
        assert_slot_free(sessions)


@pytest.mark.parametrize("status", [S.CONFIRMED, S.SCHEDULED, S.PREPARED])
@pytest.mark.parametrize("username", [OWNER, "kabid", "kasi"])
def test_no_cancelling_once_the_event_has_started(module_app, username, status):
    loan = new_loan(status)
    before = stored(loan.id)
    assert refused(loan, "cancel", username, now=first_start(loan)) == (
        "Kegiatan sudah dimulai; permohonan tidak dapat dibatalkan lagi.")
    assert stored(loan.id) == before


@pytest.mark.parametrize("status", [S.SCHEDULED, S.PREPARED])
def test_no_show(module_app, status):
    loan = new_loan(status)
    before = stored(loan.id)
    for early in (moment(loan, "ahead"), first_start(loan) - timedelta(minutes=1)):
        assert refused(loan, "mark_no_show", "adminpc", now=early) == (
            "Kegiatan belum dimulai.")
        assert stored(loan.id) == before

    take(loan, "mark_no_show", "adminpc", now=first_start(loan))
    assert loan.status == S.NO_SHOW
    assert history(loan) == route_rows(status) + [
        row("mark_no_show", status, S.NO_SHOW, "adminpc")]


def test_a_lapsed_hold_returns_to_the_kasi(module_app):
    proposed_at = lapsed_proposal_time()
    day = fresh_day()
    loan = submit_loan(OWNER, title="Usulan Kedaluwarsa", sessions=slot(day),
                       now=proposed_at - timedelta(minutes=20))
    take(loan, "dispose", "kabid", now=proposed_at - timedelta(minutes=10))
    take(loan, "propose_reschedule", "kasi", now=proposed_at)
    offered = times(loan.proposed_sessions)

    before = stored(loan.id)
    assert refused(loan, "accept_reschedule", OWNER) == (
        "Usulan jadwal sudah kedaluwarsa; Kasi akan mengusulkan kembali.")
    assert stored(loan.id) == before

    assert workflow.release_lapsed_holds(utcnow()) == 1
    db.session.commit()
    assert loan.status == S.DISPOSED
    assert loan.proposed_sessions == [] and loan.hold_expires_at is None
    assert history(loan) == route_rows(S.DISPOSED) + [
        row("propose_reschedule", S.DISPOSED, S.RESCHEDULE_PROPOSED, "kasi"),
        ("hold_lapsed", S.RESCHEDULE_PROPOSED, S.DISPOSED, workflow.SYSTEM_ROLE, None,
         "Peminjam tidak menjawab tepat waktu."),
    ]
    assert workflow.release_lapsed_holds(utcnow()) == 0
    assert_slot_free(offered)
    # Back with the Kasi, who may confirm the original slot.
    take(loan, "confirm", "kasi")
    assert loan.status == S.CONFIRMED


@pytest.mark.parametrize("action, username", [("reject", "kasi"), ("cancel", OWNER),
                                              ("cancel", "kabid")])
def test_a_request_that_stops_during_a_proposal_keeps_no_proposal(
        module_app, action, username):
    loan = new_loan(S.RESCHEDULE_PROPOSED)
    take(loan, action, username)
    assert (loan.proposed_sessions, loan.hold_expires_at) == ([], None)


def test_an_event_of_several_days_is_completed_after_its_last_day(module_app):
    first, second = fresh_day(), fresh_day()
    loan = submit_loan(OWNER, title="Pelatihan Dua Hari",
                       sessions=slot(first) + slot(second))
    for action, username in ROUTE[S.PREPARED]:
        take(loan, action, username)
    before = stored(loan.id)
    refused(loan, "complete", "adminpc", now=at(first, 12))
    assert stored(loan.id) == before


# ---------------------------------------------------------------- atomicity

@pytest.mark.parametrize("action", ["confirm", "propose_reschedule"])
def test_a_step_into_a_taken_slot_changes_nothing(module_app, action):
    loan = new_loan(S.DISPOSED)
    wanted = proposal_slot(loan) if action == "propose_reschedule" else times(
        loan.sessions)
    holder = submit_loan(OTHER, title="Pemegang Slot", sessions=wanted)
    take(holder, "dispose", "kabid")
    take(holder, "confirm", "kasi")

    before = stored(loan.id)
    with pytest.raises(ScheduleConflict) as refusal:
        take(loan, action, "kasi", commit=False)
    db.session.rollback()
    taken = format_session(*wanted[0])
    # The times taken, as data and as the message; then where the room is free.
    assert refusal.value.clashes == [tuple(wanted[0])]
    assert str(refusal.value.message) == (
        f"Ruang sudah dipesan pada waktu tersebut: {taken}.")
    assert refusal.value.suggestions
    assert "Waktu kosong terdekat dengan durasi yang sama" in str(refusal.value)
    assert stored(loan.id) == before
    assert stored(holder.id)["request"][0] == S.CONFIRMED
    assert all(s.occupying for s in holder.sessions)
