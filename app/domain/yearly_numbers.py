"""Agenda numbers that restart at 1 each year, as the office numbers its
letters: PC/2026/00123 is followed by PC/2027/00001. Requests, complaints and
confirmation letters each have their series.

One counter row per series and year is incremented in place by a single
UPDATE ... RETURNING: two numbers taken at once wait for each other (on
SQLite the write lock, on PostgreSQL the row's lock until commit) and get
consecutive values; a rolled-back transaction gives its number back.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.models import YearlyCounter
from app.platform.extensions import db

LOAN_SERIES = "PC"
COMPLAINT_SERIES = "ADU"
CONFIRMATION_SERIES = "KONF"


def next_sequence(series, year):
    """The next number of ``series`` in ``year`` (1 for its first)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(YearlyCounter).values(series=series, year=year, last=0)
                       .on_conflict_do_nothing(index_elements=["series", "year"]))
    return db.session.execute(
        sa.update(YearlyCounter)
        .where(YearlyCounter.series == series, YearlyCounter.year == year)
        .values(last=YearlyCounter.last + 1)
        .returning(YearlyCounter.last)).scalar_one()
