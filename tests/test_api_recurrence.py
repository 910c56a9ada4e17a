"""GET /api/v1/loans/recurrence-preview: the sessions a recurring request
would have, each with the verdict submitting it would meet, over the API
(the request form's preview: tests/test_recurrence.py)."""
from datetime import timedelta

import pytest
from helpers import api_token
from test_api_loans import request_body
from test_availability import at, new_loan, new_room, office_days, text_of
from test_recurrence import four_office_weeks

from app.domain.scheduling import recurrence
from app.models import ClosedDate, LoanRequest, Room
from app.platform.extensions import db

URL = "/api/v1/loans/recurrence-preview"


def args_of(room, first, until, hours=(9, 11), **changes):
    return {"room_id": room.id, "start": f"{first.isoformat()}T{hours[0]:02d}:00",
            "end": f"{first.isoformat()}T{hours[1]:02d}:00", "frequency": "weekly",
            "interval": 1, "until": until.isoformat(), **changes}


def ask(client, username, **args):
    headers = api_token(client, username) if username else {}
    return client.get(URL, headers=headers, query_string=args)


@pytest.fixture
def taken_and_holiday(app):
    """Four weekly office days in a new room: peminjam2 holds the second,
    the third is a local holiday."""
    room = new_room("Ruang Uji Berulang API")
    weeks = four_office_weeks()
    new_loan("peminjam2", room, [(at(weeks[1], 10), at(weeks[1], 12))],
             title="Rapat rahasia peminjam lain", steps=("dispose", "confirm"))
    db.session.add(ClosedDate(day=weeks[2], reason="Hari jadi Kota Pontianak"))
    db.session.commit()
    return room, weeks


@pytest.mark.date_sensitive
def test_each_session_has_its_verdict(app, client, taken_and_holiday):
    room, weeks = taken_and_holiday
    response = ask(client, "peminjam1", **args_of(room, weeks[0], weeks[-1]))
    assert response.status_code == 200
    sessions = response.get_json()["sessions"]
    assert [s["verdict"] for s in sessions] == ["free", "clash", "holiday", "free"]
    assert [s["starts_at"] for s in sessions] == [
        f"{day.isoformat()}T09:00:00+07:00" for day in weeks]
    assert sessions[0]["ends_at"] == f"{weeks[0].isoformat()}T11:00:00+07:00"
    assert [s["label"] for s in sessions[:3]] == ["Kosong", "Ruang terisi", "Libur"]
    assert sessions[0]["messages"] == []
    assert any("Hari jadi Kota Pontianak" in m for m in sessions[2]["messages"])


@pytest.mark.date_sensitive
def test_a_borrower_learns_only_that_the_room_is_taken(app, client, taken_and_holiday):
    room, weeks = taken_and_holiday
    response = ask(client, "peminjam1", **args_of(room, weeks[0], weeks[-1]))
    text = response.get_data(as_text=True)
    clash = response.get_json()["sessions"][1]
    assert clash["verdict"] == "clash"
    assert clash["messages"] == [text_of(app, "Another booking holds the room then.")]
    assert "Rapat rahasia peminjam lain" not in text
    assert "peminjam2" not in text and "Kontak Uji" not in text


@pytest.mark.date_sensitive
@pytest.mark.parametrize("username", ["kasi", "kabid", "adminpc", "peminjam2"])
def test_every_role_may_preview(app, client, taken_and_holiday, username):
    room, weeks = taken_and_holiday
    response = ask(client, username, **args_of(room, weeks[0], weeks[1]))
    assert response.status_code == 200
    assert [s["verdict"] for s in response.get_json()["sessions"]] == ["free", "clash"]


@pytest.mark.date_sensitive
def test_monthly_sessions_and_office_hours(app, client):
    room = new_room("Ruang Uji Bulanan API")
    first = office_days(1, after=14)[0]
    days = [recurrence.same_weekday_of_month(first, n) for n in range(3)]
    response = ask(client, "peminjam1", **args_of(
        room, first, days[-1], hours=(15, 18), frequency="monthly"))
    assert response.status_code == 200
    sessions = response.get_json()["sessions"]
    assert [s["starts_at"] for s in sessions] == [
        f"{day.isoformat()}T15:00:00+07:00" for day in days]
    assert {s["verdict"] for s in sessions} <= {"outside_hours", "holiday"}
    assert sessions[0]["verdict"] == "outside_hours"
    assert sessions[0]["label"] == "Di luar jam kerja"


@pytest.mark.date_sensitive
def test_nothing_is_booked(app, client):
    room = new_room("Ruang Uji Tanpa Pesan")
    weeks = four_office_weeks()
    response = ask(client, "peminjam1", **args_of(room, weeks[0], weeks[2]))
    assert [s["verdict"] for s in response.get_json()["sessions"]] == ["free"] * 3
    assert db.session.query(LoanRequest).filter_by(room_id=room.id).count() == 0


# ---------------------------------------------------------------- refusals

INTERVAL = ["Ulangi setiap 1 sampai 12 minggu atau bulan."]
ROOM = ["Pilih ruang dari daftar."]


# Each case: what is changed (from the first session's day) and the errors.
@pytest.mark.parametrize("changes,expected", [
    (lambda first: {"room_id": "abc"}, {"room_id": ROOM}),
    (lambda first: {"room_id": "99999"}, {"room_id": ROOM}),
    (lambda first: {"start": "besok pagi"},
     {"start": ["Isi waktu mulai dan waktu selesai sesi."]}),
    (lambda first: {"end": f"{first.isoformat()}T08:00"},
     {"start": ["Waktu selesai sesi harus setelah waktu mulai."]}),
    (lambda first: {"frequency": "daily"}, {"frequency": ["Pilih pola pengulangan sesi."]}),
    (lambda first: {"interval": 0}, {"interval": INTERVAL}),
    (lambda first: {"interval": 13}, {"interval": INTERVAL}),
    (lambda first: {"interval": "dua"}, {"interval": INTERVAL}),
    (lambda first: {"until": "2031-02-30"}, {"until": ["Isi tanggal sesi terakhir."]}),
    (lambda first: {"until": (first - timedelta(days=1)).isoformat()},
     {"until": ["Tanggal terakhir mendahului sesi pertama."]}),
])
def test_bad_arguments_are_named_in_indonesian(app, client, changes, expected):
    room = new_room("Ruang Uji Salah")
    first = office_days(1, after=14)[0]
    args = {**args_of(room, first, first + timedelta(weeks=3)), **changes(first)}
    response = ask(client, "peminjam1", **args)
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "Data yang dikirim tidak sah."
    assert body["errors"] == expected


def test_more_sessions_than_a_request_may_have(app, client):
    room = new_room("Ruang Uji Terlalu Banyak")
    first = office_days(1, after=14)[0]
    response = ask(client, "peminjam1", **args_of(room, first, first + timedelta(weeks=52)))
    assert response.status_code == 422
    message, = response.get_json()["errors"]["until"]
    assert "lebih dari 14 sesi" in message


def test_nothing_given_names_every_field(app, client):
    response = ask(client, "peminjam1")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {
        "room_id", "start", "frequency", "interval", "until"}


def test_a_borrower_cannot_preview_a_room_that_cannot_be_booked(app, client):
    room = new_room("Ruang Uji Tutup API")
    room.is_active = False
    db.session.commit()
    first = office_days(1, after=14)[0]
    args = args_of(room, first, first + timedelta(weeks=1))
    assert ask(client, "peminjam1", **args).get_json()["errors"] == {
        "room_id": ["Pilih ruang dari daftar."]}
    assert ask(client, "kasi", **args).status_code == 200


def test_no_token_is_401(app, client):
    room = db.session.query(Room).first()
    first = office_days(1, after=14)[0]
    args = args_of(room, first, first + timedelta(weeks=1))
    assert ask(client, None, **args).status_code == 401
    assert client.get(URL, query_string=args,
                      headers={"Authorization": "Bearer x.y.z"}).status_code == 401


# ---------------------------------------------------------------- submitting

def recurring_body(room, first, last, **changes):
    body = request_body(first, room_id=room.id, recurrence={
        "start": f"{first.isoformat()}T09:00", "end": f"{first.isoformat()}T11:00",
        "frequency": "weekly", "interval": 1, "until": last.isoformat(), **changes})
    del body["sessions"]
    return body


def submit(client, body):
    return client.post("/api/v1/loans/", json=body, headers=api_token(client, "peminjam1"))


@pytest.mark.date_sensitive
def test_a_request_may_be_sent_as_a_recurrence(app, client):
    room = new_room("Ruang Uji Kirim Berulang")
    weeks = four_office_weeks()
    response = submit(client, recurring_body(room, weeks[0], weeks[-1]))
    assert response.status_code == 201, response.get_json()
    sessions = response.get_json()["result"]["sessions"]
    assert [(s["starts_at"], s["ends_at"]) for s in sessions] == [
        (f"{day.isoformat()}T09:00:00+07:00", f"{day.isoformat()}T11:00:00+07:00")
        for day in weeks]


@pytest.mark.date_sensitive
def test_a_recurrence_meets_the_checks_of_any_request(app, client, taken_and_holiday):
    room, weeks = taken_and_holiday
    response = submit(client, recurring_body(room, weeks[0], weeks[-1]))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["sessions"]
    assert "Hari jadi Kota Pontianak" in " ".join(response.get_json()["errors"]["sessions"])
    assert db.session.query(LoanRequest).filter_by(
        room_id=room.id, title="Rapat lewat API").count() == 0


@pytest.mark.parametrize("change,message", [
    ({"interval": 0}, "Ulangi setiap 1 sampai 12 minggu atau bulan."),
    ({"until": "2000-01-03"}, "Tanggal terakhir mendahului sesi pertama."),
    ({"hari": "selasa"}, "Berikan pengulangan sebagai"),
    (None, "Berikan sesi atau pengulangan saja, tidak keduanya."),
])
def test_a_bad_recurrence_is_named_and_nothing_stored(app, client, change, message):
    room = new_room("Ruang Uji Kirim Salah")
    first = office_days(1, after=14)[0]
    body = recurring_body(room, first, first + timedelta(weeks=2), **(change or {}))
    if change is None:
        body["sessions"] = [{"starts_at": f"{first.isoformat()}T09:00",
                             "ends_at": f"{first.isoformat()}T11:00"}]
    response = submit(client, body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["recurrence"] and errors["recurrence"][0].startswith(message)
    assert db.session.query(LoanRequest).filter_by(room_id=room.id).count() == 0
