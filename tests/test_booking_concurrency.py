"""No double booking, ever: under concurrent confirmations, and in the database itself.

The concurrency tests run on whichever database the suite runs on: the SQLite
file, or PostgreSQL when TEST_DATABASE_URL is set. In the first ones each
thread has its own app context, hence its own database session and
connection; the last ones race HTTP requests through gunicorn with four
worker processes (bench/gunicorn_live.py), as production runs.
"""
import json
import os
import sys
import threading
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from helpers import PASSWORD, office_day, office_days, submit_loan, take, user
from sqlalchemy.exc import IntegrityError

from app import PROJECT_DIR
from app.domain import workflow
from app.domain.refusals import ScheduleConflict
from app.domain.step_inputs import ConfirmInput
from app.models import LoanRequest, LoanSession, LoanStatus, Room, StatusHistory
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local

sys.path.insert(0, os.path.join(PROJECT_DIR, "bench"))
from gunicorn_live import Browser, Server, app_env  # noqa: E402

THREADS = 24
CONFLICT_ID = "Ruang sudah dipesan pada waktu tersebut"

# Occupying sessions of different requests in one room whose spans
# [starts_at, blocked_until) meet: there must never be any.
OVERLAPS = sa.text("""
    SELECT a.id, b.id FROM loan_session AS a
    JOIN loan_session AS b
      ON a.room_id = b.room_id AND a.loan_id <> b.loan_id AND a.id < b.id
    WHERE a.occupying AND b.occupying
      AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until
""")


def overlapping_pairs():
    return db.session.execute(OVERLAPS).all()


def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


def first_room():
    return db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()


def disposed_request(username, sessions, title, room=None):
    """A request of ``username`` for ``sessions``, disposed by the Kabid (committed)."""
    loan = submit_loan(username, title=title, sessions=sessions, room=room)
    take(loan, "dispose")
    db.session.commit()
    return loan


def confirmed_request(username, sessions, title, room=None):
    loan = disposed_request(username, sessions, title, room=room)
    take(loan, "confirm")
    db.session.commit()
    return loan


def expected_conflict(app):
    with app.test_request_context("/"):
        return gettext("The room is already booked at that time.")


def race_confirmations(app, ids):
    """The Kasi confirms each request from its own thread, all at once.

    Returns {id: "confirmed" | the refusal's text | an unexpected error}.
    """
    db.session.remove()  # this thread holds no connection or lock meanwhile
    barrier = threading.Barrier(len(ids))
    outcomes = {}

    def confirm(loan_id):
        with app.app_context(), force_locale("id"):
            try:
                loan = db.session.get(LoanRequest, loan_id)
                kasi = user("kasi")
                list(loan.sessions)  # loaded before the race, as a page would
                db.session.commit()  # and no transaction is left open
                barrier.wait(timeout=60)
                try:
                    workflow.apply(loan, "confirm", kasi,
                                   ConfirmInput(no_buffet_checked=True))
                    db.session.commit()
                    outcomes[loan_id] = "confirmed"
                except ScheduleConflict as error:
                    db.session.rollback()
                    outcomes[loan_id] = str(error)
            except Exception as error:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                outcomes[loan_id] = error

    run_together(confirm, [(i,) for i in ids], "a confirmation")
    return outcomes


def run_together(target, arguments, what):
    """``target(*a)`` for each of ``arguments``, each in its own thread."""
    threads = [threading.Thread(target=target, args=a) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), f"{what} hung"


# ---------------------------------------------------------------- concurrency

def test_concurrent_confirmations_book_the_room_once(app):
    room = first_room()
    day = office_day(35)
    # Every pair overlaps: starts 08.00, 08.04, ... and each lasts three hours.
    loans = [
        disposed_request(
            ("peminjam1", "peminjam2")[n % 2],
            [(at(day, 8, 0) + timedelta(minutes=4 * n),
              at(day, 11, 0) + timedelta(minutes=4 * n))],
            title=f"Rapat serentak {n}", room=room)
        for n in range(THREADS)
    ]
    ids = [loan.id for loan in loans]
    assert overlapping_pairs() == []
    outcomes = race_confirmations(app, ids)

    unexpected = {k: v for k, v in outcomes.items() if not isinstance(v, str)}
    assert unexpected == {}, f"errors other than a refusal: {unexpected!r}"
    winners = [k for k, v in outcomes.items() if v == "confirmed"]
    assert len(winners) == 1, outcomes
    refusals = [v for k, v in outcomes.items() if k not in winners]
    assert len(refusals) == THREADS - 1
    for text in refusals:
        assert text.startswith(CONFLICT_ID), text
    assert all(text.startswith(expected_conflict(app).rstrip(".")) for text in refusals)

    db.session.expire_all()
    statuses = {loan.id: loan.status for loan in
                db.session.query(LoanRequest).filter(LoanRequest.id.in_(ids))}
    assert statuses == {i: (LoanStatus.CONFIRMED if i in winners else LoanStatus.DISPOSED)
                        for i in ids}
    confirms = db.session.query(StatusHistory).filter(
        StatusHistory.loan_id.in_(ids), StatusHistory.action == "confirm").all()
    assert [h.loan_id for h in confirms] == winners
    occupying = db.session.query(LoanSession).filter(
        LoanSession.loan_id.in_(ids), LoanSession.occupying.is_(True)).all()
    assert [s.loan_id for s in occupying] == winners
    assert overlapping_pairs() == []


def test_concurrent_confirmations_of_free_slots_all_succeed(app):
    """The room lock serialises bookings without refusing those that fit."""
    room = first_room()
    day = office_day(35)
    count = 6
    loans = [
        disposed_request("peminjam1", [(at(day, 8) + timedelta(hours=n),
                                        at(day, 8, 30) + timedelta(hours=n))],
                         title=f"Rapat singkat {n}", room=room)
        for n in range(count)
    ]
    outcomes = race_confirmations(app, [loan.id for loan in loans])
    assert outcomes == {loan.id: "confirmed" for loan in loans}
    assert overlapping_pairs() == []


# ---------------------------------------------------------------- the database itself

@pytest.fixture
def booked(app):
    """A confirmed request 09.00-12.00 (buffer 30 minutes) and a disposed one."""
    room = first_room()
    assert room.prep_buffer_minutes == 30
    day = office_day(28)
    holder = confirmed_request("peminjam1", [(at(day, 9), at(day, 12))], "Pemegang",
                               room=room)
    other = disposed_request("peminjam2", [(at(day, 13), at(day, 14))], "Lainnya",
                             room=room)
    return {"room": room, "day": day, "holder": holder, "other": other}


def raw_session(loan, starts_at, ends_at, blocked_until=None, occupying=True):
    """A session written straight to the database, past every check in Python."""
    return LoanSession(
        loan_id=loan.id, room_id=loan.room_id, starts_at=starts_at, ends_at=ends_at,
        blocked_until=blocked_until or ends_at, occupying=occupying, proposed=False,
    )


def refused_by_database(*sessions):
    db.session.add_all(sessions)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_database_refuses_an_overlapping_insert(booked):
    day, other = booked["day"], booked["other"]
    refused_by_database(raw_session(other, at(day, 11), at(day, 13)))
    # Inside, around, and touching the buffer's end from inside.
    refused_by_database(raw_session(other, at(day, 10), at(day, 11)))
    refused_by_database(raw_session(other, at(day, 8), at(day, 13)))
    refused_by_database(raw_session(other, at(day, 12, 29), at(day, 13)))
    # Before the booking, whose own buffer reaches into it.
    refused_by_database(raw_session(other, at(day, 8), at(day, 8, 45),
                                    blocked_until=at(day, 9, 15)))
    assert overlapping_pairs() == []


def test_database_refuses_an_update_into_an_overlap(booked):
    day, other = booked["day"], booked["other"]
    session = other.sessions[0]

    # Holding the room where the other booking is.
    session.starts_at, session.ends_at = at(day, 10), at(day, 11)
    session.blocked_until = at(day, 11, 30)
    db.session.flush()  # not occupying: fine
    session.occupying = True
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

    # An occupying session moved into the other booking.
    session = db.session.get(LoanSession, other.sessions[0].id)
    session.occupying = True
    db.session.flush()  # 13.00-14.00 does not meet 09.00-12.30
    session.starts_at = at(day, 12)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

    # Lengthening the holder's buffer into the other's occupying session.
    session = db.session.get(LoanSession, other.sessions[0].id)
    session.occupying = True
    db.session.commit()
    held = db.session.get(LoanSession, booked["holder"].sessions[0].id)
    held.blocked_until = at(day, 13, 1)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert overlapping_pairs() == []


def test_database_refuses_a_bulk_update_too(booked):
    """Not only the ORM: a plain UPDATE statement is refused as well."""
    day, other = booked["day"], booked["other"]
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.update(LoanSession).where(LoanSession.loan_id == other.id)
            .values(occupying=True, starts_at=at(day, 11, 0))
        )
    db.session.rollback()
    assert overlapping_pairs() == []


def test_a_requests_own_sessions_may_overlap(booked):
    day, holder = booked["day"], booked["holder"]
    db.session.add(raw_session(holder, at(day, 10), at(day, 14)))
    db.session.commit()
    assert len(db.session.query(LoanSession).filter_by(
        loan_id=holder.id, occupying=True).all()) == 2


def test_buffer_of_thirty_minutes_refuses_a_start_ten_minutes_after_the_end(booked):
    day, other = booked["day"], booked["other"]
    refused_by_database(raw_session(other, at(day, 12, 10), at(day, 13)))
    # At the buffer's end it fits.
    db.session.add(raw_session(other, at(day, 12, 30), at(day, 13)))
    db.session.commit()
    assert overlapping_pairs() == []


def test_zero_buffer_lets_the_end_touch_the_next_start(booked):
    day, holder, other = booked["day"], booked["holder"], booked["other"]
    held = holder.sessions[0]
    held.blocked_until = held.ends_at  # a room without preparation time
    db.session.commit()
    db.session.add(raw_session(other, at(day, 12), at(day, 13)))
    db.session.add(raw_session(other, at(day, 8), at(day, 9)))
    db.session.commit()
    refused_by_database(raw_session(other, at(day, 11, 59), at(day, 12, 30)))
    assert overlapping_pairs() == []


def test_other_rooms_and_pending_requests_do_not_clash(app, booked):
    day, other = booked["day"], booked["other"]
    second = Room(name="Ruang Kedua (uji)", capacity=30, prep_buffer_minutes=30)
    db.session.add(second)
    db.session.flush()
    moved = raw_session(other, at(day, 9), at(day, 12), blocked_until=at(day, 12, 30))
    moved.room_id = second.id
    db.session.add(moved)
    # Not occupying: a pending request may ask for the held slot.
    db.session.add(raw_session(other, at(day, 9), at(day, 12), occupying=False))
    db.session.commit()
    assert overlapping_pairs() == []


# ---------------------------------------------------------------- through the workflow

def test_confirming_into_the_buffer_is_refused_with_the_times(app):
    room, day = first_room(), office_day(28)
    holder = disposed_request("peminjam1", [(at(day, 9), at(day, 12))], "Pemegang",
                              room=room)
    # Submitted while the slot was only asked for, not held: accepted.
    late = disposed_request("peminjam2", [(at(day, 12, 10), at(day, 13))], "Terlambat",
                            room=room)
    take(holder, "confirm")
    db.session.commit()
    with app.test_request_context("/"), force_locale("id"):
        with pytest.raises(ScheduleConflict) as refused:
            take(late, "confirm")
        text = str(refused.value)
    db.session.rollback()
    assert text.startswith(CONFLICT_ID)
    assert "09.00–12.00 WIB" in text  # the time that is taken ...
    assert "Pemegang" not in text and "peminjam1" not in text  # ... not whose
    db.session.expire_all()
    assert db.session.get(LoanRequest, late.id).status == LoanStatus.DISPOSED


def test_confirming_next_to_a_room_without_buffer(app):
    room = first_room()
    room.prep_buffer_minutes = 0
    db.session.commit()
    day = office_day(28)
    confirmed_request("peminjam1", [(at(day, 9), at(day, 12))], "Pagi", room=room)
    after = confirmed_request("peminjam2", [(at(day, 12), at(day, 14))], "Siang",
                              room=room)
    assert after.status == LoanStatus.CONFIRMED
    assert overlapping_pairs() == []


# ---------------------------------------------------------------- a real server
# Found by an outside review on PostgreSQL: of 20 concurrent proposals for one
# slot, 18 ended in 500 (DeadlockDetected while locking the room's row), and
# two proposals for different slots of one room gave a 500 in 3 of 8 trials.
# A proposal wrote its sessions (whose foreign key share-locks the room's
# row) before it asked for the room's lock. Every command now takes the room
# first (app/domain/scheduling/occupancy.py), so each loser of a race gets
# the typed conflict: 409 over the API, never 500.

RACERS = 20


@pytest.fixture
def live(app, tmp_path):
    """The app under gunicorn, four worker processes, on the test's database."""
    db.session.remove()  # the test holds no connection while the server runs
    env = app_env(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_FOLDER"],
                  RATELIMIT_ENABLED="0")
    with Server(env, workers=4, threads=RACERS // 4 + 1,
                log_path=str(tmp_path / "gunicorn.log")) as server:
        server.log_path = tmp_path / "gunicorn.log"
        yield server


def api_token_of(server, username):
    response = Browser(server.port).request(
        "POST", "/api/v1/security/login", json.dumps(
            {"username": username, "password": PASSWORD, "provider": "db"}),
        {"Content-Type": "application/json"})
    assert response.status == 200, response.text
    return {"Authorization": f"Bearer {json.loads(response.body)['access_token']}",
            "Content-Type": "application/json"}


def race(server, calls):
    """Send ``calls`` ((path, headers, body), ...) all at once, each on its own
    connection; returns [(status, JSON body)] in the same order."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def send(n, path, headers, body):
        browser = Browser(server.port, timeout=120)
        barrier.wait(timeout=60)
        response = browser.request("POST", path, json.dumps(body), headers)
        try:
            answers[n] = (response.status, json.loads(response.body))
        except ValueError:
            answers[n] = (response.status, response.text[:300])

    run_together(send, [(n, *call) for n, call in enumerate(calls)], "a request")
    return answers


def wib(moment):
    return to_local(moment).isoformat()


def slot_json(start, end):
    return [{"starts_at": wib(start), "ends_at": wib(end)}]


def assert_one_winner(server, answers, winner_status):
    statuses = sorted(status for status, _ in answers)
    assert statuses == [winner_status] + [409] * (len(answers) - 1), (
        statuses, [body for status, body in answers if status not in (200, 201, 409)],
        server_errors(server))
    for status, body in answers:
        if status == 409:
            assert body["code"] == "schedule_conflict", body
            assert body["message"].startswith(CONFLICT_ID)
            assert len(body["conflicts"]) == 1
    db.session.expire_all()
    assert overlapping_pairs() == []


def server_errors(server):
    with open(server.log_path, encoding="utf-8", errors="replace") as log:
        return [line for line in log if "Error" in line or "Deadlock" in line][:10]


def disposed_requests(count, sessions, title):
    """``count`` requests of both borrowers for ``sessions``, disposed (committed)."""
    return [disposed_request(("peminjam1", "peminjam2")[n % 2], sessions,
                             f"{title} {n}").id
            for n in range(count)]


def kasi_race(live, ids, action, body):
    """The Kasi takes ``action`` with ``body`` on every request at once;
    returns how many requests it moved."""
    kasi = api_token_of(live, "kasi")
    answers = race(live, [(f"/api/v1/loans/{pk}/{action}", kasi, body) for pk in ids])
    assert_one_winner(live, answers, 200)
    target = workflow.TRANSITIONS[action].target
    return db.session.query(LoanRequest).filter(
        LoanRequest.id.in_(ids), LoanRequest.status == target).count()


def test_twenty_proposals_for_one_slot_one_wins_the_others_get_409(app, live):
    day, other_day = office_days(63, 2)
    ids = disposed_requests(RACERS, [(at(day, 9), at(day, 12))], "Usulan serentak")
    target = slot_json(at(other_day, 13), at(other_day, 15))
    assert kasi_race(live, ids, "propose_reschedule", {"sessions": target}) == 1


def test_twenty_confirmations_of_one_slot_one_wins_the_others_get_409(app, live):
    day = office_day(63)
    ids = [disposed_request(("peminjam1", "peminjam2")[n % 2],
                            [(at(day, 8) + timedelta(minutes=5 * n),
                              at(day, 11) + timedelta(minutes=5 * n))],
                            f"Konfirmasi serentak {n}").id
           for n in range(RACERS)]
    assert kasi_race(live, ids, "confirm", {"no_buffet_pledge": True}) == 1


def test_twenty_submissions_racing_a_confirmation_of_their_slot(app, live):
    """Submissions do not exclude each other (pending requests wait for the
    Kasi, the earlier first): each one is either stored before the slot is
    confirmed (201) or refused with the taken time (409), never a 500, and
    once the confirmation is committed the slot is refused."""
    day = office_day(63)
    slot = [(at(day, 9), at(day, 12))]
    [rival] = disposed_requests(1, slot, "Dikonfirmasi saat diajukan")
    before = db.session.query(LoanRequest).count()
    tokens = {name: api_token_of(live, name) for name in ("kasi", "peminjam1",
                                                          "peminjam2")}
    body = {"room_id": first_room().id, "kind": "peminjaman", "title": "Serbu",
            "participants": 10, "letter_number": "RACE/2026",
            "letter_date": day.isoformat(), "subject": "Permohonan",
            "contact_name": "Kontak", "contact_phone": "0812-0000-1111",
            "no_buffet_pledge": True, "sessions": slot_json(*slot[0])}
    calls = [("/api/v1/loans/", tokens[("peminjam1", "peminjam2")[n % 2]], body)
             for n in range(RACERS)]
    calls.insert(RACERS // 2, (f"/api/v1/loans/{rival}/confirm", tokens["kasi"],
                               {"no_buffet_pledge": True}))

    answers = race(live, calls)

    confirm_status, _ = answers.pop(RACERS // 2)
    assert confirm_status == 200, server_errors(live)
    statuses = [status for status, _ in answers]
    assert set(statuses) <= {201, 409}, (statuses, server_errors(live))
    for status, answer in answers:
        if status == 409:
            assert answer["code"] == "schedule_conflict"
            assert answer["conflicts"] == slot_json(*slot[0])
    db.session.expire_all()
    assert db.session.query(LoanRequest).count() == before + statuses.count(201)
    numbers = [a["result"]["registration_number"] for s, a in answers if s == 201]
    assert len(set(numbers)) == len(numbers)
    assert overlapping_pairs() == []
    late = race(live, [calls[0]])
    assert late[0][0] == 409


def test_two_proposals_for_different_slots_of_one_room_both_succeed(app, live):
    kasi = api_token_of(live, "kasi")
    days = office_days(63, 9)
    for trial, other_day in enumerate(days[1:]):
        ids = disposed_requests(2, [(at(days[0], 9), at(days[0], 12))],
                                f"Dua usulan {trial}")
        answers = race(live, [
            (f"/api/v1/loans/{ids[0]}/propose_reschedule", kasi,
             {"sessions": slot_json(at(other_day, 8), at(other_day, 10))}),
            (f"/api/v1/loans/{ids[1]}/propose_reschedule", kasi,
             {"sessions": slot_json(at(other_day, 13), at(other_day, 15))}),
        ])
        assert [status for status, _ in answers] == [200, 200], (
            trial, answers, server_errors(live))
    db.session.expire_all()
    assert overlapping_pairs() == []
