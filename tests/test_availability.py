"""Room availability, suggested free slots, and the Kasi's clash panel.

The functions of app/domain/scheduling/availability.py on their own; the page
"Ketersediaan Ruang" for every role (a borrower sees other borrowers'
bookings only as busy); suggestions in a refused submission; the clash panel
on a request's page and the Kasi's one-click proposal of a free slot.

Each test works in a room of its own, so the demo requests (in the Pontive
Center room) do not matter.
"""
import html as html_lib
import re
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import gettext
from helpers import (
    lapsed_proposal_time,
    loan_form_data,
    post_loan_form,
    take,
    user,
    visible_text,
)
from test_translations import _english_words

from app.domain import submission, workflow
from app.domain.refusals import ScheduleConflict
from app.domain.scheduling import availability, occupancy, rules
from app.domain.scheduling.booking import conflict
from app.domain.scheduling.settings import ScheduleSettings
from app.models import ClosedDate, LoanRequest, LoanSession, LoanStatus, Room
from app.ops.demo import demo_letter_pdf
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow

pytestmark = pytest.mark.date_sensitive

ACCOUNTS = ["admin", "kabid", "kasi", "adminpc", "peminjam1", "peminjam2"]
STAFF = ["admin", "kabid", "kasi", "adminpc"]


# ---------------------------------------------------------------- helpers

def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


def office_days(count, after=10, skip=()):
    """``count`` consecutive bookable days (office days, no holiday), the first
    at least ``after`` days from today."""
    settings = ScheduleSettings.current()
    day = to_local(utcnow()).date() + timedelta(days=after)
    closed = rules.closed_days(day, day + timedelta(days=90), settings)
    found = []
    while len(found) < count:
        if day.weekday() in settings.office_days and day not in closed and day not in skip:
            found.append(day)
        day += timedelta(days=1)
    return found


def next_office_day(day):
    settings = ScheduleSettings.current()
    closed = rules.closed_days(day, day + timedelta(days=60), settings)
    day += timedelta(days=1)
    while day.weekday() not in settings.office_days or day in closed:
        day += timedelta(days=1)
    return day


def new_room(name="Ruang Uji Ketersediaan", buffer=30):
    room = Room(name=name, capacity=40, prep_buffer_minutes=buffer)
    db.session.add(room)
    db.session.commit()
    return room


def new_loan(username, room, sessions, title="Rapat uji", contact="Kontak Uji",
             steps=(), submitted_at=None):
    """A request stored the way the form stores it, then taken through ``steps``
    (e.g. ("dispose", "confirm"))."""
    now = submitted_at or utcnow()
    data = submission.SubmitInput(
        kind="peminjaman", room_id=room.id, title=title, subject="Permohonan uji",
        letter_number=f"UJI/{title}", letter_date=to_local(now).date(),
        participants=10, contact_name=contact, contact_phone="0812-3333-4444",
        no_buffet_pledge=True, sessions=sessions,
        letter_data=demo_letter_pdf(title, "UJI"), letter_name="surat.pdf",
    )
    loan = submission.submit(user(username), data, now=now)
    db.session.commit()
    for step in steps:
        take(loan, step)
        db.session.commit()
    return loan


def text_of(app, message, **values):
    with app.test_request_context("/"):
        return gettext(message, **values)


def clock(app, start, end):
    """"pukul 09.00–12.00 WIB" as the page shows a block's hours."""
    from app.platform.formatting import format_time_range

    with app.test_request_context("/"):
        return format_time_range(start, end)


def page_url(room, first, last):
    return f"/availability/?room={room.id}&start={first.isoformat()}&end={last.isoformat()}"


def free_times(entry):
    return [(slot.starts_at, slot.ends_at) for slot in entry.free]


# ---------------------------------------------------------------- the functions

def test_busy_blocks_count_the_buffer_and_pending_requests_block_nothing(app):
    room = new_room()
    day, = office_days(1)
    held = new_loan("peminjam1", room, [(at(day, 9), at(day, 12))],
                    steps=("dispose", "confirm"))
    waiting = new_loan("peminjam2", room, [(at(day, 13), at(day, 15))])
    now = utcnow()

    entry, = availability.room_availability(room, day, day, now, include_pending=True)
    assert [(b.loan.id, b.pending) for b in entry.busy] == [(held.id, False),
                                                             (waiting.id, True)]
    assert entry.busy[0].blocked_until == at(day, 12, 30)
    # 30 minutes of preparation before and after the booking stay free of others.
    assert free_times(entry) == [(at(day, 7, 30), at(day, 8, 30)),
                                 (at(day, 12, 30), at(day, 16))]
    assert all(slot.requestable for slot in entry.free)

    entry, = availability.room_availability(room, day, day, now)
    assert [b.loan.id for b in entry.busy] == [held.id]


def test_a_lapsed_reschedule_hold_holds_nothing(app):
    room = new_room()
    day, other_day = office_days(2)
    loan = new_loan("peminjam1", room, [(at(day, 9), at(day, 12))], steps=("dispose",))
    long_ago = lapsed_proposal_time()
    take(loan, "propose_reschedule", now=long_ago,
         sessions=((at(other_day, 9), at(other_day, 12)),))
    db.session.commit()
    assert all(s.occupying for s in loan.proposed_sessions)
    now = utcnow()

    entry, = availability.room_availability(room, other_day, other_day, now)
    assert entry.busy == []
    assert free_times(entry) == [(at(other_day, 7, 30), at(other_day, 16))]
    assert availability.suggest_slots(
        room, [(at(other_day, 9), at(other_day, 12))], now) == []
    # While the hold is live, the proposal holds the room.
    entry, = availability.room_availability(room, other_day, other_day,
                                            long_ago + timedelta(hours=1))
    assert [b.loan.id for b in entry.busy] == [loan.id]


def test_a_request_back_from_a_lapsed_hold_shows_its_page(app, login_as):
    """The history row the system writes (no actor) does not break the page
    where the Kasi proposes again."""
    room = new_room()
    day, other_day = office_days(2)
    loan = new_loan("peminjam1", room, [(at(day, 9), at(day, 12))], steps=("dispose",))
    take(loan, "propose_reschedule", now=lapsed_proposal_time(),
         sessions=((at(other_day, 9), at(other_day, 12)),))
    db.session.commit()
    assert workflow.release_lapsed_holds() == 1
    db.session.commit()
    response = login_as("kasi").get(f"/loans/show/{loan.id}")
    assert response.status_code == 200
    assert f"{workflow.SYSTEM_ROLE} " in visible_text(response)


def test_touching_bookings_are_free_without_a_buffer(app):
    room = new_room(buffer=0)
    day, = office_days(1)
    new_loan("peminjam1", room, [(at(day, 9), at(day, 12))], steps=("dispose", "confirm"))
    entry, = availability.room_availability(room, day, day, utcnow())
    assert free_times(entry) == [(at(day, 7, 30), at(day, 9)), (at(day, 12), at(day, 16))]


def test_no_free_slots_on_weekends_holidays_and_closed_dates(app):
    room = new_room()
    settings = ScheduleSettings.current()
    day, = office_days(1)
    db.session.add(ClosedDate(day=day, reason="Pawai Budaya Kota Pontianak"))
    db.session.commit()
    today = to_local(utcnow()).date()
    national = rules.closed_days(today + timedelta(days=3), today + timedelta(days=400),
                                 settings)
    holiday = min(d for d in national if d.weekday() in settings.office_days and d != day)

    entry, = availability.room_availability(room, day, day, utcnow())
    assert (entry.office_day, entry.closed, entry.free) == (
        False, "Pawai Budaya Kota Pontianak", [])
    entry, = availability.room_availability(room, holiday, holiday, utcnow())
    assert (entry.office_day, entry.closed, entry.free) == (False, national[holiday], [])
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    entry, = availability.room_availability(room, saturday, saturday, utcnow())
    assert (entry.office_day, entry.free) == (False, [])


def test_free_slots_start_now_and_are_marked_within_the_notice(app):
    room = new_room()
    day, = office_days(1)
    now = at(day, 10)  # pretend it is 10.00 on that day
    days = availability.room_availability(room, day, day + timedelta(days=7), now)
    today = days[0]
    assert free_times(today) == [(at(day, 10), at(day, 16))]
    assert today.free[0].refused == availability.TOO_SOON
    later = [e for e in days if e.free and e.day >= day + timedelta(days=3)]
    assert later and all(slot.requestable for e in later for slot in e.free)


def assert_bookable(room, suggestion, now):
    settings = ScheduleSettings.current()
    assert rules.session_violations(suggestion, settings, now) == []
    wanted = [occupancy.session_for(room, s, e) for s, e in suggestion]
    assert occupancy.occupying_clashes(room.id, wanted) == []


def test_suggestions_same_day_first_then_following_office_days(app):
    room = new_room()
    day, = office_days(1)
    new_loan("peminjam1", room, [(at(day, 9), at(day, 12))], steps=("dispose", "confirm"))
    now = utcnow()

    suggestions = availability.suggest_slots(room, [(at(day, 9), at(day, 12))], now)
    second = next_office_day(day)
    third = next_office_day(second)
    # The buffer keeps 12.00 out: the same day from 12.30, then 09.00 next days.
    assert suggestions == [[(at(day, 12, 30), at(day, 15, 30))],
                           [(at(second, 9), at(second, 12))],
                           [(at(third, 9), at(third, 12))]]
    for suggestion in suggestions:
        assert_bookable(room, suggestion, now)


def test_suggestions_skip_closed_days_and_keep_the_length(app):
    room = new_room()
    day, = office_days(1)
    second = next_office_day(day)
    db.session.add(ClosedDate(day=second, reason="Hari Jadi Kota Pontianak"))
    # The whole requested day is taken.
    new_loan("peminjam1", room, [(at(day, 7, 30), at(day, 16))],
             steps=("dispose", "confirm"))
    now = utcnow()

    suggestions = availability.suggest_slots(room, [(at(day, 8), at(day, 10, 30))], now,
                                             count=2)
    third = next_office_day(second)
    assert suggestions == [[(at(third, 8), at(third, 10, 30))],
                           [(at(next_office_day(third), 8),
                             at(next_office_day(third), 10, 30))]]
    for suggestion in suggestions:
        assert_bookable(room, suggestion, now)


def test_suggestions_move_only_the_taken_session_of_several(app):
    room = new_room()
    first, second = office_days(2)
    new_loan("peminjam1", room, [(at(second, 9), at(second, 12))],
             steps=("dispose", "confirm"))
    now = utcnow()
    wanted = [(at(first, 9), at(first, 12)), (at(second, 9), at(second, 12))]

    suggestions = availability.suggest_slots(room, wanted, now)
    assert suggestions[0] == [(at(first, 9), at(first, 12)),
                              (at(second, 12, 30), at(second, 15, 30))]
    assert len(suggestions) == 3
    for suggestion in suggestions:
        assert suggestion[0] == wanted[0]
        assert [e - s for s, e in suggestion] == [timedelta(hours=3)] * 2
        assert_bookable(room, suggestion, now)


def test_no_suggestions_for_a_free_slot_or_a_request_of_its_own(app):
    room = new_room()
    day, = office_days(1)
    assert availability.suggest_slots(room, [(at(day, 9), at(day, 12))], utcnow()) == []
    own = new_loan("peminjam1", room, [(at(day, 9), at(day, 12))],
                   steps=("dispose", "confirm"))
    # Its own booking is no reason to move it (an edited request).
    assert availability.suggest_slots(room, [(at(day, 9), at(day, 12))], utcnow(),
                                      exclude_loan_id=own.id) == []


def test_period_input():
    today = datetime(2026, 11, 27).date()  # a Friday
    monday = datetime(2026, 11, 23).date()
    assert availability.default_period(today) == (monday, monday + timedelta(days=13))
    assert availability.parse_period("", "", today) == (monday, monday + timedelta(days=13))
    assert availability.parse_period("2026-12-01", "", today) == (
        datetime(2026, 12, 1).date(), datetime(2026, 12, 14).date())


def _statements_on_sessions(app, action):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        # Look-ups by room (a request's own sessions load by its key).
        if "FROM loan_session" in statement and re.search(
                r"loan_session\.room_id (=|IN) ", statement):
            statements.append((statement, parameters))

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return statements


def test_queries_use_the_room_and_time_index(app):
    """Every look-up of sessions is a range scan of the (room, start) index,
    never a scan of the table, so it costs the same with years of bookings."""
    room = new_room()
    day, = office_days(1)
    loan = new_loan("peminjam1", room, [(at(day, 9), at(day, 12))],
                    steps=("dispose", "confirm"))
    now = utcnow()

    statements = _statements_on_sessions(app, lambda: (
        availability.room_availability(room, day, day + timedelta(days=30), now,
                                       include_pending=True),
        availability.suggest_slots(room, [(at(day, 9), at(day, 12))], now),
        availability.request_clashes(loan, now),
    ))
    assert len(statements) >= 4
    for statement, parameters in statements:
        assert_room_time_index(statement, parameters)
    db.session.rollback()


def assert_room_time_index(statement, parameters):
    """The statement reads sessions by a range scan of the (room, start) index."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "ix_loan_session_room_time (room_id=? AND starts_at>? AND starts_at<?)" \
            in plan, plan
    else:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = " ".join(row[0] for row in connection.exec_driver_sql(
            f"EXPLAIN {statement}", parameters))
        assert "Seq Scan on loan_session" not in plan, plan
        assert "Index Scan using ix_loan_session_room_time on loan_session" in plan, plan


# ---------------------------------------------------------------- the page

@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_role_sees_the_page_in_indonesian(app, login_as, username):
    client = login_as(username)
    response = client.get("/availability/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Ketersediaan Ruang" in text and "Ruang Rapat Pontive Center" in text
    assert "Kosong" in text and "pukul" in text
    assert _english_words(text) == [], text
    # The default period: this week and the next, 14 days.
    today = to_local(utcnow()).date()
    monday = today - timedelta(days=today.weekday())
    assert f'value="{monday.isoformat()}"' in response.get_data(as_text=True)
    assert f'value="{(monday + timedelta(days=13)).isoformat()}"' in response.get_data(
        as_text=True)
    # The menu entry, in the Loans category.
    assert 'href="/availability/"' in client.get("/").get_data(as_text=True)


@pytest.fixture
def secret_booking(app):
    """peminjam1's confirmed booking and pending request in a room of their own."""
    room = new_room()
    day, = office_days(1)
    booked = new_loan("peminjam1", room, [(at(day, 9), at(day, 12))],
                      title="Rapat Tertutup Anggaran Sekolah", contact="Sulastri Handayani",
                      steps=("dispose", "confirm"))
    waiting = new_loan("peminjam1", room, [(at(day, 13), at(day, 15))],
                       title="Bimtek Rahasia Operator", contact="Yohanes Saputra")
    return {"room": room, "day": day, "booked": booked, "waiting": waiting}


def test_borrower_sees_another_borrowers_booking_only_as_busy(app, login_as, secret_booking):
    room, day = secret_booking["room"], secret_booking["day"]
    response = login_as("peminjam2").get(page_url(room, day, day))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = visible_text(response)
    assert "Terisi " + clock(app, at(day, 9), at(day, 12)) in text
    for loan in (secret_booking["booked"], secret_booking["waiting"]):
        for secret in (loan.title, loan.institution.name, loan.contact_name,
                       loan.contact_phone, loan.registration_number,
                       loan.borrower.first_name, loan.borrower.last_name,
                       f"/loans/show/{loan.id}"):
            assert secret not in html, secret
            assert html_lib.escape(secret) not in html, secret
    # Another borrower's pending request holds nothing: it is not shown at all.
    assert "Menunggu keputusan" not in text
    assert "13.00–15.00" not in text


def test_borrower_sees_the_activity_of_own_bookings(app, login_as, secret_booking):
    room, day = secret_booking["room"], secret_booking["day"]
    text = visible_text(login_as("peminjam1").get(page_url(room, day, day)))
    for loan in (secret_booking["booked"], secret_booking["waiting"]):
        assert loan.title in text and loan.registration_number in text
    assert "Permohonan Anda" in text and "Menunggu keputusan" in text


@pytest.mark.parametrize("username", STAFF)
def test_staff_see_who_holds_the_room(app, login_as, username, secret_booking):
    room, day = secret_booking["room"], secret_booking["day"]
    response = login_as(username).get(page_url(room, day, day))
    text = visible_text(response)
    booked, waiting = secret_booking["booked"], secret_booking["waiting"]
    for loan, status in ((booked, "Dikonfirmasi"), (waiting, "Diajukan")):
        assert loan.registration_number in text
        assert f"/loans/show/{loan.id}" in response.get_data(as_text=True)
        assert status in text
    assert booked.institution.name in text
    assert "Persiapan ruang " + clock(app, at(day, 12), at(day, 12, 30)) in text
    assert "Menunggu keputusan" in text


BAD_INPUT = {
    "end before start": ("start=2026-12-10&end=2026-12-01",
                         "Tanggal akhir lebih awal daripada tanggal mulai."),
    "too long": ("start=2026-12-01&end=2027-01-15", "Pilih paling lama 31 hari sekaligus."),
    "unknown room": ("room=999999", "Pilih ruang dari daftar."),
    "room not a number": ("room=abc%27%20OR%201=1", "Pilih ruang dari daftar."),
    "huge room": ("room=" + "9" * 40, "Pilih ruang dari daftar."),
    "garbage date": ("start=kemarin&end=besok", "bukan tanggal yang valid"),
    "year 1": ("start=0001-01-01&end=0001-01-02", "Pilih tanggal antara tahun 2000"),
    "long text": ("start=" + "2026-12-01" * 50, "bukan tanggal yang valid"),
}


@pytest.mark.parametrize("query,message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_gets_a_clear_message(app, login_as, query, message):
    response = login_as("peminjam1").get(f"/availability/?{query}")
    assert response.status_code == 400
    text = visible_text(response)
    assert message in text
    assert "Ketersediaan Ruang" in text  # the form, to correct the input
    assert "Traceback" not in text


def test_borrower_cannot_choose_a_room_that_cannot_be_booked(app, login_as):
    room = new_room()
    room.is_active = False
    db.session.commit()
    response = login_as("peminjam1").get(f"/availability/?room={room.id}")
    assert response.status_code == 400
    assert login_as("kasi").get(f"/availability/?room={room.id}").status_code == 200


# ---------------------------------------------------------------- the form

def test_refused_submission_lists_the_nearest_free_slots(app, login_as):
    room = new_room()
    day, = office_days(1)
    new_loan("peminjam1", room, [(at(day, 9), at(day, 12))], steps=("dispose", "confirm"))
    before = db.session.query(LoanRequest).count()

    response = post_loan_form(login_as("peminjam2"),
                              loan_form_data(room, at(day, 10), at(day, 13)))

    assert response.status_code == 200
    text = visible_text(response)
    with app.test_request_context("/"):
        suggestions = availability.suggest_slots(room, [(at(day, 10), at(day, 13))],
                                                 utcnow())
        expected = availability.suggestions_message(suggestions)
    assert "Ruang sudah dipesan" in text
    assert "Waktu kosong terdekat dengan durasi yang sama" in text
    assert expected in html_lib.unescape(text)
    assert suggestions[0] == [(at(day, 12, 30), at(day, 15, 30))]
    assert db.session.query(LoanRequest).count() == before


def test_a_conflict_without_free_time_says_so(app):
    room = new_room()
    days = office_days(1)
    day = days[0]
    with app.test_request_context("/"):
        settings = ScheduleSettings.current()
        # Every office day of the search window is taken.
        current, taken = day, []
        end = day + timedelta(days=availability.SUGGEST_DAYS + 1)
        while current <= end:
            if current.weekday() in settings.office_days:
                taken.append((at(current, 7, 30), at(current, 16)))
            current += timedelta(days=1)
        loan = new_loan("peminjam1", room, [taken[0]], steps=("dispose", "confirm"))
        for start, finish in taken[1:]:
            db.session.add(LoanSession(loan_id=loan.id, room_id=room.id,
                                       starts_at=start, ends_at=finish,
                                       blocked_until=finish + timedelta(minutes=30),
                                       occupying=True))
        db.session.commit()
        refusal = conflict(room, [(at(day, 9), at(day, 10))], utcnow())
        problems = [str(m) for m in refusal.errors["sessions"]]
    assert refusal.suggestions == [] and len(problems) == 2
    assert problems[1] == text_of(
        app, "No free time of the same length was found in the %(days)d days after it.",
        days=availability.SUGGEST_DAYS)


# ---------------------------------------------------------------- the clash panel

@pytest.fixture
def clashing(app):
    """Requests of one day in a room: two pending ones at the same time (the
    earlier has priority), and a disposed one whose slot another holds."""
    room = new_room()
    day, other_day = office_days(2)
    earlier = utcnow() - timedelta(hours=5)
    first = new_loan("peminjam1", room, [(at(day, 9), at(day, 12))],
                     title="Rapat Pertama", submitted_at=earlier, steps=("dispose",))
    second = new_loan("peminjam2", room, [(at(day, 10), at(day, 11))],
                      title="Rapat Kedua", submitted_at=earlier + timedelta(hours=1),
                      steps=("dispose",))
    # Submitted while the slot was free; then another request was confirmed.
    blocked = new_loan("peminjam1", room, [(at(other_day, 9), at(other_day, 12))],
                       title="Rapat Tergeser", submitted_at=earlier, steps=("dispose",))
    holder = new_loan("peminjam2", room, [(at(other_day, 11), at(other_day, 13))],
                      title="Rapat Pemegang", submitted_at=earlier + timedelta(hours=2),
                      steps=("dispose", "confirm"))
    return {"room": room, "day": day, "other_day": other_day, "first": first,
            "second": second, "blocked": blocked, "holder": holder}


def panel_text(response):
    text = visible_text(response)
    start = text.find("Bentrok Jadwal")
    assert start != -1, text
    return text[start:text.find("Riwayat", start)]


def test_kasi_sees_pending_clashes_with_the_earlier_request_first(app, login_as, clashing):
    kasi = login_as("kasi")
    first, second = clashing["first"], clashing["second"]

    text = panel_text(kasi.get(f"/loans/show/{second.id}"))
    assert "Permohonan lain yang menunggu pada waktu yang sama" in text
    assert first.registration_number in text and first.institution.name in text
    assert "prioritas diajukan lebih dahulu" in text
    assert "diajukan lebih dahulu: sesuai SOP" not in text

    text = panel_text(kasi.get(f"/loans/show/{first.id}"))
    assert second.registration_number in text
    assert "Permohonan ini diajukan lebih dahulu: sesuai SOP" in text
    assert "diajukan setelah permohonan ini" in text
    assert "menghalangi konfirmasi" not in text


def test_kasi_sees_the_booking_that_blocks_confirmation_and_free_slots(
        app, login_as, clashing):
    blocked, holder = clashing["blocked"], clashing["holder"]
    other_day = clashing["other_day"]
    response = login_as("kasi").get(f"/loans/show/{blocked.id}")
    text = panel_text(response)
    assert holder.registration_number in text and "menghalangi konfirmasi" in text
    assert "Waktu kosong terdekat dengan durasi yang sama" in text
    assert text.count("Usulkan jadwal ini") == 3
    with app.test_request_context("/"):
        suggestions = availability.suggest_slots(
            clashing["room"], availability.loan_slots(blocked), utcnow(),
            exclude_loan_id=blocked.id)
        first_text = availability.describe_suggestion(suggestions[0])
    # 11.00–13.00 is held (and 30 minutes after it): three hours fit from
    # 07.30 (ending 30 minutes before 11.00), then 09.00 on the next day.
    following = next_office_day(other_day)
    assert suggestions[:2] == [[(at(other_day, 7, 30), at(other_day, 10, 30))],
                               [(at(following, 9), at(following, 12))]]
    assert first_text in text
    # And confirming is refused, as the panel says.
    with pytest.raises(ScheduleConflict):
        take(blocked, "confirm")
    db.session.rollback()


def suggestion_forms(response):
    html = response.get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="([^"]*/suggestion/\d+)"[^>]*>(.*?)</form>',
                       html, flags=re.S)
    result = []
    for action, body in forms:
        fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', body)
        data = {}
        for name, value in fields:
            data.setdefault(name, []).append(html_lib.unescape(value))
        result.append((action, data))
    return result


def test_kasi_proposes_a_suggestion_with_one_click_and_it_holds_the_slot(
        app, login_as, clashing):
    blocked, other_day = clashing["blocked"], clashing["other_day"]
    # A pending request for the slot the Kasi will propose: pending requests
    # do not stop a proposal, but the proposal then stops them.
    rival = new_loan("peminjam2", clashing["room"],
                     [(at(other_day, 7, 30), at(other_day, 10, 30))], steps=("dispose",))
    kasi = login_as("kasi")
    forms = suggestion_forms(kasi.get(f"/loans/show/{blocked.id}"))
    assert len(forms) == 3
    action, data = forms[0]
    assert action == f"/loans/suggestion/{blocked.id}"

    response = kasi.post(action, data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/loans/show/{blocked.id}")
    page = visible_text(kasi.get(f"/loans/show/{blocked.id}"))
    assert "telah diusulkan kepada peminjam" in page

    loan = db.session.get(LoanRequest, blocked.id)
    assert loan.status == LoanStatus.RESCHEDULE_PROPOSED
    proposed = [(s.starts_at, s.ends_at) for s in loan.proposed_sessions]
    assert [(s.isoformat(), e.isoformat()) for s, e in proposed] == list(
        zip(data["start"], data["end"]))
    assert all(s.occupying for s in loan.proposed_sessions)
    assert loan.hold_expires_at is not None
    # The slot is held: a new request for it is refused, and confirming a
    # pending request for it too.
    assert proposed == [(at(other_day, 7, 30), at(other_day, 10, 30))]
    with app.test_request_context("/"):
        refusal = conflict(clashing["room"], proposed, utcnow())
        assert refusal is not None and "Ruang sudah dipesan" in str(refusal.message)
    rival = db.session.get(LoanRequest, rival.id)
    with pytest.raises(ScheduleConflict):
        take(rival, "confirm")
    db.session.rollback()


def _state(loan_id):
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan_id)
    return (loan.status, len(loan.proposed_sessions), loan.hold_expires_at,
            len(loan.history))


@pytest.mark.parametrize("username", ["kabid", "adminpc", "admin", "peminjam1"])
def test_only_the_kasi_may_propose(app, login_as, clashing, username):
    blocked = clashing["blocked"]  # peminjam1's own request
    _, data = suggestion_forms(login_as("kasi").get(f"/loans/show/{blocked.id}"))[0]
    before = _state(blocked.id)
    client = login_as(username)

    response = client.post(f"/loans/suggestion/{blocked.id}", data=data)
    assert response.status_code == 302
    text = visible_text(client.get(response.headers["Location"]))
    assert "Peran Anda tidak berwenang melakukan langkah ini." in text
    assert _state(blocked.id) == before


def test_another_borrower_cannot_reach_the_request(app, login_as, clashing):
    blocked = clashing["blocked"]
    _, data = suggestion_forms(login_as("kasi").get(f"/loans/show/{blocked.id}"))[0]
    before = _state(blocked.id)
    response = login_as("peminjam2").post(f"/loans/suggestion/{blocked.id}", data=data)
    assert response.status_code == 404
    assert _state(blocked.id) == before


def test_panel_is_for_staff_and_the_button_for_the_kasi(app, login_as, clashing):
    blocked = clashing["blocked"]
    owner = login_as("peminjam1").get(f"/loans/show/{blocked.id}")
    assert owner.status_code == 200
    html = owner.get_data(as_text=True)
    assert "Bentrok Jadwal" not in html and "/suggestion/" not in html
    assert clashing["holder"].registration_number not in html
    kabid = login_as("kabid").get(f"/loans/show/{blocked.id}")
    assert "Bentrok Jadwal" in visible_text(kabid)
    assert "Waktu kosong terdekat" in visible_text(kabid)
    assert suggestion_forms(kabid) == []


UNREADABLE = "Jadwal yang diusulkan tidak valid."


@pytest.mark.parametrize("data, message", [
    ({}, "Tambahkan paling sedikit satu sesi."),
    ({"start": ["kemarin"], "end": ["besok"]}, UNREADABLE),
    ({"start": ["2026-12-07T09:00"], "end": ["2026-12-07T12:00"]}, UNREADABLE),  # no zone
    ({"start": ["2026-12-07T05:00:00+00:00"], "end": ["2026-12-07T02:00:00+00:00"]},
     "Sesi 1: Waktu selesai sesi harus setelah waktu mulai."),
    ({"start": ["0001-01-01T00:00:00+00:00"], "end": ["0001-01-01T01:00:00+00:00"]},
     UNREADABLE),
    ({"start": ["2026-12-07T02:00:00+00:00"] * 2, "end": ["2026-12-07T05:00:00+00:00"]},
     UNREADABLE),
], ids=["empty", "garbage", "naive", "end-before-start", "year-1", "unpaired"])
def test_a_malformed_proposal_is_refused_cleanly(app, login_as, clashing, data, message):
    """What cannot be read is refused here; what breaks a rule, by the
    workflow with the rule's own message."""
    blocked = clashing["blocked"]
    before = _state(blocked.id)
    kasi = login_as("kasi")
    response = kasi.post(f"/loans/suggestion/{blocked.id}", data=data)
    assert response.status_code == 302
    assert message in visible_text(kasi.get(response.headers["Location"]))
    assert _state(blocked.id) == before


def test_a_proposal_breaking_a_rule_is_refused_with_the_rule(app, login_as, clashing):
    blocked = clashing["blocked"]
    before = _state(blocked.id)
    saturday = clashing["other_day"] + timedelta(
        days=(5 - clashing["other_day"].weekday()) % 7 or 7)
    kasi = login_as("kasi")
    response = kasi.post(f"/loans/suggestion/{blocked.id}", data={
        "start": [at(saturday, 9).isoformat()], "end": [at(saturday, 12).isoformat()]})
    assert "bukan hari kerja" in visible_text(kasi.get(response.headers["Location"]))
    assert _state(blocked.id) == before


def test_the_proposal_needs_the_form_token(app, login_as, clashing, monkeypatch):
    blocked = clashing["blocked"]
    kasi = login_as("kasi")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = _state(blocked.id)
    page = kasi.get(f"/loans/show/{blocked.id}")
    _, data = suggestion_forms(page)[0]
    token = data.pop("csrf_token")[0]
    assert token

    assert kasi.post(f"/loans/suggestion/{blocked.id}", data=data).status_code == 400
    assert _state(blocked.id) == before
    response = kasi.post(f"/loans/suggestion/{blocked.id}",
                         data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert _state(blocked.id)[0] == LoanStatus.RESCHEDULE_PROPOSED
