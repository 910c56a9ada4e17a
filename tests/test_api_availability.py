"""GET /api/v1/availability: a room's busy blocks and free slots over the API,
with the page's period rules and the page's hiding for borrowers.

Each test works in a room of its own (helpers of tests/test_availability.py).
"""
from datetime import timedelta

import pytest
from helpers import api_token
from test_availability import at, new_loan, new_room, office_days, text_of

from app.models import Room
from app.platform.extensions import db

URL = "/api/v1/availability"


def ask(client, headers, **args):
    return client.get(URL, headers=headers, query_string=args)


@pytest.fixture
def booked(app):
    """peminjam1 holds 09.00-12.00 (confirmed) and waits for 13.00-14.00;
    peminjam2 waits for 14.30-15.30, on one office day of a new room."""
    room = new_room()
    day, = office_days(1)
    held = new_loan("peminjam1", room, [(at(day, 9), at(day, 12))],
                    title="Rapat Rahasia Dinas", steps=("dispose", "confirm"))
    waiting = new_loan("peminjam1", room, [(at(day, 13), at(day, 14))],
                       title="Rapat Menunggu")
    other = new_loan("peminjam2", room, [(at(day, 14, 30), at(day, 15, 30))],
                     title="Seminar Lain")
    return {"room": room, "day": day, "held": held, "waiting": waiting, "other": other}


def test_staff_see_every_booking_with_who_holds_it(app, client, booked):
    day = booked["day"].isoformat()
    response = ask(client, api_token(client, "kasi"), room_id=booked["room"].id,
                   start=day, end=day)
    assert response.status_code == 200
    body = response.get_json()
    assert body["room"]["id"] == booked["room"].id
    assert (body["start"], body["end"]) == (day, day)
    entry, = body["days"]
    assert entry["date"] == day and entry["office_day"] is True
    busy = entry["busy"]
    assert [(b["loan"]["id"], b["pending"]) for b in busy] == [
        (booked["held"].id, False), (booked["waiting"].id, True),
        (booked["other"].id, True)]
    first = busy[0]
    assert first["starts_at"] == f"{day}T09:00:00+07:00"
    assert first["ends_at"] == f"{day}T12:00:00+07:00"
    assert first["blocked_until"] == f"{day}T12:30:00+07:00"  # the room's buffer
    assert first["loan"]["title"] == "Rapat Rahasia Dinas"
    assert first["loan"]["institution"] == booked["held"].institution.name
    assert first["loan"]["own"] is False
    # Only what the confirmed booking holds is taken out of the free time.
    assert [(s["starts_at"], s["ends_at"]) for s in entry["free"]] == [
        (f"{day}T07:30:00+07:00", f"{day}T08:30:00+07:00"),
        (f"{day}T12:30:00+07:00", f"{day}T16:00:00+07:00")]
    assert all(s["requestable"] and s["refused"] is None for s in entry["free"])


def test_borrower_sees_anothers_booking_only_as_busy(app, client, booked):
    day = booked["day"].isoformat()
    response = ask(client, api_token(client, "peminjam2"), room_id=booked["room"].id,
                   start=day, end=day)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    entry, = response.get_json()["days"]
    # peminjam1's confirmed booking: its time only; their pending request not at all.
    assert [(b["starts_at"], b["loan"] and b["loan"]["id"]) for b in entry["busy"]] == [
        (f"{day}T09:00:00+07:00", None),
        (f"{day}T14:30:00+07:00", booked["other"].id)]
    assert entry["busy"][1]["loan"]["own"] is True
    for secret in ("Rapat Rahasia Dinas", "Rapat Menunggu",
                   booked["held"].institution.name, booked["held"].contact_name):
        assert secret not in text


def test_borrower_sees_own_bookings_in_full(app, client, booked):
    day = booked["day"].isoformat()
    entry, = ask(client, api_token(client, "peminjam1"), room_id=booked["room"].id,
                 start=day, end=day).get_json()["days"]
    assert [(b["loan"]["id"], b["loan"]["own"]) for b in entry["busy"]] == [
        (booked["held"].id, True), (booked["waiting"].id, True)]


def test_default_period_is_two_weeks_from_monday(app, client, booked):
    body = ask(client, api_token(client, "peminjam1"),
               room_id=booked["room"].id).get_json()
    assert len(body["days"]) == 14
    assert [d["date"] for d in body["days"]][0] == body["start"]


def test_too_soon_slots_are_marked_not_requestable(app, client):
    room = new_room()
    today = ask(client, api_token(client, "kabid"), room_id=room.id).get_json()
    refused = {s["refused"] for d in today["days"] for s in d["free"]}
    assert refused <= {None, "notice"}


@pytest.mark.parametrize("args,field", [
    ({}, "room_id"),
    ({"room_id": "abc"}, "room_id"),
    ({"room_id": "999999"}, "room_id"),
    ({"room_id": "1", "start": "2031-02-30"}, "start"),
    ({"room_id": "1", "start": "kemarin"}, "start"),
    ({"room_id": "1", "end": "1999-12-31", "start": "1999-12-01"}, "start"),
    ({"room_id": "1", "start": "2031-03-10", "end": "2031-03-01"}, "end"),
    ({"room_id": "1", "start": "2031-03-01", "end": "2031-04-30"}, "end"),
])
def test_bad_arguments_get_a_message_per_field(app, client, args, field):
    if args.get("room_id") == "1":
        args["room_id"] = str(db.session.query(Room.id).order_by(Room.id).scalar())
    response = ask(client, api_token(client, "peminjam1"), **args)
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == text_of(app, "The data sent is not valid.")
    assert list(body["errors"]) == [field]
    assert body["errors"][field][0]


def test_messages_are_indonesian(app, client):
    body = ask(client, api_token(client, "peminjam1"), room_id="x",
               start="2031-03-10", end="2031-03-01").get_json()
    assert body["errors"] == {"room_id": ["Pilih ruang dari daftar."],
                              "end": ["Tanggal akhir lebih awal daripada tanggal mulai."]}


def test_borrower_cannot_see_a_room_that_cannot_be_booked(app, client):
    room = new_room("Ruang Tertutup")
    room.is_active = False
    db.session.commit()
    day = office_days(1)[0].isoformat()
    assert ask(client, api_token(client, "peminjam1"), room_id=room.id,
               start=day).status_code == 422
    assert ask(client, api_token(client, "adminpc"), room_id=room.id,
               start=day).status_code == 200


def test_no_token_is_401(app, client):
    room = db.session.query(Room).first()
    assert client.get(URL, query_string={"room_id": room.id}).status_code == 401
    day = (office_days(1)[0] + timedelta(days=1)).isoformat()
    assert ask(client, {"Authorization": "Bearer x.y.z"}, room_id=room.id,
               start=day).status_code == 401
