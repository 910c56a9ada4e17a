"""GET /api/v1/rooms/: the rooms with capacity and equipment, over FAB's JWT."""
from helpers import api_token

from app.models import Equipment, Room
from app.platform.extensions import db

URL = "/api/v1/rooms/"


def _room(name, active=True):
    room = Room(name=name, capacity=12, prep_buffer_minutes=15, is_active=active,
                location="Lantai 2")
    db.session.add(room)
    db.session.flush()
    db.session.add(Equipment(room=room, name="Proyektor", quantity=2,
                             condition="damaged"))
    db.session.commit()
    return room


def test_staff_get_every_room_with_its_equipment(app, client):
    _room("Ruang Uji Nonaktif", active=False)
    body = client.get(URL, headers=api_token(client, "adminpc")).get_json()
    rooms = {room["name"]: room for room in body["result"]}
    assert body["count"] == len(rooms) == db.session.query(Room).count()
    closed = rooms["Ruang Uji Nonaktif"]
    assert closed["is_active"] is False
    assert closed["capacity"] == 12 and closed["prep_buffer_minutes"] == 15
    assert closed["equipment"] == [{
        "id": closed["equipment"][0]["id"], "name": "Proyektor", "quantity": 2,
        "condition": "damaged", "condition_label": "Rusak"}]


def test_borrower_gets_only_rooms_that_can_be_booked(app, client):
    _room("Ruang Uji Nonaktif", active=False)
    body = client.get(URL, headers=api_token(client, "peminjam1")).get_json()
    names = [room["name"] for room in body["result"]]
    assert "Ruang Uji Nonaktif" not in names
    assert names and names == sorted(names)
    assert all(room["is_active"] for room in body["result"])


def test_no_or_garbage_token_is_401(app, client):
    for headers in ({}, {"Authorization": "Bearer bukan-token"},
                    {"Authorization": "Bearer a.b.c"}):
        response = client.get(URL, headers=headers)
        assert response.status_code == 401, headers
        assert "token" in response.get_json()["message"].lower()


def test_read_only(app, client):
    headers = api_token(client, "admin")
    assert client.post(URL, headers=headers, json={"name": "X"}).status_code == 405
