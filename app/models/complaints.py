"""Complaints and suggestions (pengaduan, saran dan masukan) of borrowers,
with their number, status history and response standard."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import relationship

from app.models.choices import Choices
from app.platform.extensions import db
from app.platform.timeutil import UTCDateTime, utcnow


class ComplaintKind(Choices):
    COMPLAINT = "pengaduan"
    SUGGESTION = "saran"
    LABELS = ((COMPLAINT, _l("Complaint")), (SUGGESTION, _l("Suggestion")))


class ComplaintTopic(Choices):
    """What a complaint is about: the annual report counts them by topic."""

    PROCEDURE = "prosedur"
    SCHEDULE = "jadwal"
    SPEED = "waktu"
    STAFF = "petugas"
    FACILITIES = "sarana"
    APPLICATION = "aplikasi"
    OTHER = "lainnya"
    LABELS = (
        (PROCEDURE, _l("Requirements and procedure")),
        (SCHEDULE, _l("Schedule and booking")),
        (SPEED, _l("Service time")),
        (STAFF, _l("Staff conduct")),
        (FACILITIES, _l("Room and equipment")),
        (APPLICATION, _l("This application")),
        (OTHER, _l("Other")),
    )


class ComplaintStatus(Choices):
    SUBMITTED = "submitted"
    ANSWERED = "answered"
    CLOSED = "closed"
    LABELS = (
        (SUBMITTED, _l("Waiting for an answer")),
        (ANSWERED, _l("Answered")),
        (CLOSED, _l("Closed")),
    )


class Complaint(db.Model):
    __tablename__ = "complaint"

    id = sa.Column(sa.Integer, primary_key=True)
    # ADU/2026/0001: the sequence restarts each year (yearly_numbers).
    year = sa.Column(sa.Integer, nullable=False)
    sequence = sa.Column(sa.Integer, nullable=False)
    number = sa.Column(sa.String(30), nullable=False, unique=True)
    kind = sa.Column(sa.String(20), nullable=False)
    topic = sa.Column(sa.String(20), nullable=False)
    borrower_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False,
                            index=True)
    # The request it is about, if any (a borrower's own).
    loan_id = sa.Column(sa.Integer, sa.ForeignKey("loan_request.id"), nullable=True)
    subject = sa.Column(sa.String(200), nullable=False)
    description = sa.Column(sa.Text, nullable=False)
    status = sa.Column(sa.String(20), nullable=False, default=ComplaintStatus.SUBMITTED,
                       index=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    # The response standard when it was filed (working days) and the moment
    # it runs out: a later change of the setting does not rewrite the past.
    standard_days = sa.Column(sa.Integer, nullable=False)
    due_at = sa.Column(UTCDateTime, nullable=False)
    answer = sa.Column(sa.Text, nullable=True)
    answered_at = sa.Column(UTCDateTime, nullable=True)
    answered_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=True)
    closed_at = sa.Column(UTCDateTime, nullable=True)

    borrower = relationship("User", foreign_keys=[borrower_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    loan = relationship("LoanRequest")
    history = relationship("ComplaintHistory", back_populates="complaint",
                           order_by="ComplaintHistory.id")

    __table_args__ = (
        sa.UniqueConstraint("year", "sequence", name="uq_complaint_year_sequence"),
    )

    @property
    def kind_label(self):
        return ComplaintKind.label(self.kind)

    @property
    def topic_label(self):
        return ComplaintTopic.label(self.topic)

    @property
    def status_label(self):
        return ComplaintStatus.label(self.status)

    def overdue_at(self, now):
        """Whether it waits for an answer past its standard at ``now``."""
        return self.status == ComplaintStatus.SUBMITTED and now > self.due_at

    @property
    def within_standard(self):
        """Answered by its deadline (None while unanswered)."""
        return None if self.answered_at is None else self.answered_at <= self.due_at

    def __str__(self):
        return self.number


class ComplaintHistory(db.Model):
    """One row per step of a complaint (filed, answered, closed); append-only."""

    __tablename__ = "complaint_history"

    id = sa.Column(sa.Integer, primary_key=True)
    complaint_id = sa.Column(sa.Integer, sa.ForeignKey("complaint.id"), nullable=False,
                             index=True)
    action = sa.Column(sa.String(20), nullable=False)
    from_status = sa.Column(sa.String(20), nullable=True)
    to_status = sa.Column(sa.String(20), nullable=False)
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    actor_role = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    note = sa.Column(sa.Text, nullable=False, default="")

    complaint = relationship("Complaint", back_populates="history")
    actor = relationship("User")

    @property
    def to_status_label(self):
        return ComplaintStatus.label(self.to_status)


@event.listens_for(ComplaintHistory, "before_update")
@event.listens_for(ComplaintHistory, "before_delete")
def _history_is_append_only(mapper, connection, target):
    raise ValueError("complaint_history rows are append-only")
