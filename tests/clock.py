"""The office clock the suite runs on (PONTIVE_TODAY).

A fixed default start makes a run independent of the day it happens on;
tests/test_any_date.py runs the date-sensitive tests on other starts too.
"""
from datetime import datetime, timezone

from app.platform import timeutil

# A Monday morning with no holiday near: the default start of every run.
DEFAULT_START = "2026-11-16T09:00"


def parse_start(text):
    """The aware moment ``text`` (``YYYY-MM-DD[THH:MM]``, office time) names;
    a bare date starts at 09.00."""
    moment = datetime.fromisoformat(text if "T" in text else f"{text}T09:00")
    return moment.replace(tzinfo=timeutil.local_zone())


def start_clock(text):
    """Run the office clock from ``text``; ``today`` keeps the machine's."""
    text = (text or DEFAULT_START).strip()
    if text == "today":
        timeutil.run_clock_from(datetime.now(timezone.utc))
    else:
        timeutil.run_clock_from(parse_start(text))
