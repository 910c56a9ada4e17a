"""Dates the room cannot be booked besides national holidays (a city event),
and the private iCalendar feeds of the users."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.platform.extensions import db
from app.platform.timeutil import UTCDateTime, utcnow


class ClosedDate(db.Model):
    __tablename__ = "closed_date"

    id = sa.Column(sa.Integer, primary_key=True)
    day = sa.Column(sa.Date, nullable=False, unique=True)
    reason = sa.Column(sa.String(255), nullable=False)

    def __str__(self):
        return self.reason


class CalendarFeed(db.Model):
    """A user's private iCalendar feed: a secret token in its URL, revocable.

    Only a hash of the token is stored, so the table does not reveal feeds.
    """

    __tablename__ = "calendar_feed"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False,
                        index=True)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at = sa.Column(UTCDateTime, nullable=True)

    user = relationship("User")
