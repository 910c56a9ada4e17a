"""Equipment checks and damage reports found while preparing or after an event.

The SOP's warning: damage to the room's equipment must be repaired promptly,
so a damaged item on a checklist opens a damage report that staff follow
until it is repaired.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    DamageReport,
    DamageReportUpdate,
    DamageStatus,
    EquipmentCondition,
)
from app.timeutil import utcnow


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
    """Messages for a checklist that does not cover the room's equipment."""
    expected = {item.id for item in room.equipment}
    given = {check.equipment_id for check in checklist}
    errors = []
    if given != expected:
        errors.append(_l("Check every item of the room's equipment."))
    if any(not check.ready and not check.description.strip() for check in checklist):
        errors.append(_l("Describe the damage of every damaged item."))
    return errors


def report_damage(equipment, user, description, loan=None, now=None):
    """Open a damage report (unless one is open already) and mark the item."""
    now = now or utcnow()
    equipment.condition = EquipmentCondition.DAMAGED
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
    return report


def apply_checklist(room, checklist, user, loan, now):
    """Open a damage report for each damaged item; returns the new reports."""
    items = {item.id: item for item in room.equipment}
    return [
        report_damage(items[check.equipment_id], user, check.description, loan, now)
        for check in checklist if not check.ready
    ]
