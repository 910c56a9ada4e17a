"""The date-sensitive tests pass whatever day the suite runs on.

The suite runs on a fixed clock (tests/clock.py); this runs the tests marked
``date_sensitive`` again, each time on another start: around Christmas and
its cuti bersama, the year's end late in the day, a weekend, the weeks before
Idul Fitri and its holidays before office hours. Each start gets a fresh
pytest process and template database. Dates are the same on either
database, so the PostgreSQL run leaves this to the SQLite one.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
STARTS = [
    "2026-12-04T09:00",  # Friday: 20 and 22 days ahead both fall after Christmas
    "2026-12-24T09:00",  # cuti bersama Natal
    "2026-12-31T15:30",  # the year's last office afternoon
    "2027-01-02T10:00",  # a Saturday after New Year's Day
    "2027-02-17T09:00",  # three weeks before Nyepi and Idul Fitri
    "2027-03-10T07:00",  # Idul Fitri, before office hours
]


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                    reason="dates are database-independent; the SQLite run covers them")
@pytest.mark.parametrize("start", STARTS)
def test_date_sensitive_tests_pass_on(start, tmp_path):
    environment = {**os.environ, "PONTIVE_TODAY": start}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-m", "date_sensitive and not browser", "--basetemp", str(tmp_path / "run"),
         str(TESTS)],
        cwd=TESTS.parent, env=environment, capture_output=True, text=True,
        timeout=1800)
    assert result.returncode == 0, (
        f"on {start}:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
