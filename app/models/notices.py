"""What the app has told people: reminders sent (each once) and the notices
of the panel's bell, per user."""
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


class Notice(db.Model):
    """One line under a user's bell: what happened to a request that concerns
    them, written with the mails of the same step or reminder
    (app/notifications/outbox.py). ``kind`` names the text
    (app/notifications/notices.py); ``about_at`` is the day a session reminder
    is about. Unread while ``read_at`` is empty."""

    __tablename__ = "notice"
    __table_args__ = (sa.Index("ix_notice_user_unread", "user_id", "read_at"),)

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"),
                        nullable=False)
    loan_id = sa.Column(sa.Integer, sa.ForeignKey("loan_request.id"), nullable=False)
    kind = sa.Column(sa.String(30), nullable=False)
    about_at = sa.Column(UTCDateTime, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False)
    read_at = sa.Column(UTCDateTime, nullable=True)

    loan = relationship("LoanRequest")
