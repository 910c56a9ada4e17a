"""Every action, from every status, as every role: only DESIGN.md's cells succeed.

One request per status is brought there by real steps, once for the module;
each attempt is rolled back afterwards. A refused attempt names why (its
role, not the borrower's own request, the status, or the time) and changes
nothing; ``workflow.allowed_actions`` offers exactly the attempts that succeed.

Every cell is tried well ahead of the event. The cells of time-bound actions
that the table allows are also tried on the event's day before it starts and
once it is over (the same day); ``allowed_actions`` is checked at all three
moments.
"""
import pytest
from flask_babel import gettext
from helpers import user
from test_workflow_paths import (
    MOMENTS,
    OTHER,
    OWNER,
    ROLE_OF,
    TABLE,
    moment,
    new_loan,
    stored,
    take,
    times,
)

from app.domain import workflow
from app.domain.refusals import TransitionRefused
from app.models import LoanRequest
from app.models import LoanStatus as S
from app.platform.extensions import db
from app.security.roles import PEMINJAM

# The moments at which a time-bound action may be taken, and its refusal
# at the others. A proposal holds its slot for RESCHEDULE_HOLD_HOURS (48):
# by the day of the event, weeks later, it has lapsed.
TIME_BOUND = {
    "cancel": ({"ahead", "on_the_day"},
               "The event has started; it can no longer be cancelled."),
    "prepare": ({"on_the_day", "afterwards"},
                "The room is prepared on the day of the event."),
    "confirm": ({"ahead", "on_the_day"}, ("The requested time has passed; propose "
                                          "another schedule or reject the request.")),
    "complete": ({"afterwards"}, "The event has not started yet."),
    "mark_no_show": ({"afterwards"}, "The event has not started yet."),
    "accept_reschedule": ({"ahead"}, (
        "The proposed schedule has lapsed; the Kasi will propose again.")),
}
USERNAMES = ["admin", "kabid", "kasi", "adminpc", OWNER, OTHER]


def refusals(status, username, action, when=None):
    """Why the table refuses an attempt, as (msgid, its values); none if it allows it.

    ``when`` None leaves the time out.
    """
    sources, _target, roles = TABLE[action]
    role = ROLE_OF[username]
    found = []
    if role not in roles:
        found.append(("Your role may not take this step.", {}))
    elif role == PEMINJAM and username != OWNER:
        found.append(("This request is not yours.", {}))
    if status not in sources:
        found.append(("This step is not possible while the request is %(status)s.",
                      {"status": S.label(status)}))
    if when is not None and action in TIME_BOUND and when not in TIME_BOUND[action][0]:
        found.append((TIME_BOUND[action][1], {}))
    return found


def messages(found):
    return [gettext(msgid, **values) for msgid, values in found]


CELLS = [
    pytest.param(status, username, action, when,
                 id=f"{action}-from-{status}-as-{username}-{when}")
    for action in TABLE
    for status in S.codes()
    for username in USERNAMES
    for when in MOMENTS
    if when == "ahead" or (action in TIME_BOUND
                           and not refusals(status, username, action))
]


@pytest.fixture(scope="module")
def loans(module_app):
    """{status: (id, what is stored)} of a request of OWNER in each status,
    reached by real steps; no attempt may change what is stored."""
    made = {status: new_loan(status, title=f"Matriks {status}")
            for status in S.codes()}
    return {status: (loan.id, stored(loan.id)) for status, loan in made.items()}


@pytest.fixture(autouse=True)
def clean_session(module_app):
    yield
    db.session.rollback()


def test_the_table_is_the_workflows():
    assert set(workflow.TRANSITIONS) == set(TABLE)
    for action, (sources, target, roles) in TABLE.items():
        transition = workflow.TRANSITIONS[action]
        assert (set(transition.sources), transition.target, set(transition.roles)) == (
            sources, target, roles), action


@pytest.mark.parametrize("status, username, action, when", CELLS)
def test_cell(module_app, loans, status, username, action, when):
    loan_id, before = loans[status]
    loan = db.session.get(LoanRequest, loan_id)
    expected = refusals(status, username, action, when)
    now = moment(loan, when)

    if expected:
        with pytest.raises(TransitionRefused) as error:
            take(loan, action, username, now=now, commit=False)
        assert str(error.value) in messages(expected)
        if username == OTHER:  # told it is not theirs, never the request's status
            assert str(error.value) == messages(expected)[0]
        assert not (db.session.new or db.session.dirty or db.session.deleted)
    else:
        offered = times(loan.proposed_sessions)
        take(loan, action, username, now=now, commit=False)
        db.session.flush()
        target = TABLE[action][1]
        assert loan.status == target
        last = loan.history[-1]
        assert len(loan.history) == before["history rows"] + 1
        assert (last.action, last.from_status, last.to_status, last.actor_role) == (
            action, status, target, ROLE_OF[username])
        if action == "accept_reschedule":
            assert times(loan.sessions) == offered
    db.session.rollback()
    assert stored(loan_id) == before


@pytest.mark.parametrize("when", MOMENTS)
@pytest.mark.parametrize("username", USERNAMES)
@pytest.mark.parametrize("status", S.codes())
def test_allowed_actions_are_the_succeeding_cells(module_app, loans, status,
                                                   username, when):
    loan_id, before = loans[status]
    loan = db.session.get(LoanRequest, loan_id)
    now = moment(loan, when)
    allowed = workflow.allowed_actions(loan, user(username), now)
    assert set(allowed) == {
        action for action in TABLE if not refusals(status, username, action, when)}
    assert len(allowed) == len(set(allowed))
    assert stored(loan_id) == before
    # What it offers succeeds (what it withholds, test_cell tries).
    for action in allowed:
        take(db.session.get(LoanRequest, loan_id), action, username, now=now,
             commit=False)
        db.session.rollback()
    assert stored(loan_id) == before
