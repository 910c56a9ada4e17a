"""The scheduling rules' settings, read from the app's configuration."""
from dataclasses import dataclass
from datetime import time, timedelta
from typing import ClassVar

from flask import current_app


def _clock(text):
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class ScheduleSettings:
    office_days: frozenset  # Monday = 0
    office_start: time
    office_end: time
    min_notice: timedelta
    max_horizon: timedelta
    max_duration: timedelta
    max_sessions: int  # of one request or proposal
    holidays_enabled: bool
    holiday_categories: tuple
    hold: timedelta  # how long a reschedule proposal holds its slot, in office time

    # No session lasts a day and no buffer a day (the rules and the room form
    # say so), and the database refuses an occupying session that spans 48
    # hours or more with its buffer (migration 0003): a session starting this
    # much earlier cannot reach a new one. It keeps every overlap lookup (and
    # SQLite's overlap triggers) an index range scan of a few rows. Fixed, not
    # configured: the database's constraint states the same number.
    SEARCH_WINDOW: ClassVar[timedelta] = timedelta(hours=48)

    @classmethod
    def current(cls):
        config = current_app.config
        return cls(
            office_days=frozenset(config["OFFICE_DAYS"]),
            office_start=_clock(config["OFFICE_HOURS_START"]),
            office_end=_clock(config["OFFICE_HOURS_END"]),
            min_notice=timedelta(days=config["BOOKING_MIN_NOTICE_DAYS"]),
            max_horizon=timedelta(days=config["BOOKING_MAX_HORIZON_DAYS"]),
            max_duration=timedelta(hours=config["BOOKING_MAX_SESSION_HOURS"]),
            max_sessions=config["BOOKING_MAX_SESSIONS"],
            holidays_enabled=config["HOLIDAYS_ENABLED"],
            holiday_categories=tuple(config["HOLIDAY_CATEGORIES"]),
            hold=timedelta(hours=config["RESCHEDULE_HOLD_HOURS"]),
        )
