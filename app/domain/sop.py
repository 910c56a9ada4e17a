"""The SOP the product runs, as the "Tentang SOP" page shows it.

Who takes each step, its standard time and the steps the app offers come
from the app's own rules (app/domain/workflow.py, app/domain/mutu_baku.py), so the page
always says what the app does; the SOP's own wording (legal basis, the
activities) is Indonesian text in the template.
"""
from dataclasses import dataclass

from app.domain import mutu_baku
from app.domain.workflow import ACTION_LABELS, TRANSITIONS, WAITING_ROLE
from app.models import LoanStatus
from app.security.roles import ALL_ROLES, PEMINJAM


@dataclass(frozen=True)
class FlowStep:
    code: str  # a mutu baku step's code, or "submit"
    role: str
    standard_minutes: int | None
    app_steps: tuple  # the app's step labels that take it


@dataclass(frozen=True)
class TransitionRow:
    label: object
    sources: tuple
    target: object
    roles: tuple
    reason_required_for: tuple


def flowchart():
    """The SOP's steps in order: the borrower's request, then the timed steps."""
    steps = [FlowStep("submit", PEMINJAM, None, (ACTION_LABELS["submit"],))]
    for step in mutu_baku.STEPS:
        steps.append(FlowStep(
            step.code, WAITING_ROLE[step.waits_in],
            int(mutu_baku.standard(step).total_seconds()) // 60,
            tuple(TRANSITIONS[action].label for action in sorted(step.actions)),
        ))
    return steps


def _in_order(roles):
    return tuple(role for role in ALL_ROLES if role in roles)


def transitions():
    """Every step the app allows: from which states, to which, by whom."""
    order = {code: index for index, code in enumerate(LoanStatus.codes())}
    return [
        TransitionRow(
            label=t.label,
            sources=tuple(LoanStatus.label(s) for s in sorted(t.sources, key=order.get)),
            target=LoanStatus.label(t.target),
            roles=_in_order(t.roles),
            reason_required_for=_in_order(t.reason_required_for),
        )
        for t in TRANSITIONS.values()
    ]
