"""Recurring requests (issue 17.2): the occurrences of a recurrence on their
own (weekly, every n weeks, monthly by weekday, month ends), its bounds, and
the preview the request form fetches, each session with its verdict from
the scheduling rules."""
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from helpers import Statements, visible_text
from test_availability import at, new_loan, new_room, office_days

from app.domain.scheduling import recurrence, rules
from app.domain.scheduling.recurrence import MONTHLY, WEEKLY, Recurrence
from app.domain.scheduling.settings import ScheduleSettings
from app.models import ClosedDate
from app.platform.extensions import db
from app.platform.timeutil import from_local


def wib(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


def every(first, until, frequency=WEEKLY, interval=1, hours=(9, 11)):
    return Recurrence(starts_at=wib(first, hours[0]), ends_at=wib(first, hours[1]),
                      frequency=frequency, interval=interval, until=until)


# ---------------------------------------------------------------- occurrences

def test_every_tuesday_from_5_january_to_30_march():
    days = recurrence.occurrence_days(every(date(2027, 1, 5), date(2027, 3, 30)), 100)
    assert days[0] == date(2027, 1, 5) and days[-1] == date(2027, 3, 30)
    assert len(days) == 13 and {d.weekday() for d in days} == {1}
    assert all(b - a == timedelta(weeks=1) for a, b in zip(days, days[1:]))


def test_every_second_week():
    days = recurrence.occurrence_days(every(date(2027, 1, 5), date(2027, 3, 30),
                                            interval=2), 100)
    assert days == [date(2027, 1, 5) + timedelta(weeks=2 * n) for n in range(7)]


def test_the_last_date_may_fall_between_two_sessions():
    days = recurrence.occurrence_days(every(date(2027, 1, 5), date(2027, 1, 18)), 100)
    assert days == [date(2027, 1, 5), date(2027, 1, 12)]


@pytest.mark.parametrize("first,expected", [
    # The first Tuesday of each month.
    (date(2027, 1, 5), [date(2027, 1, 5), date(2027, 2, 2), date(2027, 3, 2),
                        date(2027, 4, 6), date(2027, 5, 4)]),
    # The second Wednesday.
    (date(2027, 1, 13), [date(2027, 1, 13), date(2027, 2, 10), date(2027, 3, 10),
                         date(2027, 4, 14), date(2027, 5, 12)]),
    # The fourth Monday (25 January): never the fifth.
    (date(2027, 1, 25), [date(2027, 1, 25), date(2027, 2, 22), date(2027, 3, 22),
                         date(2027, 4, 26), date(2027, 5, 24)]),
    # A fifth Friday (29 January) is the month's last Friday, which February
    # (28 days) and April have only four of.
    (date(2027, 1, 29), [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26),
                         date(2027, 4, 30), date(2027, 5, 28)]),
    # Across a year's end.
    (date(2026, 11, 30), [date(2026, 11, 30), date(2026, 12, 28), date(2027, 1, 25),
                          date(2027, 2, 22), date(2027, 3, 29)]),
])
def test_monthly_on_the_same_weekday(first, expected):
    days = recurrence.occurrence_days(every(first, expected[-1], MONTHLY), 100)
    assert days == expected
    assert {d.weekday() for d in days} == {first.weekday()}


def test_every_second_month_in_a_leap_february():
    first = date(2028, 2, 29)  # the fifth Tuesday of February 2028
    days = recurrence.occurrence_days(every(first, date(2028, 8, 31), MONTHLY, 2), 100)
    assert days == [date(2028, 2, 29), date(2028, 4, 25), date(2028, 6, 27),
                    date(2028, 8, 29)]


def test_occurrences_stop_at_the_limit():
    days = recurrence.occurrence_days(every(date(2027, 1, 5), date(2030, 1, 1)), 5)
    assert len(days) == 5


def test_sessions_keep_the_first_ones_times(app):
    with app.test_request_context("/"):
        settings = ScheduleSettings.current()
        found = recurrence.sessions(every(date(2027, 1, 5), date(2027, 1, 19),
                                          hours=(13, 15)), settings)
    assert found == [(wib(d, 13), wib(d, 15))
                     for d in (date(2027, 1, 5), date(2027, 1, 12), date(2027, 1, 19))]


# ---------------------------------------------------------------- bounds

@pytest.mark.parametrize("changes,field", [
    ({"frequency": "daily"}, "frequency"),
    ({"interval": 0}, "interval"),
    ({"interval": 13}, "interval"),
    ({"interval": None}, "interval"),
    ({"until": None}, "until"),
    ({"until": date(2027, 1, 4)}, "until"),
    ({"starts_at": None}, "sessions"),
])
def test_what_is_wrong_with_a_recurrence_is_named(app, changes, field):
    with app.test_request_context("/"):
        errors = recurrence.recurrence_errors(
            replace(every(date(2027, 1, 5), date(2027, 3, 30)), **changes),
            ScheduleSettings.current())
    assert list(errors) == [field]


def test_more_sessions_than_allowed_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "BOOKING_MAX_SESSIONS", 4)
    with app.test_request_context("/"):
        settings = ScheduleSettings.current()
        five = every(date(2027, 1, 5), date(2027, 2, 2))
        errors = recurrence.recurrence_errors(five, settings)
        assert "lebih dari 4 sesi" in str(errors["until"][0])
        four = replace(five, until=date(2027, 1, 26))
        assert recurrence.recurrence_errors(four, settings) == {}


# ---------------------------------------------------------------- the preview

def preview_url(room_id, first, until, frequency=WEEKLY, interval=1, hours=(9, 11)):
    return (f"/loans/recurrence-preview?room={room_id}"
            f"&start={first.isoformat()}T{hours[0]:02d}:00"
            f"&end={first.isoformat()}T{hours[1]:02d}:00"
            f"&frequency={frequency}&interval={interval}&until={until.isoformat()}")


def four_office_weeks():
    """An office day and the same weekday of the three weeks after it, none
    of them a holiday, starting at least 14 days ahead."""
    settings = ScheduleSettings.current()
    for first in office_days(40, after=14):
        weeks = [first + timedelta(weeks=n) for n in range(4)]
        closed = rules.closed_days(weeks[0], weeks[-1], settings)
        if not any(day in closed for day in weeks):
            return weeks
    raise AssertionError("no four free weeks")


@pytest.mark.date_sensitive
def test_the_preview_gives_each_session_its_verdict(app, login_as):
    room = new_room("Ruang Uji Berulang")
    weeks = four_office_weeks()
    first = weeks[0]
    # The second week is taken, the third a local holiday.
    new_loan("peminjam2", room, [(at(weeks[1], 10), at(weeks[1], 12))],
             title="Rapat rahasia peminjam lain", steps=("dispose", "confirm"))
    db.session.add(ClosedDate(day=weeks[2], reason="Hari jadi Kota Pontianak"))
    db.session.commit()

    page = login_as("peminjam1").get(preview_url(room.id, first, weeks[-1]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    verdicts = re.findall(r'data-verdict="(\w+)"', html)
    assert verdicts[:3] == ["free", "clash", "holiday"]
    text = visible_text(page)
    assert "Hari jadi Kota Pontianak" in text and "Ruang terisi" in text
    assert "Rapat rahasia peminjam lain" not in text  # only that it is taken
    # Free sessions are ticked, the others not.
    assert html.count("checked") == verdicts.count("free")


@pytest.mark.date_sensitive
def test_the_preview_reads_the_closed_dates_once_however_many_sessions(app):
    """A preview of twelve weekly sessions reads the bookings and the closed
    dates once, not once a session."""
    room = new_room("Ruang Uji Hemat")
    first = office_days(1, after=14)[0]
    settings = ScheduleSettings.current()
    now = from_local(datetime.combine(first - timedelta(days=14), time(8)))

    def statements(weeks):
        wanted = recurrence.sessions(every(first, first + timedelta(weeks=weeks - 1)), settings)
        with app.test_request_context("/"), Statements() as run:
            verdicts = recurrence.preview(room, wanted, settings, now)
        assert len(verdicts) == weeks
        return [s for s in run if "closed_date" in s.lower()], len(run)

    closed_reads, total = statements(12)
    assert len(closed_reads) == 1 and total <= 3  # with the bookings and the room


@pytest.mark.date_sensitive
def test_the_preview_says_outside_office_hours(app, login_as):
    room = new_room("Ruang Uji Jam")
    first = office_days(1, after=14)[0]
    page = login_as("peminjam1").get(preview_url(room.id, first, first + timedelta(weeks=1),
                                                 hours=(15, 18)))
    assert page.status_code == 200
    assert 'data-verdict="outside_hours"' in page.get_data(as_text=True)
    assert "Di luar jam kerja" in visible_text(page)


@pytest.mark.parametrize("query", [
    "", "room=abc&start=x&end=y&frequency=z&interval=-1&until=2027-02-30",
    "room=99999999999&start=2027-01-05T09:00&end=2027-01-05T11:00&frequency=weekly"
    "&interval=1&until=2027-03-30",
    "room=1&start=2027-01-05T09:00&end=2027-01-05T11:00&frequency=weekly"
    "&interval=99999999999999999999&until=2027-03-30",
])
def test_bad_arguments_are_named_never_a_500(app, login_as, query):
    page = login_as("peminjam1").get(f"/loans/recurrence-preview?{query}")
    assert page.status_code == 400
    assert "alert-danger" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


@pytest.mark.parametrize("username", ["kasi", "kabid", "adminpc"])
def test_only_borrowers_preview(app, login_as, username):
    first = office_days(1, after=14)[0]
    page = login_as(username).get(preview_url(1, first, first + timedelta(weeks=2)))
    assert page.status_code == 403


def test_the_form_offers_the_repeat_controls(app, login_as):
    html = login_as("peminjam1").get("/loans/add").get_data(as_text=True)
    assert 'name="sessions-frequency"' in html and 'name="sessions-until"' in html
    assert "Kegiatan berulang" in html and "Pratinjau sesi" in html
