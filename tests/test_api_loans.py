"""The loans resource of the REST API (/api/v1/loans/): what each caller may
read and do, and every status code a client can meet.

The SOP walked end to end through the API is in test_api_sop.py; the helpers
here (requests made over the API, the workflow's clock) are shared with it.
"""
import io
from datetime import datetime, time, timedelta

import pytest
from helpers import (
    api_token,
    make_pdf,
    office_day,
    stored_counts,
    submit_loan,
    take,
    today,
)

from app.domain import submission, workflow
from app.domain.refusals import ScheduleConflict
from app.models import LoanRequest, Room
from app.platform.extensions import db
from app.platform.timeutil import from_local

API = "/api/v1/loans"
ACTIONS = sorted(workflow.TRANSITIONS)


# ---------------------------------------------------------------- helpers


def room():
    return db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()


def wib(day, hour, minute=0):
    """Wall-clock WIB as the API is given it: ISO 8601 without an offset."""
    return datetime.combine(day, time(hour, minute)).isoformat()


def request_body(day, start=(9, 0), end=(12, 0), **changes):
    """A valid new request for ``day`` (times without an offset: WIB)."""
    body = {
        "room_id": room().id, "kind": "peminjaman", "title": "Rapat lewat API",
        "description": "Diajukan lewat REST API.", "participants": 15,
        "letter_number": "005/API/2026", "letter_date": today().isoformat(),
        "subject": "Permohonan peminjaman ruang", "contact_name": "Kontak API",
        "contact_phone": "0812-3333-4444", "no_buffet_pledge": True,
        "sessions": [{"starts_at": wib(day, *start), "ends_at": wib(day, *end)}],
    }
    body.update(changes)
    return body


def create(client, headers, day, **changes):
    response = client.post(f"{API}/", json=request_body(day, **changes),
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["result"]


def step(client, headers, loan_id, action, **body):
    return client.post(f"{API}/{loan_id}/{action}", json=body, headers=headers)


def checklist(loan_id):
    loan = db.session.get(LoanRequest, loan_id)
    return [{"equipment_id": item.id, "ready": True} for item in loan.room.equipment]


def step_body(action, loan_id, day=None):
    """What a person taking ``action`` sends (as app.demo.step_details)."""
    return {
        "dispose": {"instruction": "follow_up", "nature": "segera",
                    "note": "Mohon dikoordinasikan."},
        "confirm": {"no_buffet_pledge": True},
        "propose_reschedule": {"sessions": [
            {"starts_at": wib(day, 13), "ends_at": wib(day, 14)}]} if day else {},
        "reject": {"reason": "Ruang dipakai kegiatan Wali Kota."},
        "cancel": {"reason": "Kegiatan ditunda."},
        "decline_reschedule": {"reason": "Jadwal usulan tidak cocok."},
        "prepare": {"checklist": checklist(loan_id)},
        "complete": {"checklist": checklist(loan_id), "actual_participants": 12,
                     "outcome_notes": "Berjalan lancar."},
    }.get(action, {})


def ok(response, status):
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["result"]
    assert result["status"] == status
    return result


@pytest.fixture
def tokens(client):
    return {name: api_token(client, name)
            for name in ("kabid", "kasi", "adminpc", "peminjam1", "peminjam2", "admin")}


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` sets the workflow's "now" (an aware datetime): the
    event's day comes without waiting for it."""
    def set_now(moment):
        monkeypatch.setattr(workflow, "utcnow", lambda: moment)
    return set_now


def status_of(loan_id):
    db.session.expire_all()
    return db.session.get(LoanRequest, loan_id).status


# ---------------------------------------------------------------- 401


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sampah"},
                                     {"Authorization": "Bearer a.b.c"},
                                     {"Authorization": "Token xyz"}],
                         ids=["none", "garbage", "bad-jwt", "wrong-scheme"])
def test_no_valid_token_is_401_in_indonesian(client, headers):
    loan = submit_loan("peminjam1")
    before = stored_counts()
    for method, url in [("get", f"{API}/"), ("get", f"{API}/{loan.id}"),
                        ("post", f"{API}/"), ("post", f"{API}/{loan.id}/dispose"),
                        ("get", f"{API}/{loan.id}/letter"),
                        ("get", f"{API}/{loan.id}/confirmation.pdf")]:
        response = getattr(client, method)(url, json={}, headers=headers)
        assert response.status_code == 401, (method, url)
        assert response.get_json() == {
            "message": "Silakan masuk dulu: token tidak ada atau tidak sah."}
    assert stored_counts() == before


# ---------------------------------------------------------------- 403


def test_a_role_that_may_not_is_403(client, tokens):
    loan = submit_loan("peminjam1")
    before = stored_counts()
    # Only a borrower submits.
    response = client.post(f"{API}/", json=request_body(office_day(30)),
                           headers=tokens["kabid"])
    assert response.status_code == 403
    assert response.get_json()["message"] == (
        "Anda tidak memiliki akses ke halaman atau aksi ini.")
    # A step of another role.
    for username, action in [("kasi", "dispose"), ("peminjam1", "dispose"),
                             ("adminpc", "confirm"), ("kabid", "schedule"),
                             ("admin", "dispose"), ("kasi", "accept_reschedule")]:
        response = step(client, tokens[username], loan.id, action,
                        **step_body(action, loan.id))
        assert response.status_code == 403, (username, action)
    # Staff do not send a borrower's letter.
    response = client.post(f"{API}/{loan.id}/letter", headers=tokens["kasi"],
                           data={"letter": (io.BytesIO(make_pdf()), "s.pdf")})
    assert response.status_code == 403
    assert stored_counts() == before and status_of(loan.id) == "submitted"


# ---------------------------------------------------------------- 404


def other_borrowers_endpoints(loan_id):
    calls = [("get", f"{API}/{loan_id}", {}),
             ("get", f"{API}/{loan_id}/letter", {}),
             ("post", f"{API}/{loan_id}/letter",
              {"data": {"letter": (io.BytesIO(make_pdf()), "s.pdf")}}),
             ("get", f"{API}/{loan_id}/confirmation.pdf", {}),
             ("get", f"{API}/{loan_id}/disposition.pdf", {})]
    calls += [("post", f"{API}/{loan_id}/{action}",
               {"json": {"reason": "bukan milik saya", "no_buffet_pledge": True}})
              for action in ACTIONS]
    return calls


def test_another_borrowers_request_is_404_on_every_endpoint(client, tokens):
    theirs = submit_loan("peminjam1")
    take(theirs, "dispose")
    take(theirs, "confirm")
    db.session.commit()  # confirmed: its letter and both documents exist
    owner = tokens["peminjam1"]
    response = client.get(f"{API}/{theirs.id}/confirmation.pdf", headers=owner)
    assert response.status_code == 200, response.get_data(as_text=True)
    before = stored_counts()
    letter_file = theirs.letter_file
    for method, url, extra in other_borrowers_endpoints(theirs.id):
        response = getattr(client, method)(url, headers=tokens["peminjam2"], **extra)
        assert response.status_code == 404, (method, url, response.get_json())
        assert response.get_json()["message"].startswith("Halaman atau data")
    assert stored_counts() == before
    db.session.expire_all()
    assert status_of(theirs.id) == "confirmed"
    assert db.session.get(LoanRequest, theirs.id).letter_file == letter_file
    # Nor does it show in the other borrower's list, even filtered for.
    listing = client.get(f"{API}/", headers=tokens["peminjam2"],
                         query_string={"q": f"(filters:!((col:title,opr:eq,value:'{theirs.title}')))"})
    assert listing.status_code == 200 and listing.get_json()["count"] == 0


def test_unknown_ids_and_actions_are_404(client, tokens):
    loan = submit_loan("peminjam1")
    headers = tokens["kabid"]
    for url in [f"{API}/999999", f"{API}/99999999999999999999", f"{API}/0"]:
        assert client.get(url, headers=headers).status_code == 404
    for action in ("approve", "delete", "DISPOSE", "dispose_x"):
        response = client.post(f"{API}/{loan.id}/{action}", json={}, headers=headers)
        assert response.status_code == 404, action
        assert "message" in response.get_json()
    assert status_of(loan.id) == "submitted"


def _user(username):
    from helpers import user
    return user(username)


# ---------------------------------------------------------------- 409


def test_a_step_from_the_wrong_state_is_409_invalid_transition(client, tokens):
    loan = submit_loan("peminjam1")
    response = step(client, tokens["kasi"], loan.id, "confirm", no_buffet_pledge=True)
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "invalid_transition"
    assert body["message"] == ("Langkah ini tidak dapat dilakukan selama permohonan "
                               "berstatus Diajukan.")
    assert body["conflicts"] == [] and body["suggestions"] == []
    assert status_of(loan.id) == "submitted"
    # The documents wait for their state too.
    response = client.get(f"{API}/{loan.id}/confirmation.pdf", headers=tokens["kasi"])
    assert response.status_code == 409
    assert response.get_json()["code"] == "invalid_transition"


def _is_free(suggestion, taken_start, taken_end, buffer):
    start = datetime.fromisoformat(suggestion["starts_at"])
    end = datetime.fromisoformat(suggestion["ends_at"])
    return end + buffer <= taken_start or taken_end + buffer <= start


def test_two_borrowers_asking_one_slot_get_409_schedule_conflict(client, tokens):
    """The first borrower's request is confirmed; the second borrower asking
    the same slot gets 409 with the taken time and free alternatives."""
    day = office_day(30)
    first = create(client, tokens["peminjam1"], day)
    # A second request for the slot while the first is pending is accepted
    # (the Kasi decides), then refused at confirmation.
    pending = create(client, tokens["peminjam2"], day, start=(10, 0), end=(11, 0))
    ok(step(client, tokens["kabid"], first["id"], "dispose",
            **step_body("dispose", first["id"])), "disposed")
    ok(step(client, tokens["kasi"], first["id"], "confirm", no_buffet_pledge=True),
       "confirmed")

    before = stored_counts()
    response = client.post(f"{API}/", json=request_body(day), headers=tokens["peminjam2"])
    assert response.status_code == 409, response.get_json()
    body = response.get_json()
    assert body["code"] == "schedule_conflict"
    assert body["message"].startswith("Ruang sudah dipesan pada waktu tersebut: ")
    assert body["conflicts"] == [{"starts_at": f"{day}T09:00:00+07:00",
                                  "ends_at": f"{day}T12:00:00+07:00"}]
    assert len(body["suggestions"]) >= 1
    buffer = timedelta(minutes=room().prep_buffer_minutes)
    taken = (datetime.fromisoformat(f"{day}T09:00:00+07:00"),
             datetime.fromisoformat(f"{day}T12:00:00+07:00"))
    for suggestion in body["suggestions"]:
        assert suggestion["starts_at"].endswith("+07:00")
        start = datetime.fromisoformat(suggestion["starts_at"])
        end = datetime.fromisoformat(suggestion["ends_at"])
        assert end - start == timedelta(hours=3)  # the same length
        assert _is_free(suggestion, *taken, buffer)
        assert suggestion["sessions"] == [{"starts_at": suggestion["starts_at"],
                                           "ends_at": suggestion["ends_at"]}]
    assert stored_counts() == before  # nothing stored

    # The pending request meets the confirmed one when the Kasi confirms it.
    ok(step(client, tokens["kabid"], pending["id"], "dispose",
            **step_body("dispose", pending["id"])), "disposed")
    response = step(client, tokens["kasi"], pending["id"], "confirm",
                    no_buffet_pledge=True)
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "schedule_conflict"
    assert body["conflicts"] == [{"starts_at": f"{day}T09:00:00+07:00",
                                  "ends_at": f"{day}T12:00:00+07:00"}]
    assert body["suggestions"] and all(
        _is_free(s, *taken, buffer) for s in body["suggestions"])
    assert status_of(pending["id"]) == "disposed"
    # One suggestion proposed as it is: the room is held for the borrower.
    offer = body["suggestions"][0]["sessions"]
    ok(step(client, tokens["kasi"], pending["id"], "propose_reschedule",
            sessions=offer), "reschedule_proposed")


def spy(monkeypatch, module, name):
    """Record what ``module.name`` raises while the API calls it."""
    raised = []
    original = getattr(module, name)

    def recording(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except Exception as error:
            raised.append(error)
            raise

    monkeypatch.setattr(module, name, recording)
    return raised


def test_a_409_body_is_the_domains_conflict_as_data(client, tokens, monkeypatch):
    """The times taken and the suggestions come from the ScheduleConflict the
    domain raised (never read back out of a message, nor looked up again)."""
    day = office_day(30)
    holder = create(client, tokens["peminjam1"], day)
    waiting = create(client, tokens["peminjam2"], day, start=(10, 0), end=(11, 0))
    for loan in (holder, waiting):
        ok(step(client, tokens["kabid"], loan["id"], "dispose",
                **step_body("dispose", loan["id"])), "disposed")
    ok(step(client, tokens["kasi"], holder["id"], "confirm", no_buffet_pledge=True),
       "confirmed")

    applied = spy(monkeypatch, workflow, "apply")
    response = step(client, tokens["kasi"], waiting["id"], "confirm",
                    no_buffet_pledge=True)
    assert response.status_code == 409
    [conflict] = applied
    assert isinstance(conflict, ScheduleConflict)
    body = response.get_json()
    assert body["code"] == "schedule_conflict"
    assert [(datetime.fromisoformat(c["starts_at"]), datetime.fromisoformat(c["ends_at"]))
            for c in body["conflicts"]] == conflict.clashes
    assert [[(datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"]))
             for s in suggestion["sessions"]] for suggestion in body["suggestions"]
            ] == conflict.suggestions
    assert conflict.suggestions  # there are free times to offer

    submitted = spy(monkeypatch, submission, "submit")
    response = client.post(f"{API}/", json=request_body(day), headers=tokens["peminjam2"])
    assert response.status_code == 409
    [conflict] = submitted
    assert isinstance(conflict, ScheduleConflict)
    body = response.get_json()
    assert len(body["conflicts"]) == len(conflict.clashes) == 1
    assert len(body["suggestions"]) == len(conflict.suggestions) >= 1


# ---------------------------------------------------------------- 400 and 422


def test_invalid_input_is_422_per_field_and_stores_nothing(client, tokens):
    before = stored_counts()
    day = office_day(30)
    response = client.post(f"{API}/", headers=tokens["peminjam1"], json=request_body(
        day, title="", kind="pesta", participants=-3, letter_date="31-12-2026",
        no_buffet_pledge=False, room_id=10**30,
        sessions=[{"starts_at": wib(day, 12), "ends_at": wib(day, 9)}]))
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "Data yang dikirim tidak sah."
    errors = body["errors"]
    assert errors["title"] == ["Kolom ini wajib diisi."]
    assert set(errors) >= {"title", "kind", "participants", "letter_date",
                           "no_buffet_pledge", "room_id", "sessions"}
    assert all(isinstance(m, str) and m for ms in errors.values() for m in ms)
    assert stored_counts() == before


@pytest.mark.parametrize("changes,field", [
    ({"participants": 10**40}, "participants"),
    ({"participants": "lima"}, "participants"),
    ({"participants": 1.5}, "participants"),
    ({"title": ["a"]}, "title"),
    ({"title": "x" * 5000}, "title"),
    ({"sessions": "besok"}, "sessions"),
    ({"sessions": []}, "sessions"),
    ({"sessions": [{"starts_at": "99999-01-01T09:00", "ends_at": "x"}]}, "sessions"),
    ({"sessions": [{"starts_at": "2026-02-30T09:00", "ends_at": "2026-02-30T10:00"}]},
     "sessions"),
    ({"sessions": [{"starts_at": 5, "ends_at": None}]}, "sessions"),
    ({"sessions": [1, 2]}, "sessions"),
    ({"letter_date": 20261201}, "letter_date"),
    ({"letter_date": "0001-01-01"}, "letter_date"),
    ({"equipment_ids": ["x"]}, "equipment_ids"),
    ({"room_id": "1"}, "room_id"),
    ({"kind": None}, "kind"),
])
def test_wrong_types_and_huge_values_are_422_never_500(client, tokens, changes, field):
    before = stored_counts()
    response = client.post(f"{API}/", headers=tokens["peminjam1"],
                           json=request_body(office_day(30), **changes))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert stored_counts() == before


@pytest.mark.parametrize("data,content_type", [
    (b"{not json", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'"text"', "application/json"),
    (b"\xff\xfe", "application/json"),
    (b"title=x", "application/x-www-form-urlencoded"),
    (b"[" * 100000, "application/json"),
    (b'{"a":' * 50000, "application/json"),
    (b"[" * 950 + b"]" * 950, "application/json"),
])
def test_a_body_that_is_not_a_json_object_is_400(client, tokens, data, content_type):
    loan = submit_loan("peminjam1")
    for url, who in [(f"{API}/", "peminjam1"), (f"{API}/{loan.id}/dispose", "kabid")]:
        response = client.post(url, data=data, content_type=content_type,
                               headers=tokens[who])
        assert response.status_code == 400, (url, response.get_json())
        assert response.get_json() == {
            "message": "Isi permintaan harus berupa objek JSON."}
    assert status_of(loan.id) == "submitted"


def test_a_steps_own_fields_are_422_per_field(client, tokens):
    loan = submit_loan("peminjam1")
    response = step(client, tokens["kabid"], loan.id, "dispose",
                    instruction="terserah", nature=7)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "instruction": ["Pilih isi disposisi."],
        "nature": ["Pilih sifat disposisi."],
    }
    response = step(client, tokens["kabid"], loan.id, "reject", reason="  ")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"reason": ["Silakan isi alasannya."]}
    assert status_of(loan.id) == "submitted"
    ok(step(client, tokens["kabid"], loan.id, "dispose", instruction="process"),
       "disposed")
    response = step(client, tokens["kasi"], loan.id, "confirm", no_buffet_pledge="ya")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["no_buffet_pledge"]
    for sessions in ([], [{"starts_at": "kemarin"}], None):
        response = step(client, tokens["kasi"], loan.id, "propose_reschedule",
                        sessions=sessions)
        assert response.status_code == 422
        assert list(response.get_json()["errors"]) == ["sessions"]
    # A proposal on a Sunday breaks a rule of the schedule: said at the field.
    sunday = office_day(30)
    sunday += timedelta(days=6 - sunday.weekday())
    response = step(client, tokens["kasi"], loan.id, "propose_reschedule",
                    sessions=[{"starts_at": wib(sunday, 9), "ends_at": wib(sunday, 10)}])
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["sessions"]
    assert status_of(loan.id) == "disposed"


def test_a_checklist_must_cover_the_rooms_equipment(client, tokens, clock):
    loan = submit_loan("peminjam1")
    for action, who in [("dispose", "kabid"), ("confirm", "kasi"),
                        ("schedule", "adminpc")]:
        ok(step(client, tokens[who], loan.id, action, **step_body(action, loan.id)),
           workflow.TRANSITIONS[action].target)
    clock(loan.sessions[0].starts_at - timedelta(minutes=30))
    items = checklist(loan.id)
    assert len(items) >= 2
    for bad in (items[:1], items + items[:1], "semua siap", [{"equipment_id": "x"}],
                [dict(items[0], ready=False)] + items[1:]):
        response = step(client, tokens["adminpc"], loan.id, "prepare", checklist=bad)
        assert response.status_code == 422, bad
        assert list(response.get_json()["errors"]) == ["checklist"]
    assert status_of(loan.id) == "scheduled"


def test_the_letter_must_be_a_pdf(client, tokens):
    loan = create(client, tokens["peminjam1"], office_day(30))
    for data in (b"", b"%PDF-1.4 rusak", b"<html>bukan pdf</html>"):
        response = client.post(f"{API}/{loan['id']}/letter", headers=tokens["peminjam1"],
                               data={"letter": (io.BytesIO(data), "surat.pdf")})
        assert response.status_code == 422
        assert list(response.get_json()["errors"]) == ["letter"]
    response = client.post(f"{API}/{loan['id']}/letter", headers=tokens["peminjam1"],
                           data={"lain": "x"})
    assert response.status_code == 422
    assert client.get(f"{API}/{loan['id']}/letter",
                      headers=tokens["kasi"]).status_code == 404  # none sent yet


# ---------------------------------------------------------------- times


def test_times_go_out_in_wib_and_naive_input_is_wib(client, tokens):
    day = office_day(30)
    other = office_day(33)
    # Without an offset: WIB. With one: converted (01:00Z is 08:00 WIB).
    loan = create(client, tokens["peminjam1"], day, sessions=[
        {"starts_at": wib(day, 9), "ends_at": wib(day, 11)},
        {"starts_at": f"{other}T01:00:00Z", "ends_at": f"{other}T03:30:00+00:00"}])
    assert loan["sessions"] == [
        {"starts_at": f"{day}T09:00:00+07:00", "ends_at": f"{day}T11:00:00+07:00"},
        {"starts_at": f"{other}T08:00:00+07:00", "ends_at": f"{other}T10:30:00+07:00"}]
    stored = db.session.get(LoanRequest, loan["id"])
    assert stored.sessions[0].starts_at == from_local(datetime.combine(day, time(9)))
    assert loan["created_at"].endswith("+07:00")
    assert all(h["at"].endswith("+07:00") for h in loan["history"])
    listing = client.get(f"{API}/", headers=tokens["peminjam1"]).get_json()
    mine = next(r for r in listing["result"] if r["id"] == loan["id"])
    assert mine["created_at"].endswith("+07:00")
    assert mine["sessions"][0]["starts_at"] == f"{day}T09:00:00+07:00"
    # Even when the client picks the columns.
    picked = client.get(f"{API}/", headers=tokens["peminjam1"], query_string={
        "q": "(columns:!(id,created_at),order_column:id,order_direction:desc)"})
    assert picked.status_code == 200
    first = picked.get_json()["result"][0]
    assert set(first) == {"id", "created_at"} and first["created_at"].endswith("+07:00")


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("q", ["(page_size:satu)", "(order_direction:menyamping)",
                               "(filters:!((col:title)))", "(keys:!(rahasia))"])
def test_list_arguments_outside_their_schema_are_400_every_time(client, tokens, q):
    for _ in range(2):  # the schema's validator is kept: it refuses again
        response = client.get(f"{API}/", headers=tokens["kasi"], query_string={"q": q})
        assert response.status_code == 400, response.get_data(as_text=True)
        assert "argumennya tidak sah" in response.get_json()["message"]
    good = client.get(f"{API}/", headers=tokens["kasi"],
                      query_string={"q": "(page_size:2,order_direction:asc)"})
    assert good.status_code == 200 and len(good.get_json()["result"]) == 2


def test_a_borrower_lists_only_their_own_with_filters_order_and_paging(client, tokens):
    mine = [create(client, tokens["peminjam1"], office_day(30 + n),
                   title=f"Rapat API {n}")["id"] for n in range(3)]
    own_ids = {loan.id for loan in db.session.query(LoanRequest).filter_by(
        borrower_id=_user("peminjam1").id)}
    listing = client.get(f"{API}/", headers=tokens["peminjam1"],
                         query_string={"q": "(page_size:100)"}).get_json()
    assert set(listing["ids"]) == own_ids and listing["count"] == len(own_ids)
    staff = client.get(f"{API}/", headers=tokens["kasi"],
                       query_string={"q": "(page_size:100)"}).get_json()
    assert staff["count"] == db.session.query(LoanRequest).count()
    page = client.get(f"{API}/", headers=tokens["peminjam1"], query_string={
        "q": "(filters:!((col:title,opr:sw,value:'Rapat API')),order_column:id,"
             "order_direction:asc,page:1,page_size:1)"}).get_json()
    assert page["count"] == 3 and page["ids"] == [mine[1]]
    assert page["result"][0]["status"] == "submitted"
    assert page["result"][0]["status_label"] == "Diajukan"
    bad = client.get(f"{API}/", headers=tokens["peminjam1"],
                     query_string={"q": "(order_column:borrower_id)"})
    assert bad.status_code == 400
    for q in ("(((", "(page:99999999999999999999,page_size:5)", "!(", "(page:'x')"):
        response = client.get(f"{API}/", headers=tokens["peminjam1"],
                              query_string={"q": q})
        assert response.status_code == 400, q
        assert response.get_json()["message"] == (
            "Permintaan tidak dapat diproses: argumennya tidak sah.")
    # A value the database cannot compare: SQLite compares it as text.
    response = client.get(f"{API}/", headers=tokens["peminjam1"], query_string={
        "q": "(filters:!((col:created_at,opr:gt,value:abc)))"})
    assert response.status_code in (200, 400)


def test_one_request_shows_status_sessions_history_and_allowed_actions(client, tokens):
    loan = create(client, tokens["peminjam1"], office_day(30))
    assert loan["status"] == "submitted" and loan["status_label"] == "Diajukan"
    assert loan["allowed_actions"] == ["cancel"]
    assert [h["action"] for h in loan["history"]] == ["submit"]
    assert loan["history"][0]["step"] == "Permohonan diajukan"
    kabid = client.get(f"{API}/{loan['id']}", headers=tokens["kabid"]).get_json()
    assert kabid["result"]["allowed_actions"] == ["dispose", "reject", "cancel"]
    adminpc = client.get(f"{API}/{loan['id']}", headers=tokens["adminpc"]).get_json()
    assert adminpc["result"]["allowed_actions"] == []


# ---------------------------------------------------------------- OpenAPI


def test_every_endpoint_is_in_the_openapi_document(client, tokens):
    response = client.get("/api/v1/_openapi", headers=tokens["peminjam1"])
    assert response.status_code == 200
    spec = response.get_json()
    paths = spec["paths"]
    expected = {
        "/api/v1/loans/": {"get", "post"},
        "/api/v1/loans/{pk}": {"get"},
        "/api/v1/loans/{pk}/letter": {"get", "post"},
        "/api/v1/loans/{pk}/confirmation.pdf": {"get"},
        "/api/v1/loans/{pk}/disposition.pdf": {"get"},
        **{f"/api/v1/loans/{{pk}}/{action}": {"post"} for action in ACTIONS},
    }
    for path, methods in expected.items():
        assert set(paths[path]) >= methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation["security"]
            if path != "/api/v1/loans/":  # FAB's list: 200, 400, 401, 422
                assert {"401", "403", "404"} <= set(operation["responses"]), path
    assert "put" not in paths["/api/v1/loans/{pk}"]
    dispose = paths["/api/v1/loans/{pk}/dispose"]["post"]
    assert {"409", "422"} <= set(dispose["responses"])
    schema_ref = dispose["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schemas = spec["components"]["schemas"]
    body = schemas[schema_ref.rsplit("/", 1)[1]]
    assert set(body["required"]) == {"instruction"}
    conflict = spec["components"]["responses"]["409"]
    conflict_schema = conflict["content"]["application/json"]["schema"]["$ref"]
    assert set(schemas[conflict_schema.rsplit("/", 1)[1]]["properties"]) == {
        "message", "code", "conflicts", "suggestions"}
    # Every reference resolves.
    import re
    text = response.get_data(as_text=True)
    for kind, name in re.findall(r'"\$ref": ?"#/components/(\w+)/([^"]+)"', text):
        assert name in spec["components"][kind], name


def test_info_describes_filters_and_permissions(client, tokens):
    for keys in ("", "(keys:!(add_columns))", "(keys:!(permissions,edit_columns))"):
        response = client.get(f"{API}/_info", headers=tokens["peminjam1"],
                              query_string={"q": keys} if keys else {})
        assert response.status_code == 200, keys
        assert "add_columns" not in response.get_json()
    body = client.get(f"{API}/_info", headers=tokens["peminjam1"]).get_json()
    assert "can_post" in body["permissions"] and "title" in body["filters"]
    kasi = client.get(f"{API}/_info", headers=tokens["kasi"]).get_json()
    assert "can_post" not in kasi["permissions"] and "can_step" in kasi["permissions"]
