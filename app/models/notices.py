"""What the app has told people: reminders sent (each once)."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.platform.extensions import db
from app.platform.timeutil import UTCDateTime


class ReminderKind:
    HOLD = "hold"  # a reschedule proposal's hold is about to lapse
    SESSION = "session"  # a session is on the next office day


class Reminder(db.Model):
    """A reminder ``flask --app app reminders`` sent: one row per request,
    kind and moment reminded of (the hold's end, or the first start of the
    sessions of one day), so that running it again sends nothing twice. Its
    mails are written from the row when it commits (app/notifications/outbox.py)."""

    __tablename__ = "reminder"
    __table_args__ = (sa.UniqueConstraint("loan_id", "kind", "due_at",
                                          name="uq_reminder_once"),)

    id = sa.Column(sa.Integer, primary_key=True)
    loan_id = sa.Column(sa.Integer, sa.ForeignKey("loan_request.id"), nullable=False)
    kind = sa.Column(sa.String(20), nullable=False)
    due_at = sa.Column(UTCDateTime, nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False)

    loan = relationship("LoanRequest")
