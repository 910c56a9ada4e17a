"""Dates the room cannot be booked besides national holidays (a city event)."""
import sqlalchemy as sa

from app.extensions import db


class ClosedDate(db.Model):
    __tablename__ = "closed_date"

    id = sa.Column(sa.Integer, primary_key=True)
    day = sa.Column(sa.Date, nullable=False, unique=True)
    reason = sa.Column(sa.String(255), nullable=False)

    def __str__(self):
        return self.reason
