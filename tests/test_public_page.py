"""The public service page: the standard, the room, busy and free blocks that
tell nothing of the requests behind them, the published index, its cache,
and the loan form filled from a free block."""
import re
from datetime import datetime, time

import pytest
from helpers import Statements, office_day, submit_loan, take, visible_text

from app.models import Room, SurveyResponse
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow

pytestmark = pytest.mark.date_sensitive


def confirmed_loan(day, title="Rapat Rahasia Dinas", username="peminjam1"):
    loan = submit_loan(username, title=title, day=day, start=(9, 0), end=(11, 30))
    for action in ("dispose", "confirm"):
        take(loan, action)
        db.session.commit()
    return loan


def test_visitors_get_the_service_standard_at_the_root(app, client):
    response = client.get("/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Layanan Peminjaman Ruang Rapat" in text
    for part in ("Persyaratan", "Prosedur", "Waktu pelayanan", "Tidak dipungut biaya.",
                 "Produk layanan", "Pengaduan", "SP4N-LAPOR!", "https://www.lapor.go.id",
                 "Kabid TKPBET", "Kasi PK & AI", "Admin Pontive Center"):
        assert part in text, part
    room = db.session.query(Room).filter_by(is_active=True).first()
    assert room.name in text and f"Kapasitas {room.capacity} orang" in text
    assert 'href="/register/"' in response.get_data(as_text=True)
    assert client.get("/layanan/").status_code == 200


def test_signed_in_users_keep_their_dashboard(app, login_as):
    text = visible_text(login_as("peminjam1").get("/"))
    assert "Dasbor" in text and "Standar pelayanan" not in text


def test_the_schedule_shows_times_and_nothing_of_the_requests(app, client):
    day = office_day(9)
    loan = confirmed_loan(day)
    pending = submit_loan("peminjam2", title="Permohonan Menunggu", day=day,
                          start=(13, 0), end=(15, 0))
    html = client.get("/").get_data(as_text=True)
    text = visible_text(client.get("/"))
    assert "09.00–11.30 WIB" in text  # the busy block
    for secret in (loan.title, loan.registration_number, "Dinas Pendidikan",
                   "Rina", pending.title, pending.registration_number,
                   "Universitas Tanjungpura", loan.contact_phone, "Diajukan",
                   "Dikonfirmasi"):
        assert secret not in text, secret
    # The free afternoon (the pending request holds nothing) links to registering.
    assert 'class="label label-success pontive-public-free" href="/register/"' in html


def test_a_borrower_s_free_block_opens_the_filled_request_form(app, login_as):
    day = office_day(9)
    confirmed_loan(day)
    client = login_as("peminjam2")
    html = client.get("/layanan/").get_data(as_text=True)
    room = db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()
    # The afternoon after the booking: free once the room is prepared again
    # (11.30 plus its 30 minutes), to the end of office hours.
    found = re.search(rf'href="(/loans/add\?room={room.id}&amp;date={day.isoformat()}'
                      r'&amp;start=12:00&amp;end=16:00)"', html)
    assert found is not None
    form = client.get(found.group(1).replace("&amp;", "&"))
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert f'value="{day.isoformat()}T12:00"' in page
    assert f'value="{day.isoformat()}T16:00"' in page
    assert re.search(rf'<option selected value="{room.id}"|value="{room.id}" selected',
                     page)


@pytest.mark.parametrize("query", ["room=abc&date=2026-02-30&start=9&end=x",
                                   "room=99999&date=2026-12-01&start=10:00&end=09:00"])
def test_a_bad_prefill_link_still_opens_the_form_and_says_so(app, login_as, query):
    response = login_as("peminjam1").get(f"/loans/add?{query}")
    assert response.status_code == 200
    assert ("Sebagian isian dari tautan tidak dapat digunakan"
            in visible_text(response))


def test_staff_see_no_request_links_on_the_public_page(app, login_as):
    html = login_as("kasi").get("/layanan/").get_data(as_text=True)
    assert "/loans/add" not in html and "/register/" not in html.split("pontive-public-schedule")[-1]


def test_the_blocks_are_cached_for_a_short_time(app, client):
    day = office_day(9)
    client.get("/")  # rendered and kept
    with Statements() as statements:
        client.get("/")
    assert not [s for s in statements if "loan_session" in s]
    confirmed_loan(day)
    assert "09.00–11.30 WIB" not in visible_text(client.get("/"))  # still the kept one

    app.config["PUBLIC_SCHEDULE_CACHE_SECONDS"] = 0
    assert "09.00–11.30 WIB" in visible_text(client.get("/"))


def test_the_latest_published_index_shows(app, client):
    assert "Belum ada indeks yang dipublikasikan" in visible_text(client.get("/"))
    year = to_local(utcnow()).year - 1
    for scores in ([4] * 9, [3] * 9):
        db.session.add(SurveyResponse(year=year, month=11, gender="l", education="s1",
                                      occupation="pns", age_group="25_34", suggestion="",
                                      **{f"u{n}": s for n, s in enumerate(scores, 1)}))
    db.session.commit()
    text = visible_text(client.get("/"))
    assert "87,50" in text and f"Triwulan IV {year}" in text and "2 responden" in text


def test_closed_dates_say_closed_without_the_staffs_reason(app, client):
    from app.models import ClosedDate

    day = office_day(12)
    db.session.add(ClosedDate(day=day, reason="Renovasi rahasia"))
    db.session.commit()
    text = visible_text(client.get("/"))
    assert "Renovasi rahasia" not in text
    assert "Tutup (hari libur atau tidak tersedia)" in text


def test_the_first_free_block_starts_after_a_booking_and_its_buffer(app):
    from app.domain import public_service

    day = office_day(9)
    confirmed_loan(day)
    room = db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()
    schedule = public_service.schedule(room, utcnow())
    entry = next(d for d in schedule.days if d.day == day)
    assert entry.busy == ((from_local(datetime.combine(day, time(9))),
                           from_local(datetime.combine(day, time(11, 30)))),)
    assert entry.free[-1].starts_at == from_local(datetime.combine(day, time(12)))
    assert all(d.day.weekday() < 5 for d in schedule.days)
