"""Local unavailable dates (Tanggal Tidak Tersedia) in the panel.

Staff close a day for every room (a city event) under Master Data; the
scheduling rules then refuse a session on that day and name the reason.
"""
from datetime import date, timedelta

import holidays
import pytest
from flask_babel import gettext
from helpers import field_errors, login, office_day, pdf_upload, today, visible_text
from markupsafe import escape

from app.models import ClosedDate, LoanRequest, Room
from app.platform.extensions import db
from app.platform.formatting import format_date
from app.security.roles import ADMIN, ADMIN_PC, ALL_ROLES, GRANTS, KABID, KASI, PEMINJAM

pytestmark = pytest.mark.date_sensitive

ACCOUNTS = {ADMIN: "admin", KABID: "kabid", KASI: "kasi", ADMIN_PC: "adminpc",
            PEMINJAM: "peminjam1"}
KEEPERS = (ADMIN, KASI, ADMIN_PC)  # add, edit, delete
READERS = KEEPERS + (KABID,)  # list, show


def free_day(start=date(2032, 3, 1)):
    """A day without an unavailable date yet."""
    day = start
    while db.session.query(ClosedDate).filter_by(day=day).count():
        day += timedelta(days=1)
    return day


def closed(reason, day=None):
    row = ClosedDate(day=day or free_day(), reason=reason)
    db.session.add(row)
    db.session.commit()
    return row




def in_indonesian(app, text, **values):
    with app.test_request_context("/"):
        return gettext(text, **values)


def reason_of(pk):
    """The stored reason of row ``pk`` (None once deleted), read afresh."""
    db.session.expire_all()
    return db.session.query(ClosedDate.reason).filter_by(id=pk).scalar()


def count():
    db.session.expire_all()
    return db.session.query(ClosedDate).count()


# ---------------------------------------------------------------- who may do what

def test_grants():
    for role in ALL_ROLES:
        perms = set(GRANTS[role].get("ClosedDateView", ()))
        expected = set()
        if role in READERS:
            expected |= {"can_list", "can_show"}
        if role in KEEPERS:
            expected |= {"can_add", "can_edit", "can_delete"}
        assert perms == expected, role
        assert ("Unavailable Dates" in GRANTS[role]) is (role in READERS), role


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_over_http(app, role):
    client = login(app.test_client(), ACCOUNTS[role])
    row = closed(f"Acara uji {role}")
    pk, row_day = row.id, row.day
    reads, keeps = role in READERS, role in KEEPERS

    assert client.get("/closed-dates/list/").status_code == (200 if reads else 403)
    assert client.get(f"/closed-dates/show/{pk}").status_code == (200 if reads else 403)
    assert client.get("/closed-dates/add").status_code == (200 if keeps else 403)
    assert client.get(f"/closed-dates/edit/{pk}").status_code == (200 if keeps else 403)

    day = free_day()
    added = client.post("/closed-dates/add",
                        data={"day": day.isoformat(), "reason": "Festival Kota"})
    assert added.status_code == (302 if keeps else 403)
    assert (db.session.query(ClosedDate).filter_by(day=day).count() == 1) is keeps

    edited = client.post(f"/closed-dates/edit/{pk}",
                         data={"day": row_day.isoformat(), "reason": "Diubah"})
    assert edited.status_code == (302 if keeps else 403)
    assert (reason_of(pk) == "Diubah") is keeps

    deleted = client.post(f"/closed-dates/delete/{pk}")
    assert deleted.status_code == (302 if keeps else 403)
    assert (reason_of(pk) is None) is keeps

    dashboard = client.get("/").get_data(as_text=True)
    assert ('href="/closed-dates/list/"' in dashboard) is reads


def test_anonymous_is_sent_to_login(app):
    client = app.test_client()
    for url in ("/closed-dates/list/", "/closed-dates/add"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.headers["Location"]


# ---------------------------------------------------------------- the pages

@pytest.fixture
def kasi(app):
    return login(app.test_client(), "kasi")


def test_add_then_list_in_indonesian(app, kasi):
    day = free_day(date(2032, 6, 1))
    before = count()
    response = kasi.post("/closed-dates/add", data={
        "day": day.isoformat(), "reason": "  Pontianak Expo 2032  "})
    assert response.status_code == 302
    assert count() == before + 1
    row = db.session.query(ClosedDate).filter_by(day=day).one()
    assert row.reason == "Pontianak Expo 2032"

    page = kasi.get("/closed-dates/list/")
    assert page.status_code == 200
    text = visible_text(page)
    assert "Tanggal Tidak Tersedia" in text
    assert "Alasan" in text and "Tanggal" in text
    with app.test_request_context("/"):
        shown = format_date(day)
    assert shown.split(",")[0] in ("Senin", "Selasa", "Rabu", "Kamis", "Jumat",
                                   "Sabtu", "Minggu")
    assert shown in text and "Pontianak Expo 2032" in text

    add_page = visible_text(kasi.get("/closed-dates/add"))
    assert "Tambah Tanggal Tidak Tersedia" in add_page
    show_page = visible_text(kasi.get(f"/closed-dates/show/{row.id}"))
    assert shown in show_page


@pytest.mark.parametrize("reason", ["Hari Jadi Kota Pontianak", "Diskon 50% (pameran)"])
def test_duplicate_day_is_refused_inline(app, kasi, reason):
    row = closed(reason)
    before = count()
    response = kasi.post("/closed-dates/add", data={
        "day": row.day.isoformat(), "reason": "Acara lain"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with app.test_request_context("/"):
        expected = gettext("%(day)s is already an unavailable date (%(reason)s).",
                           day=format_date(row.day), reason=reason)
    assert expected != "%(day)s is already an unavailable date (%(reason)s)."
    assert "sudah" in expected  # Indonesian
    assert field_errors(html, "day") == str(escape(expected))
    assert 'value="Acara lain"' in html  # what was typed is kept
    assert count() == before


def test_editing_keeps_its_own_day_but_not_anothers(kasi):
    first, second = closed("Acara pertama"), closed("Acara kedua")
    same = kasi.post(f"/closed-dates/edit/{first.id}",
                     data={"day": first.day.isoformat(), "reason": "Acara pertama (ubah)"})
    assert same.status_code == 302
    taken = kasi.post(f"/closed-dates/edit/{first.id}",
                      data={"day": second.day.isoformat(), "reason": "Pindah"})
    assert taken.status_code == 200
    assert "Acara kedua" in field_errors(taken.get_data(as_text=True), "day")
    db.session.expire_all()
    assert db.session.query(ClosedDate.day).filter_by(id=first.id).scalar() == first.day


BAD = {
    "no day": ({"day": ""}, "day"),
    "not a date": ({"day": "31-02-2032"}, "day"),
    "impossible date": ({"day": "2032-02-31"}, "day"),
    "words": ({"day": "besok"}, "day"),
    "no reason": ({"reason": ""}, "reason"),
    "blank reason": ({"reason": "    "}, "reason"),
    "reason too long": ({"reason": "x" * 256}, "reason"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_shown_inline(kasi, case):
    changes, field = BAD[case]
    data = {"day": free_day(date(2032, 9, 1)).isoformat(), "reason": "Acara kota"}
    data.update(changes)
    before = count()
    response = kasi.post("/closed-dates/add", data=data)
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True), field), f"nothing at {field}"
    assert count() == before


@pytest.mark.parametrize("value", ["abc", "2032-13-45", "x" * 50])
def test_hostile_search_value_is_no_500(kasi, value):
    response = kasi.get("/closed-dates/list/", query_string={"_flt_0_day": value})
    assert response.status_code in (200, 400)


# ---------------------------------------------------------------- the rules use it

def _plain_office_day(days_ahead):
    """An office day with no national holiday, ``days_ahead`` or later."""
    day = office_day(days_ahead)
    national = holidays.country_holidays("ID", years=range(day.year, day.year + 2),
                                         categories=("public", "government"))
    while day.weekday() >= 5 or day in national:
        day += timedelta(days=1)
    return day


def loan_form(day):
    room = db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()
    return {
        "kind": "peminjaman", "room": str(room.id),
        "title": "Rapat Koordinasi Hari Besar", "participants": "12",
        "sessions-start": [f"{day.isoformat()}T09:00"],
        "sessions-end": [f"{day.isoformat()}T11:00"],
        "letter_number": "005/77/UJI/2032", "letter_date": today().isoformat(),
        "subject": "Permohonan Peminjaman Ruang Rapat", "letter": pdf_upload(),
        "contact_name": "Dewi Lestari", "contact_phone": "0812-3333-4444",
        "no_buffet_pledge": "y",
    }


@pytest.mark.parametrize("reason", ["Pawai Budaya Cap Go Meh Kota Pontianak",
                                    "Pameran 100% Produk Lokal"])
def test_closed_date_refuses_a_loan_with_the_reason(app, kasi, reason):
    day = _plain_office_day(40)
    while db.session.query(ClosedDate).filter_by(day=day).count():
        day = _plain_office_day((day - today()).days + 1)
    assert kasi.post("/closed-dates/add", data={
        "day": day.isoformat(), "reason": reason}).status_code == 302

    borrower = login(app.test_client(), "peminjam1")
    loans_before = db.session.query(LoanRequest).count()
    response = borrower.post("/loans/add", data=loan_form(day),
                             content_type="multipart/form-data")
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True), "sessions")
    problem = in_indonesian(app, "it falls on a holiday: %(name)s.", name=reason)
    assert str(escape(problem)) in errors
    assert "Sesi 1" in errors
    db.session.expire_all()
    assert db.session.query(LoanRequest).count() == loans_before

    # Once the day is open again, the same request goes through.
    row = db.session.query(ClosedDate).filter_by(day=day).one()
    assert kasi.post(f"/closed-dates/delete/{row.id}").status_code == 302
    response = borrower.post("/loans/add", data=loan_form(day),
                             content_type="multipart/form-data")
    assert response.status_code == 302
