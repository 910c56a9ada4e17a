"""Equipment damage reports, followed until repaired.

The report's lifecycle is a list of updates rather than overwritten fields,
so repair times can be read back for the annual report.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import relationship

from app.models.choices import Choices
from app.platform.extensions import db
from app.platform.timeutil import UTCDateTime, utcnow


class DamageStatus(Choices):
    REPORTED = "reported"
    IN_REPAIR = "in_repair"
    REPAIRED = "repaired"
    LABELS = (
        (REPORTED, _l("Reported")),
        (IN_REPAIR, _l("Being repaired")),
        (REPAIRED, _l("Repaired")),
    )


class DamageReport(db.Model):
    __tablename__ = "damage_report"

    id = sa.Column(sa.Integer, primary_key=True)
    equipment_id = sa.Column(
        sa.Integer, sa.ForeignKey("equipment.id"), nullable=False, index=True
    )
    # The booking during which it was found, if any.
    loan_id = sa.Column(sa.Integer, sa.ForeignKey("loan_request.id"), nullable=True)
    reporter_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    description = sa.Column(sa.Text, nullable=False)
    status = sa.Column(
        sa.String(20), nullable=False, default=DamageStatus.REPORTED, index=True
    )
    reported_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    repaired_at = sa.Column(UTCDateTime, nullable=True)
    repair_notes = sa.Column(sa.Text, nullable=True)

    equipment = relationship("Equipment")
    loan = relationship("LoanRequest", back_populates="damage_reports")
    reporter = relationship("User")
    updates = relationship(
        "DamageReportUpdate", back_populates="report", order_by="DamageReportUpdate.id"
    )

    @property
    def status_label(self):
        return DamageStatus.label(self.status)

    @property
    def is_open(self):
        return self.status != DamageStatus.REPAIRED

    def open_at(self, now):
        """How long it was open by ``now``: until repaired, or until ``now``."""
        return (self.repaired_at or now) - self.reported_at

    @property
    def open_for(self):
        return self.open_at(utcnow())

    @property
    def room(self):
        return self.equipment.room


class DamageReportUpdate(db.Model):
    """One step of a damage report's lifecycle (append-only)."""

    __tablename__ = "damage_report_update"

    id = sa.Column(sa.Integer, primary_key=True)
    report_id = sa.Column(
        sa.Integer, sa.ForeignKey("damage_report.id"), nullable=False, index=True
    )
    status = sa.Column(sa.String(20), nullable=False)
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    note = sa.Column(sa.Text, nullable=False, default="")

    report = relationship("DamageReport", back_populates="updates")
    actor = relationship("User")

    @property
    def status_label(self):
        return DamageStatus.label(self.status)


@event.listens_for(DamageReportUpdate, "before_update")
@event.listens_for(DamageReportUpdate, "before_delete")
def _updates_are_append_only(mapper, connection, target):
    raise ValueError("damage_report_update rows are append-only")
