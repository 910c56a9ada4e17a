"""The agenda ("Agenda"): month, week and day views of the rooms' bookings.

The periods and navigation on their own; what each role reads on the page
(a borrower sees other borrowers' bookings only as "Terisi", without title,
institution, number or link, and their pending requests not at all); today
and holidays by name; bad parameters; and that the page reads one bounded
query of bookings, whatever their number.

Each test books in a room of its own, so the demo requests do not matter.
"""
import html as html_lib
import re
from datetime import date, timedelta, timezone

import pytest
from helpers import Statements, national_holidays, take, user, visible_text
from markupsafe import escape
from test_availability import (
    assert_room_time_index,
    at,
    new_loan,
    new_room,
    office_days,
)
from test_translations import _english_words

from app.domain import agenda
from app.domain.scheduling import availability
from app.models import ClosedDate, LoanSession
from app.platform.extensions import db
from app.platform.timeutil import to_local, utcnow

pytestmark = pytest.mark.date_sensitive

STAFF = ["admin", "kabid", "kasi", "adminpc"]
INSTITUTION_1 = "Dinas Pendidikan dan Kebudayaan Kota Pontianak"  # peminjam1's


def agenda_url(view, day, room=None):
    url = f"/agenda/?view={view}&date={day.isoformat()}"
    return url + (f"&room={room.id}" if room is not None else "")


def links(html):
    return [html_lib.unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def cell(html, day):
    """The month cell or the day's column head of ``day``: its HTML from its
    tag to the next day's."""
    start = html.rindex("<", 0, html.index(f'data-date="{day.isoformat()}"'))
    following = html.find("data-date=", html.index("data-date=", start) + 1)
    return html[start:following if following != -1 else len(html)]


@pytest.fixture
def booked(app):
    """peminjam1's confirmed request and pending request, and peminjam2's
    pending request, on one day in a room of their own."""
    room = new_room("Ruang Agenda Uji")
    day, = office_days(1, after=12)
    held = new_loan("peminjam1", room, [(at(day, 9), at(day, 11))],
                    title="Rapat Tertutup Dinas", steps=("dispose", "confirm"))
    waiting = new_loan("peminjam1", room, [(at(day, 13), at(day, 14))],
                       title="Permohonan Lain Dinas")
    own = new_loan("peminjam2", room, [(at(day, 14, 30), at(day, 15, 30))],
                   title="Seminar Milik Agus")
    return {"room": room, "day": day, "held": held, "waiting": waiting, "own": own}


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize("view,day,first,last", [
    ("month", date(2026, 12, 14), date(2026, 11, 30), date(2027, 1, 3)),
    ("month", date(2027, 2, 1), date(2027, 2, 1), date(2027, 2, 28)),
    ("week", date(2026, 12, 17), date(2026, 12, 14), date(2026, 12, 20)),
    ("week", date(2026, 12, 14), date(2026, 12, 14), date(2026, 12, 20)),
    ("day", date(2026, 12, 17), date(2026, 12, 17), date(2026, 12, 17)),
])
def test_each_view_shows_whole_weeks_or_the_day(view, day, first, last):
    assert agenda.period(view, day) == (first, last)


@pytest.mark.parametrize("view,day,direction,expected", [
    ("month", date(2026, 1, 31), +1, date(2026, 2, 1)),
    ("month", date(2026, 1, 15), -1, date(2025, 12, 1)),
    ("week", date(2026, 12, 31), +1, date(2027, 1, 7)),
    ("day", date(2026, 3, 1), -1, date(2026, 2, 28)),
    ("month", date(2000, 1, 10), -1, None),  # before the first date shown
    ("month", date(2099, 12, 1), +1, None),
    ("day", date(2099, 12, 31), +1, None),
])
def test_previous_and_next(view, day, direction, expected):
    assert agenda.neighbour(view, day, direction) == expected


class _Block:
    def __init__(self, start, end):
        self.starts_at, self.ends_at = start, end


def test_overlapping_bookings_share_the_column():
    a, b, c, d = _Block(9, 11), _Block(10, 12), _Block(11, 13), _Block(14, 15)
    placed = {id(booking): (lane, lanes) for booking, lane, lanes in agenda.lanes(
        [d, c, b, a])}
    # a, b and c overlap in a chain: two lanes, c reuses a's; d stands alone.
    assert placed == {id(a): (0, 2), id(b): (1, 2), id(c): (0, 2), id(d): (0, 1)}


# ---------------------------------------------------------------- who sees what

def test_borrower_sees_others_bookings_only_as_busy(login_as, booked):
    client = login_as("peminjam2")
    held, waiting, own = booked["held"], booked["waiting"], booked["own"]
    for view in agenda.VIEWS:
        response = client.get(agenda_url(view, booked["day"], booked["room"]))
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        text = visible_text(response)
        # peminjam1's confirmed request: its time, as "Terisi", nothing else.
        assert "Terisi" in text
        assert 'data-state="busy"' in html
        for secret in (held.title, held.registration_number, INSTITUTION_1,
                       held.contact_name, waiting.title, waiting.registration_number):
            assert secret not in html, (view, secret)
        for pk in (held.id, waiting.id):
            assert f"/loans/show/{pk}" not in links(html), view
        # peminjam1's pending request is not shown at all.
        assert html.count('data-state="busy"') == 1
        # Their own pending request in full, as "Menunggu", with its link.
        assert own.title in text and "Menunggu" in text
        assert f"/loans/show/{own.id}" in links(html)
        assert 'data-state="pending"' in html


def test_owner_sees_own_bookings_in_full(login_as, booked):
    html = login_as("peminjam1").get(
        agenda_url("week", booked["day"], booked["room"])).get_data(as_text=True)
    assert booked["held"].title in html and booked["waiting"].title in html
    assert booked["own"].title not in html  # peminjam2's request is pending
    assert f"/loans/show/{booked['held'].id}" in links(html)
    assert 'data-state="confirmed"' in html


@pytest.mark.parametrize("username", STAFF)
def test_staff_see_details_and_open_requests(login_as, booked, username):
    client = login_as(username)
    for view in agenda.VIEWS:
        response = client.get(agenda_url(view, booked["day"], booked["room"]))
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        for loan in (booked["held"], booked["waiting"], booked["own"]):
            assert loan.title in html
            assert loan.registration_number in html
            assert f"/loans/show/{loan.id}" in links(html)
        assert INSTITUTION_1 in html
        assert 'data-state="busy"' not in html
        assert html.count('data-state="pending"') == 2
        assert html.count('data-state="confirmed"') == 1


def test_reschedule_hold_and_later_states_are_coloured(login_as, booked):
    day = booked["day"]
    room = booked["room"]
    # peminjam2's request: the Kasi proposes another hour the same day.
    take(booked["own"], "dispose")
    take(booked["own"], "propose_reschedule", sessions=[(at(day, 11, 30), at(day, 12, 30))])
    take(booked["held"], "schedule")
    db.session.commit()
    staff = login_as("kasi").get(agenda_url("day", day, room)).get_data(as_text=True)
    assert 'data-state="proposed"' in staff and "Usulan Jadwal Ulang" in staff
    assert 'data-state="scheduled"' in staff and "Dijadwalkan" in staff
    other = login_as("peminjam1").get(agenda_url("day", day, room)).get_data(as_text=True)
    assert 'data-state="proposed"' not in other  # not theirs: only "Terisi"
    assert other.count('data-state="busy"') == 1
    owner = login_as("peminjam2").get(agenda_url("day", day, room)).get_data(as_text=True)
    assert 'data-state="proposed"' in owner and booked["own"].title in owner


# ---------------------------------------------------------------- the page

def test_month_view_marks_today_and_steps_by_month(login_as):
    client = login_as("adminpc")
    today = to_local(utcnow()).date()
    response = client.get("/agenda/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "is-today" in cell(html, today)
    assert "Hari ini" in visible_text(response)
    first, last = agenda.period("month", today)
    assert len(re.findall(r'class="pontive-agenda-cell[ "]', html)) == (
        last - first).days + 1
    hrefs = links(html)
    previous = agenda.neighbour("month", today, -1)
    following = agenda.neighbour("month", today, +1)
    assert f"/agenda/?view=month&date={previous.isoformat()}" in hrefs
    assert f"/agenda/?view=month&date={following.isoformat()}" in hrefs
    for view in ("week", "day"):
        assert f"/agenda/?view={view}&date={today.isoformat()}" in hrefs


def test_week_and_day_views_step_and_keep_the_room(login_as, booked):
    client = login_as("kasi")
    day, room = booked["day"], booked["room"]
    week = client.get(agenda_url("week", day, room))
    html = week.get_data(as_text=True)
    assert html.count('class="pontive-agenda-track') == 7
    hrefs = links(html)
    monday = day - timedelta(days=day.weekday())
    assert agenda_url("week", day - timedelta(days=7), room) in hrefs
    assert agenda_url("week", day + timedelta(days=7), room) in hrefs
    assert agenda_url("day", monday, room) in hrefs  # each day opens its day view
    assert f'<option value="{room.id}" selected>' in html

    day_page = client.get(agenda_url("day", day, room)).get_data(as_text=True)
    assert day_page.count('class="pontive-agenda-track') == 1
    assert agenda_url("day", day - timedelta(days=1), room) in links(day_page)
    assert agenda_url("day", day + timedelta(days=1), room) in links(day_page)
    assert agenda_url("month", day, room) in links(day_page)
    # The list under the time grid names each booking with its hours.
    assert "pukul 09.00–11.00 WIB" in day_page


def test_one_room_or_all_rooms(login_as, booked):
    other = new_room("Ruang Kecil Uji")
    day = booked["day"]
    elsewhere = new_loan("peminjam2", other, [(at(day, 9), at(day, 10))],
                         title="Rapat di Ruang Kecil")
    client = login_as("adminpc")
    one = client.get(agenda_url("day", day, booked["room"])).get_data(as_text=True)
    assert elsewhere.title not in one
    every = client.get(f"/agenda/?view=day&date={day.isoformat()}").get_data(as_text=True)
    assert elsewhere.title in every and booked["held"].title in every
    # Several rooms shown: each booking names its room.
    named = 'class="pontive-agenda-block-details">{}</span>'
    assert named.format("Ruang Kecil Uji") in every
    assert named.format("Ruang Agenda Uji") in every
    assert named.format("Ruang Agenda Uji") not in one


def test_holidays_and_closed_dates_are_named(login_as):
    client = login_as("peminjam1")
    closed_day, = office_days(1, after=40)
    db.session.add(ClosedDate(day=closed_day, reason="Pawai Budaya Kota Pontianak"))
    db.session.commit()
    for view in agenda.VIEWS:
        html = client.get(agenda_url(view, closed_day)).get_data(as_text=True)
        entry = cell(html, closed_day)
        assert "Pawai Budaya Kota Pontianak" in entry
        assert "is-closed" in entry

    today = to_local(utcnow()).date()
    holiday, name = min(national_holidays(today, today + timedelta(days=400)).items())
    html = client.get(agenda_url("month", holiday)).get_data(as_text=True)
    assert str(escape(name)) in cell(html, holiday)


@pytest.mark.parametrize("query,message", [
    ("view=year", "tampilan bulan"),
    ("date=2026-13-45", "bukan tanggal yang valid"),
    ("date=kemarin", "bukan tanggal yang valid"),
    ("date=1999-12-31", "antara tahun 2000 dan 2099"),
    ("date=" + "9" * 500, "bukan tanggal yang valid"),
    ("room=abc", "semua ruang"),
    ("room=999999", "semua ruang"),
    ("room=99999999999999999999", "semua ruang"),
    ("view=week&date=2026-02-30&room=-1", "bukan tanggal yang valid"),
])
def test_bad_parameters_get_a_message_and_today(login_as, query, message):
    response = login_as("peminjam2").get(f"/agenda/?{query}")
    assert response.status_code == 200
    text = visible_text(response)
    assert message in text, text
    assert _english_words(text) == [], text
    today = to_local(utcnow()).date()
    if "date=" in query:
        assert "is-today" in cell(response.get_data(as_text=True), today)


def test_pages_are_in_indonesian(login_as, booked):
    for username in ("peminjam2", "adminpc"):
        for view in agenda.VIEWS:
            text = visible_text(login_as(username).get(agenda_url(view, booked["day"])))
            assert _english_words(text) == [], text
            for word in ("Agenda", "Bulan", "Minggu", "Hari", "Hari ini", "Menunggu",
                         "Dikonfirmasi", "Langganan Kalender", "Semua ruang"):
                assert word in text, (username, view, word)


# ---------------------------------------------------------------- queries

def test_the_page_reads_the_bookings_of_its_period_in_one_query(login_as, booked):
    client = login_as("adminpc")
    day, room = booked["day"], booked["room"]
    url = agenda_url("month", day, room)
    client.get(url)  # warm up (permissions, menus)
    with Statements() as few:
        assert client.get(url).status_code == 200
    # Ten more requests that day: not one more query.
    later = [new_loan("peminjam2", room, [(at(day, 12), at(day, 12, 45))],
                      title=f"Tambahan {i}") for i in range(10)]
    with Statements() as many:
        html = client.get(url).get_data(as_text=True)
    assert all(loan.title in html for loan in later)
    assert len(many) == len(few)

    sessions = [(s, p) for s, p in zip(many, many.parameters) if "FROM loan_session" in s]
    assert len(sessions) == 1, sessions
    statement, parameters = sessions[0]
    values = set(parameters.values() if isinstance(parameters, dict) else parameters)
    # Stored as naive UTC: the period's first and last midnights bound the scan.
    first, last = agenda.period("month", day)
    bounds = {availability.midnight(d).astimezone(timezone.utc).replace(tzinfo=None)
              for d in (first, last + timedelta(days=1))}
    # (SQLite's driver gets them as text.)
    assert all(bound in values or bound.isoformat(" ", "microseconds") in values
               for bound in bounds), (statement, values)


def test_all_rooms_are_read_through_the_room_index(login_as, booked):
    new_room("Ruang Kedua Indeks")
    client = login_as("kasi")
    url = f"/agenda/?view=week&date={booked['day'].isoformat()}"
    client.get(url)
    with Statements() as statements:
        assert booked["held"].title in client.get(url).get_data(as_text=True)
    found = [(s, p) for s, p in zip(statements, statements.parameters) if "FROM loan_session" in s]
    assert len(found) == 1 and " IN (" in found[0][0]
    assert_room_time_index(*found[0])
    db.session.rollback()


def test_bookings_outside_the_period_are_not_read(app, booked):
    day = booked["day"]
    start, end = availability.midnight(day + timedelta(days=1)), availability.midnight(
        day + timedelta(days=2))
    assert agenda.bookings(user("kasi"), [booked["room"].id], start, end, utcnow()) == []
    found = agenda.bookings(user("kasi"), [booked["room"].id],
                            availability.midnight(day), start, utcnow())
    assert {b.session_id for b in found} == {
        s.id for s in db.session.query(LoanSession).filter(
            LoanSession.room_id == booked["room"].id)}
