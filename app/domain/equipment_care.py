"""Equipment checks, damage reports and their repair.

The SOP's warning: damage to the room's equipment must be repaired promptly.
Staff report damage from the equipment list, and a damaged item on a
preparation or outcome checklist opens a report too. The Admin Pontive
Center then follows each report from "reported" through "in repair" to
"repaired". Every step is a new DamageReportUpdate row (never changed); the
report's ``status``, ``repaired_at`` and ``repair_notes`` are its current
state, written with the step, and the item's condition follows its open
reports.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.models import (
    DamageReport,
    DamageReportUpdate,
    DamageStatus,
    Equipment,
    EquipmentCondition,
)
from app.platform.extensions import db
from app.platform.timeutil import utcnow

# Which status may follow which: a quick fix goes straight to "repaired".
NEXT_STATUSES = {
    DamageStatus.REPORTED: (DamageStatus.IN_REPAIR, DamageStatus.REPAIRED),
    DamageStatus.IN_REPAIR: (DamageStatus.REPAIRED,),
}
STEP_LABELS = {
    DamageStatus.IN_REPAIR: _l("Start the repair"),
    DamageStatus.REPAIRED: _l("Mark as repaired"),
}


class DamageStepError(Exception):
    """A refused step of a damage report; ``str()`` is the user's message."""


@dataclass(frozen=True)
class EquipmentCheck:
    """One line of a checklist: an item of the room, ready or damaged."""

    equipment_id: int
    ready: bool
    description: str = ""


def open_reports(equipment_ids):
    """{equipment_id: the open (not repaired) damage report}."""
    if not equipment_ids:
        return {}
    reports = db.session.query(DamageReport).filter(
        DamageReport.equipment_id.in_(list(equipment_ids)),
        DamageReport.status != DamageStatus.REPAIRED,
    ).order_by(DamageReport.id)
    return {report.equipment_id: report for report in reports}


def checklist_errors(room, checklist):
    """Messages for a checklist that does not cover the room's equipment,
    each item once."""
    expected = {item.id for item in room.equipment}
    given = [check.equipment_id for check in checklist]
    errors = []
    if set(given) != expected or len(set(given)) != len(given):
        errors.append(_l("Check every item of the room's equipment."))
    if any(not check.ready and not check.description.strip() for check in checklist):
        errors.append(_l("Describe the damage of every damaged item."))
    return errors


def open_damage(limit):
    """The oldest ``limit`` open reports (equipment, room and reporter loaded)
    and how many are open in all."""
    is_open = DamageReport.status != DamageStatus.REPAIRED
    # How many are open in all: counted over the rows before the LIMIT, in
    # the same statement.
    rows = (db.session.query(DamageReport, sa.func.count().over()).filter(is_open)
            .options(joinedload(DamageReport.equipment).joinedload(Equipment.room),
                     joinedload(DamageReport.reporter))
            .order_by(DamageReport.reported_at, DamageReport.id)
            .limit(limit).all())
    return [report for report, _ in rows], (rows[0][1] if rows else 0)


def _follow_open_reports(equipment):
    """The item's condition from its open reports: damaged while one waits,
    under repair while one is being repaired, good once none is open."""
    statuses = {status for (status,) in db.session.query(DamageReport.status).filter(
        DamageReport.equipment_id == equipment.id,
        DamageReport.status != DamageStatus.REPAIRED)}
    if DamageStatus.REPORTED in statuses:
        equipment.condition = EquipmentCondition.DAMAGED
    elif DamageStatus.IN_REPAIR in statuses:
        equipment.condition = EquipmentCondition.UNDER_REPAIR
    else:
        equipment.condition = EquipmentCondition.GOOD


def report_damage(equipment, user, description, loan=None, now=None):
    """Open a damage report (unless one is open already) and mark the item."""
    now = now or utcnow()
    existing = open_reports([equipment.id]).get(equipment.id)
    if existing is not None:
        return existing
    report = DamageReport(
        equipment=equipment, loan=loan, reporter_id=user.id,
        description=description.strip(), status=DamageStatus.REPORTED,
        reported_at=now,
    )
    db.session.add(report)
    db.session.add(DamageReportUpdate(
        report=report, status=DamageStatus.REPORTED, actor_id=user.id,
        created_at=now, note=description.strip(),
    ))
    _follow_open_reports(equipment)
    return report


def next_statuses(report):
    """The statuses ``report`` may move to now."""
    return NEXT_STATUSES.get(report.status, ())


def advance(report, status, user, note, now=None):
    """Move ``report`` to ``status`` with the note of this step.

    Appends the step's DamageReportUpdate, sets the report's current state
    (on "repaired" its ``repaired_at`` and ``repair_notes``) and the item's
    condition. Raises :class:`DamageStepError` and changes nothing when the
    step does not follow from the report's status or has no note. The
    caller commits (or rolls back after an error).
    """
    now = now or utcnow()
    note = (note or "").strip()
    if status not in next_statuses(report):
        raise DamageStepError(_l(
            "A report that is %(current)s cannot become %(target)s.",
            current=DamageStatus.label(report.status),
            target=DamageStatus.label(status)))
    if not note:
        raise DamageStepError(_l("Write a note on this step (what was found or done)."))
    repaired = status == DamageStatus.REPAIRED
    # Only from the status just read: of two people taking a step at once,
    # the second is refused instead of recording a step twice.
    moved = db.session.execute(
        sa.update(DamageReport)
        .where(DamageReport.id == report.id, DamageReport.status == report.status)
        .values(status=status, repaired_at=now if repaired else None,
                repair_notes=note if repaired else None)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved != 1:
        raise DamageStepError(_l("Someone else has just updated this report; "
                                 "check its history and try again."))
    db.session.add(DamageReportUpdate(report=report, status=status,
                                      actor_id=user.id, created_at=now, note=note))
    _follow_open_reports(report.equipment)
    return report


def apply_checklist(room, checklist, user, loan, now):
    """Open a damage report for each damaged item; returns the new reports."""
    items = {item.id: item for item in room.equipment}
    return [
        report_damage(items[check.equipment_id], user, check.description, loan, now)
        for check in checklist if not check.ready
    ]
