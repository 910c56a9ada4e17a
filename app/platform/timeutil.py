"""Time handling: the database stores UTC, people see Asia/Pontianak (WIB).

WIB is UTC+7 all year (no daylight saving), but the zone comes from the
configuration so that nothing below hard-codes the offset.
"""
import os
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.ext.compiler import compiles

DEFAULT_TIMEZONE = "Asia/Pontianak"


def local_zone():
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("TIMEZONE", DEFAULT_TIMEZONE)
    return ZoneInfo(name)


# The clock may run ahead of or behind the machine's by a fixed number of
# seconds, so that the tests (and a training copy) can live on any date: the
# test suite sets it (tests/conftest.py, PONTIVE_TODAY), and processes it
# starts inherit it through the environment. Unset everywhere else.
CLOCK_OFFSET_VARIABLE = "PONTIVE_CLOCK_OFFSET_SECONDS"


def _offset_from_environment():
    value = os.environ.get(CLOCK_OFFSET_VARIABLE, "").strip()
    return timedelta(seconds=float(value)) if value else timedelta(0)


_clock_offset = _offset_from_environment()


def utcnow():
    return datetime.now(timezone.utc) + _clock_offset


def clock_offset():
    return _clock_offset


def run_clock_from(moment):
    """Make :func:`utcnow` read ``moment`` (aware) now and run on from it, in
    this process and in the processes it starts from here on."""
    global _clock_offset
    _clock_offset = moment - datetime.now(timezone.utc)
    os.environ[CLOCK_OFFSET_VARIABLE] = repr(_clock_offset.total_seconds())


def to_local(value):
    """An aware datetime in the office's zone; naive input is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(local_zone())


def from_local(value):
    """An aware UTC datetime; naive input is wall-clock time in the office's zone."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value.astimezone(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes as naive UTC and returns them aware (UTC).

    Naive UTC keeps SQLite and PostgreSQL identical and lets PostgreSQL build
    plain ``tsrange`` values for the room exclusion constraint.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


# SQL over UTCDateTime columns that works alike on SQLite (which stores them
# as text in SQLAlchemy's format) and PostgreSQL.

class shifted(sa.sql.expression.FunctionElement):
    """``shifted(moment, seconds)``: a moment moved by a whole number of seconds."""

    type = UTCDateTime()
    name = "shifted"
    inherit_cache = True


@compiles(shifted)
def _shifted(element, compiler, **kw):
    moment, seconds = (compiler.process(c, **kw) for c in element.clauses)
    return f"({moment} + make_interval(secs => {seconds}))"


@compiles(shifted, "sqlite")
def _shifted_sqlite(element, compiler, **kw):
    # Microseconds as SQLAlchemy writes them, so results compare as stored values.
    moment, seconds = (compiler.process(c, **kw) for c in element.clauses)
    return f"(strftime('%Y-%m-%d %H:%M:%f', {moment}, {seconds} || ' seconds') || '000')"


def shift(moment, delta):
    """SQL for ``moment`` + ``delta`` (a timedelta of whole seconds)."""
    return shifted(moment, sa.literal(int(delta.total_seconds())))


def later_of(first, second):
    """SQL for the later of two moments (``first`` when ``second`` is NULL)."""
    return sa.case((second > first, second), else_=first)
