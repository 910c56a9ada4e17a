"""Loan requests, their sessions, and the append-only status history."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import relationship

from app.models.choices import Choices
from app.platform.extensions import db
from app.platform.timeutil import UTCDateTime, utcnow


class LoanKind(Choices):
    LOAN = "peminjaman"
    VISIT = "kunjungan"
    LABELS = ((LOAN, _l("Room loan")), (VISIT, _l("Visit")))


class LoanStatus(Choices):
    SUBMITTED = "submitted"
    DISPOSED = "disposed"
    RESCHEDULE_PROPOSED = "reschedule_proposed"
    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    PREPARED = "prepared"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    LABELS = (
        (SUBMITTED, _l("Submitted")),
        (DISPOSED, _l("Disposed")),
        (RESCHEDULE_PROPOSED, _l("Reschedule proposed")),
        (CONFIRMED, _l("Confirmed")),
        (SCHEDULED, _l("Scheduled")),
        (PREPARED, _l("Room prepared")),
        (COMPLETED, _l("Completed")),
        (NO_SHOW, _l("Not used")),
        (REJECTED, _l("Rejected")),
        (CANCELLED, _l("Cancelled")),
    )
    # The sets the rules speak of, each written here only.
    FINAL = frozenset({COMPLETED, NO_SHOW, REJECTED, CANCELLED})
    OPEN = frozenset(code for code, _label in LABELS) - FINAL
    NOT_HELD = FINAL - {COMPLETED}  # rejected, cancelled or not used
    # Waiting for the Kabid or the Kasi: asking for their slot, holding nothing.
    PENDING = frozenset({SUBMITTED, DISPOSED})
    # Confirmed and after: the request's sessions hold the room (a proposal's
    # sessions hold it too while the proposal is live: scheduling.occupancy).
    OCCUPYING = frozenset({CONFIRMED, SCHEDULED, PREPARED, COMPLETED})


class DispositionInstruction(Choices):
    """The Kabid's preset instructions (isi disposisi) to the Kasi, those of
    the standard disposition sheet among them."""

    FOLLOW_UP = "follow_up"
    COORDINATE = "coordinate"
    FOR_INFORMATION = "for_information"
    PROCESS = "process"
    RESPONSE = "response"
    ARCHIVE = "archive"
    LABELS = (
        (FOLLOW_UP, _l("Follow up")),
        (COORDINATE, _l("Coordinate")),
        (FOR_INFORMATION, _l("For information")),
        (PROCESS, _l("Process according to the rules")),
        (RESPONSE, _l("For comment and advice")),
        (ARCHIVE, _l("File in the archive")),
    )


class DispositionNature(Choices):
    """How urgent a disposition is (sifat)."""

    ORDINARY = "biasa"
    URGENT = "segera"
    VERY_URGENT = "sangat_segera"
    CONFIDENTIAL = "rahasia"
    LABELS = (
        (ORDINARY, _l("Ordinary")),
        (URGENT, _l("Urgent")),
        (VERY_URGENT, _l("Very urgent")),
        (CONFIDENTIAL, _l("Confidential")),
    )


loan_equipment = sa.Table(
    "loan_equipment",
    db.Model.metadata,
    sa.Column(
        "loan_id", sa.Integer, sa.ForeignKey("loan_request.id"), primary_key=True
    ),
    sa.Column(
        "equipment_id", sa.Integer, sa.ForeignKey("equipment.id"), primary_key=True
    ),
)


# What the request's fields are called on its pages, its form and in the API.
FIELD_LABELS = {
    "registration_number": _l("Registration number"),
    "kind": _l("Kind"),
    "kind_label": _l("Kind"),
    "room": _l("Room"),
    "borrower": _l("Borrower"),
    "institution": _l("Institution"),
    "title": _l("Activity"),
    "subject": _l("Subject (perihal)"),
    "description": _l("Description"),
    "letter_number": _l("Letter number"),
    "letter_date": _l("Letter date"),
    "participants": _l("Participants"),
    "contact_name": _l("Contact person"),
    "contact_phone": _l("Contact phone"),
    "equipment_wanted": _l("Equipment needed"),
    "no_buffet_pledge": _l("No buffet pledge"),
    "status": _l("Status"),
    "status_label": _l("Status"),
    "created_at": _l("Submitted at"),
    "schedule_summary": _l("Schedule"),
    "sessions": _l("Sessions"),
    "letter": _l("Request letter (PDF)"),
    "rejection_reason": _l("Reason for rejection"),
    "cancellation_reason": _l("Reason for cancellation"),
}


class LoanRequest(db.Model):
    __tablename__ = "loan_request"

    id = sa.Column(sa.Integer, primary_key=True)
    # PC/<year>/<number>, restarting each year (app/domain/yearly_numbers.py).
    registration_number = sa.Column(sa.String(40), unique=True, nullable=True)
    kind = sa.Column(sa.String(20), nullable=False, default=LoanKind.LOAN)
    borrower_id = sa.Column(
        sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True
    )
    institution_id = sa.Column(
        sa.Integer, sa.ForeignKey("institution.id"), nullable=False, index=True
    )
    room_id = sa.Column(sa.Integer, sa.ForeignKey("room.id"), nullable=False)

    letter_number = sa.Column(sa.String(120), nullable=False)
    letter_date = sa.Column(sa.Date, nullable=False)
    subject = sa.Column(sa.String(255), nullable=False)  # perihal
    title = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.Text, nullable=True)
    participants = sa.Column(sa.Integer, nullable=False)
    contact_name = sa.Column(sa.String(120), nullable=False)
    contact_phone = sa.Column(sa.String(40), nullable=False)
    no_buffet_pledge = sa.Column(sa.Boolean, nullable=False, default=False)

    # The uploaded request letter: a generated file name under the upload
    # folder, and the name the borrower gave it (for the download only).
    letter_file = sa.Column(sa.String(80), nullable=True)
    letter_original_name = sa.Column(sa.String(255), nullable=True)

    status = sa.Column(
        sa.String(30), nullable=False, default=LoanStatus.SUBMITTED, index=True
    )
    status_changed_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    rejection_reason = sa.Column(sa.Text, nullable=True)
    cancellation_reason = sa.Column(sa.Text, nullable=True)
    # Until when a reschedule proposal holds its slot for the borrower.
    hold_expires_at = sa.Column(UTCDateTime, nullable=True)
    actual_participants = sa.Column(sa.Integer, nullable=True)
    outcome_notes = sa.Column(sa.Text, nullable=True)

    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    borrower = relationship("User", foreign_keys=[borrower_id])
    institution = relationship("Institution")
    room = relationship("Room")
    equipment_wanted = relationship("Equipment", secondary=loan_equipment)
    # The schedule, and the other slot a reschedule proposal offers instead.
    sessions = relationship(
        "LoanSession",
        primaryjoin="and_(LoanRequest.id == LoanSession.loan_id, "
        "LoanSession.proposed == False)",
        order_by="LoanSession.starts_at",
        cascade="all, delete-orphan",
        overlaps="proposed_sessions",
    )
    proposed_sessions = relationship(
        "LoanSession",
        primaryjoin="and_(LoanRequest.id == LoanSession.loan_id, "
        "LoanSession.proposed == True)",
        order_by="LoanSession.starts_at",
        cascade="all, delete-orphan",
        overlaps="sessions",
    )
    history = relationship(
        "StatusHistory", back_populates="loan", order_by="StatusHistory.id"
    )
    # Equipment damage found while preparing the room or after the event.
    damage_reports = relationship(
        "DamageReport", back_populates="loan", order_by="DamageReport.id"
    )

    __table_args__ = (
        sa.CheckConstraint("participants > 0", name="ck_loan_participants_positive"),
        sa.Index("ix_loan_request_status_changed", "status", "status_changed_at"),
    )

    @property
    def status_label(self):
        return LoanStatus.label(self.status)

    @property
    def kind_label(self):
        return LoanKind.label(self.kind)

    @property
    def schedule_summary(self):
        from app.platform.formatting import format_session

        return "; ".join(format_session(s.starts_at, s.ends_at) for s in self.sessions)

    @property
    def is_final(self):
        return self.status in LoanStatus.FINAL

    def __str__(self):
        return self.registration_number or self.title


class LoanSession(db.Model):
    """One block of time of a request (a 3-day training has three)."""

    __tablename__ = "loan_session"

    id = sa.Column(sa.Integer, primary_key=True)
    loan_id = sa.Column(
        sa.Integer, sa.ForeignKey("loan_request.id"), nullable=False, index=True
    )
    # Copied from the request so the database can forbid overlaps per room.
    room_id = sa.Column(sa.Integer, sa.ForeignKey("room.id"), nullable=False)
    starts_at = sa.Column(UTCDateTime, nullable=False)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    # The end plus the room's preparation buffer: the room is not free before.
    blocked_until = sa.Column(UTCDateTime, nullable=False)
    # Whether the session holds the room (the request's state decides; see
    # app/domain/scheduling/occupancy.py). The database forbids two occupying
    # sessions of one room, of different requests, from overlapping.
    occupying = sa.Column(sa.Boolean, nullable=False, default=False)
    # Part of a reschedule proposal rather than of the schedule itself.
    proposed = sa.Column(sa.Boolean, nullable=False, default=False)

    loan = relationship("LoanRequest", overlaps="sessions,proposed_sessions")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ck_session_ends_after_start"),
        sa.Index("ix_loan_session_room_time", "room_id", "starts_at", "ends_at"),
    )


class StatusHistory(db.Model):
    """One row per transition of a request. Rows are never changed or removed."""

    __tablename__ = "status_history"

    id = sa.Column(sa.Integer, primary_key=True)
    loan_id = sa.Column(
        sa.Integer, sa.ForeignKey("loan_request.id"), nullable=False, index=True
    )
    action = sa.Column(sa.String(30), nullable=False)
    from_status = sa.Column(sa.String(30), nullable=True)
    to_status = sa.Column(sa.String(30), nullable=False)
    # None for what the system does by itself (a lapsed reschedule hold).
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=True)
    actor_role = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    note = sa.Column(sa.Text, nullable=False, default="")
    # Disposition fields (isi disposisi and sifat) for the dispose step.
    instruction = sa.Column(sa.Text, nullable=True)
    nature = sa.Column(sa.String(20), nullable=True)
    # The dispose step also records the disposition the letter came with
    # from the Kepala Dinas (SOP steps 1-2, on paper or in the e-office).
    incoming_received_on = sa.Column(sa.Date, nullable=True)
    incoming_from = sa.Column(sa.String(120), nullable=True)
    incoming_agenda_number = sa.Column(sa.String(60), nullable=True)
    incoming_instruction = sa.Column(sa.Text, nullable=True)
    # How long the step took, against the SOP's standard time (mutu baku):
    # from when it started waiting to created_at, in office time
    # (app/domain/mutu_baku.py). Only the SOP's timed steps have a standard.
    waiting_since = sa.Column(UTCDateTime, nullable=True)
    elapsed_seconds = sa.Column(sa.Integer, nullable=True)
    standard_seconds = sa.Column(sa.Integer, nullable=True)

    loan = relationship("LoanRequest", back_populates="history")
    actor = relationship("User")
    # The times the borrower could take instead, on a declined proposal's row.
    alternatives = relationship("RescheduleAlternative", back_populates="history",
                                order_by="RescheduleAlternative.starts_at")

    @property
    def instruction_label(self):
        return DispositionInstruction.label(self.instruction) if self.instruction else ""

    @property
    def nature_label(self):
        return DispositionNature.label(self.nature) if self.nature else ""

    @property
    def within_standard(self):
        if self.standard_seconds is None or self.elapsed_seconds is None:
            return None
        return self.elapsed_seconds <= self.standard_seconds


class RescheduleAlternative(db.Model):
    """A time the borrower could take instead, given when declining a
    proposal (app/domain/alternatives.py); it belongs to that step's history
    row, so later declines do not mix with it. Holds nothing of the room."""

    __tablename__ = "reschedule_alternative"

    id = sa.Column(sa.Integer, primary_key=True)
    loan_id = sa.Column(
        sa.Integer, sa.ForeignKey("loan_request.id"), nullable=False, index=True
    )
    history_id = sa.Column(
        sa.Integer, sa.ForeignKey("status_history.id"), nullable=False, index=True
    )
    starts_at = sa.Column(UTCDateTime, nullable=False)
    ends_at = sa.Column(UTCDateTime, nullable=False)

    history = relationship("StatusHistory", back_populates="alternatives")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ck_alternative_ends_after_start"),
    )


@event.listens_for(StatusHistory, "before_update")
@event.listens_for(StatusHistory, "before_delete")
def _history_is_append_only(mapper, connection, target):
    raise ValueError("status_history rows are append-only")
