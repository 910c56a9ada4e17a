"""Office agenda numbers that restart at 1 each year."""
import sqlalchemy as sa

from app.platform.extensions import db


class YearlyCounter(db.Model):
    """The last number given in a year of one series (``PC`` for loan
    requests, ``ADU`` for complaints): incremented in place, so two numbers
    taken at once wait for each other and get the next two
    (app/domain/yearly_numbers.py)."""

    __tablename__ = "yearly_counter"

    series = sa.Column(sa.String(10), primary_key=True)
    year = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    last = sa.Column(sa.Integer, nullable=False, default=0)
