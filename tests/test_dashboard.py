"""The dashboard per role: what waits for me, today's and the coming week's
bookings, open equipment damage and this month's figures; a borrower sees
their own requests, bookings and the proposals waiting for their answer."""
import re
from datetime import date, datetime, time, timedelta

import pytest
from helpers import login, submit_loan, take, user, visible_text
from sqlalchemy import event

from app.domain import dashboard, equipment_care, inbox
from app.models import Room
from app.platform.extensions import db
from app.platform.timeutil import from_local

# Far from any day the suite's clock starts on (tests/clock.py), so that the
# demo data, made around that day, never falls in this week or month.
MONDAY = date(2038, 2, 8)
TODAY = date(2038, 2, 17)  # a Wednesday: the dashboard's clock
FRIDAY = date(2038, 2, 19)


def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def clock(app, monkeypatch):
    """The dashboard believes it is TODAY at 08.00 (office dates chosen by
    hand; national holidays left out so nothing depends on the package)."""
    app.config["HOLIDAYS_ENABLED"] = False
    monkeypatch.setattr("app.web.views.dashboard.utcnow", lambda: at(TODAY, 8))
    return app


def booking(username, title, day, steps=("dispose", "confirm"), hours=(9, 12),
            submitted=MONDAY):
    loan = submit_loan(username, title=title, now=at(submitted, 8),
                       sessions=[(at(day, hours[0]), at(day, hours[1]))])
    for minutes, action in enumerate(steps, start=1):
        take(loan, action, now=at(submitted, 8, 10 * minutes))
    db.session.commit()
    return loan


@pytest.fixture
def week(clock):
    """Bookings today (peminjam1), on Friday (peminjam2) and in three weeks."""
    return {
        "today": booking("peminjam1", "Rapat Hari Ini", TODAY),
        "friday": booking("peminjam2", "Seminar Hari Jumat", FRIDAY, hours=(13, 15)),
        "later": booking("peminjam1", "Pelatihan Bulan Depan", date(2038, 3, 3)),
    }


def dashboard_of(username):
    """The dashboard as ``username`` sees it: (its HTML, its visible text)."""
    from flask import current_app

    response = login(current_app.test_client(), username).get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True), visible_text(response)


def section(html, name, end="</div>"):
    """The HTML of one part of the dashboard, up to ``end``."""
    start = html.index(f'class="{name}')
    return html[start:html.index(end, start)]


# ---------------------------------------------------------------- waiting for me

def test_kabid_sees_the_waiting_request_marked_overdue(clock):
    waiting = submit_loan("peminjam1", title="Menunggu Kabid", now=at(TODAY - timedelta(
        days=2), 8), sessions=[(at(date(2038, 3, 1), 9), at(date(2038, 3, 1), 12))])
    html, text = dashboard_of("kabid")
    tasks = section(html, "panel-body")
    row = re.search(rf'<tr class="([^"]*)" data-loan="{waiting.id}">(.*?)</tr>', tasks,
                    flags=re.S)
    assert row, "the waiting request is listed"
    assert "pontive-task-overdue" in row.group(1)
    assert "Menunggu Kabid" in row.group(2) and "melewati standar" in row.group(2)
    assert "Menunggu Anda" in text and "Disposisikan kepada Kasi" in text
    assert re.search(r"Tugas Saya : \d+ menunggu Anda, \d+ melewati waktu standar", text)


def test_only_the_five_longest_waiting_are_listed_with_the_count(clock):
    for number in range(6):
        submit_loan("peminjam2", title=f"Antre {number}",
                    now=at(TODAY - timedelta(days=2), 8, number),
                    sessions=[(at(date(2038, 3, 1) + timedelta(weeks=number), 9),
                               at(date(2038, 3, 1) + timedelta(weeks=number), 12))])
    html, text = dashboard_of("kabid")
    total = inbox.tasks_for(user("kabid"), at(TODAY, 8)).total
    assert len(re.findall(r'<tr class="pontive-task', html)) == 5
    assert f"Lihat semua {total} tugas" in text


def test_a_borrower_sees_the_proposal_waiting_for_their_answer(clock):
    loan = booking("peminjam1", "Rapat Dijadwal Ulang", date(2038, 3, 1),
                   steps=("dispose",))
    take(loan, "propose_reschedule", now=at(TODAY - timedelta(days=1), 9),
         sessions=[(at(date(2038, 3, 10), 9), at(date(2038, 3, 10), 12))])
    db.session.commit()

    html, text = dashboard_of("peminjam1")
    assert "Perlu jawaban Anda" in text
    assert "Rapat Dijadwal Ulang" in text and "Jawab usulan jadwal" in text
    assert "Usulan jadwal: Rabu, 10 Maret 2038, pukul 09.00–12.00 WIB" in text
    # 48 office hours from Tuesday 16 February at 09.00 (7 that day, 8.5 on each
    # of the four next office days, 7 on the fifth).
    assert "Jawab sebelum Selasa, 23 Februari 2038 pukul 14.30 WIB" in text
    assert f'href="/loans/step/accept_reschedule/{loan.id}"' in html
    assert f'href="/loans/step/decline_reschedule/{loan.id}"' in html
    assert "Rapat Dijadwal Ulang" not in dashboard_of("peminjam2")[1]


# ---------------------------------------------------------------- bookings

def test_staff_see_todays_and_the_coming_weeks_bookings(week):
    html, text = dashboard_of("kasi")
    today, coming = (section(html, "pontive-bookings-today"),
                     section(html, "pontive-bookings-week"))
    assert "Rapat Hari Ini" in today and "09.00–12.00 WIB" in today
    assert "Seminar Hari Jumat" not in today
    assert "Seminar Hari Jumat" in coming and "Jumat, 19 Februari 2038" in coming
    assert "Pelatihan Bulan Depan" not in html  # beyond the seven days
    assert "Dikonfirmasi" in today
    assert "Hari ini, Rabu, 17 Februari 2038" in text


@pytest.mark.parametrize("username,own,other", [
    ("peminjam1", "Rapat Hari Ini", "Seminar Hari Jumat"),
    ("peminjam2", "Seminar Hari Jumat", "Rapat Hari Ini"),
])
def test_a_borrower_sees_only_their_own_bookings(week, username, own, other):
    html, text = dashboard_of(username)
    bookings = section(html, "pontive-bookings-today") + section(
        html, "pontive-bookings-week")
    assert own in bookings
    assert other not in html
    assert "Jadwal peminjaman saya" in text


# ---------------------------------------------------------------- damage, figures

def test_open_damage_is_shown_to_staff_not_to_borrowers(clock):
    room = db.session.query(Room).order_by(Room.id).first()
    projector = next(item for item in room.equipment if item.name == "Proyektor")
    report = equipment_care.report_damage(projector, user("adminpc"),
                                          "Lampu proyektor mati.")
    db.session.commit()
    for username in ("kabid", "kasi", "adminpc", "admin"):
        html, text = dashboard_of(username)
        panel = section(html, "table table-condensed pontive-open-damage-list",
                        "</table>")
        assert "Proyektor" in panel and "Lampu proyektor mati." in panel
        assert f'href="/damage/show/{report.id}"' in html
        assert "Kerusakan perlengkapan yang belum selesai" in text
    for username in ("peminjam1", "peminjam2"):
        html, _text = dashboard_of(username)
        assert "pontive-open-damage-panel" not in html
        assert "Lampu proyektor mati." not in html

    equipment_care.advance(report, "repaired", user("adminpc"), "Lampu diganti.")
    db.session.commit()
    assert "Semua perlengkapan dalam kondisi baik." in dashboard_of("kasi")[1]


def test_this_months_figures_for_staff_only(week):
    figures = dashboard.month_figures(at(TODAY, 8))
    # Three requests submitted and confirmed in February 2038; each disposition
    # and confirmation took 10 office minutes of 15.
    assert (figures.submitted, figures.confirmed, figures.completed,
            figures.timed_steps, figures.within_standard,
            figures.within_standard_percent) == (3, 3, 0, 6, 6, 100)
    _html, text = dashboard_of("kabid")
    assert "Bulan ini (Februari 2038)" in text
    assert "3 permohonan masuk" in text and "100% langkah sesuai waktu standar" in text
    assert "Bulan ini" not in dashboard_of("peminjam1")[1]


def test_the_borrower_is_offered_to_submit_a_request(clock):
    assert "Ajukan Permohonan Peminjaman" in dashboard_of("peminjam1")[1]
    assert "Ajukan Permohonan Peminjaman" not in dashboard_of("kasi")[1]


def test_the_dashboards_queries_do_not_grow_with_the_requests(clock):
    def queries(username):
        from flask import current_app

        client = login(current_app.test_client(), username)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = {username: queries(username) for username in ("kasi", "peminjam1")}
    for number in range(8):
        day = date(2038, 3, 1) + timedelta(weeks=number)
        booking("peminjam1", f"Tambahan {number}", day,
                steps=("dispose", "confirm") if number % 2 else ())
    after = {username: queries(username) for username in ("kasi", "peminjam1")}
    assert after == before
