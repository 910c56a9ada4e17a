"""Every schedule rule, as the borrower meets it on the form, in Indonesian.

The borrower posts /loans/add; a request that breaks a rule is refused with
an inline message at the sessions (or participants, or pledge) field, and
nothing is stored. Dates are computed from today and from the ``holidays``
package, so the tests keep passing in later years.

The second part drives the workflow: a reschedule proposal holds its slot
until the borrower answers or the hold lapses.
"""
import re
from datetime import date, datetime, time, timedelta

import pytest
from flask_babel import force_locale, gettext
from helpers import (
    field_errors,
    lapsed_proposal_time,
    login,
    national_holidays,
    office_day,
    pdf_upload,
    post_loan_form,
    stored_counts,
    submit_loan,
    take,
    with_changes,
)
from markupsafe import escape

from app.domain import workflow
from app.domain.refusals import Refusal, ScheduleConflict
from app.domain.scheduling import occupancy
from app.domain.scheduling.booking import conflict
from app.models import (
    ClosedDate,
    LoanStatus,
    Room,
)
from app.platform.extensions import db
from app.platform.formatting import format_date, format_session
from app.platform.timeutil import from_local, to_local, utcnow

pytestmark = pytest.mark.date_sensitive

DAY = office_day(21)
SESSION = "Session %(number)d (%(time)s): %(problem)s"


# ---------------------------------------------------------------- helpers

def today():
    return to_local(utcnow()).date()


def local(day, hour, minute=0):
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def wall(day, hour, minute=0):
    """A time on the office's clock (naive local)."""
    return datetime.combine(day, time(hour, minute))


def at(day, hour, minute=0):
    return from_local(wall(day, hour, minute))


def room():
    return db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()


def form(**changes):
    """A valid submission for DAY 09.00-12.00; ``changes`` replace or (None) drop."""
    data = {
        "kind": "peminjaman",
        "room": str(room().id),
        "title": "Rapat Koordinasi Aturan Jadwal",
        "participants": "25",
        "sessions-start": [local(DAY, 9)],
        "sessions-end": [local(DAY, 12)],
        "letter_number": "400.3/777/Disdikbud/2026",
        "letter_date": today().isoformat(),
        "subject": "Permohonan Peminjaman Ruang Rapat Pontive Center",
        "letter": pdf_upload(),
        "contact_name": "Rina Wulandari",
        "contact_phone": "0812-5555-0101",
        "no_buffet_pledge": "y",
    }
    return with_changes(data, changes)


def sessions(*rows):
    """Form fields for sessions given as (start, end) "YYYY-MM-DDTHH:MM" texts."""
    return {"sessions-start": [s for s, _ in rows], "sessions-end": [e for _, e in rows]}










def indonesian(app, msgid, **values):
    """``msgid`` as an Indonesian user reads it."""
    with app.test_request_context("/"), force_locale("id"):
        rendered = gettext(msgid, **values)
    assert rendered != msgid % values if values else rendered != msgid, (
        f"not translated: {msgid}")
    return rendered


def session_message(app, number, starts, ends, problem, **values):
    """The message of rule ``problem`` for session ``number`` (local times)."""
    with app.test_request_context("/"), force_locale("id"):
        return gettext(SESSION, number=number,
                       time=format_session(from_local(starts), from_local(ends)),
                       problem=gettext(problem, **values))


def refused(client, changes, field="sessions"):
    """Post ``changes``; the form comes back with errors at ``field`` and
    nothing is stored. Returns that field's error text."""
    before = stored_counts()
    response = post_loan_form(client, form(**changes))
    assert response.status_code == 200, "the request was accepted"
    html = response.get_data(as_text=True)
    errors = field_errors(html, field)
    assert errors.strip(), f"no error shown at {field}"
    assert stored_counts() == before
    return errors


def accepted(client, changes):
    before = stored_counts()
    response = post_loan_form(client, form(**changes))
    assert response.status_code == 302, field_errors(
        response.get_data(as_text=True), "sessions")
    assert stored_counts()[0] == before[0] + 1
    return response


def shows(errors, message):
    return str(escape(message)) in errors


def closed_office_day(wanted, first_year=None, notice_days=3):
    """The first office day from ``notice_days`` on that is a national holiday
    whose name ``wanted`` accepts; its neighbouring open office days."""
    first = max(today() + timedelta(days=notice_days),
                date(first_year, 1, 1) if first_year else date.min)
    days = national_holidays(first - timedelta(days=14), first + timedelta(days=800))

    def open_office_day(day, step):
        while day.weekday() >= 5 or day in days:
            day += timedelta(days=step)
        return day

    for day in sorted(days):
        if day >= first and day.weekday() < 5 and wanted(days[day]):
            before = open_office_day(day - timedelta(days=1), -1)
            if before >= today() + timedelta(days=notice_days):
                return day, days[day], before, open_office_day(day + timedelta(days=1), 1)
    pytest.skip("no such holiday in the holidays package's tables")


def reach(app, monkeypatch, day):
    """Let the horizon reach ``day`` (the default 180 days may not)."""
    needed = (day - today()).days + 14
    if needed > app.config["BOOKING_MAX_HORIZON_DAYS"]:
        monkeypatch.setitem(app.config, "BOOKING_MAX_HORIZON_DAYS", needed)


# The form tests share one app and database (``module_app``): each compares
# counts before and after, and requests that only ask for a slot hold nothing.
# The workflow tests below get a database each (``app``).

@pytest.fixture(scope="module")
def borrower(module_app):
    return login(module_app.test_client(), "peminjam1")


@pytest.fixture
def office_hours(module_app, monkeypatch):
    monkeypatch.setitem(module_app.config, "OFFICE_DAYS", [0, 1, 2, 3, 4])
    monkeypatch.setitem(module_app.config, "OFFICE_HOURS_START", "07:30")
    monkeypatch.setitem(module_app.config, "OFFICE_HOURS_END", "16:00")


# ---------------------------------------------------------------- one rule each

def test_a_valid_request_is_accepted(borrower):
    accepted(borrower, {})


def test_end_before_start(module_app, borrower):
    errors = refused(borrower, sessions((local(DAY, 12), local(DAY, 9))))
    problem = indonesian(module_app, "The session must end after it starts.")
    message = indonesian(module_app, "Session %(number)d: %(message)s", number=1,
                         message=problem)
    assert shows(errors, message)
    assert "Waktu selesai sesi harus setelah waktu mulai." in errors


def test_not_an_office_day(module_app, borrower, office_hours):
    saturday = DAY + timedelta(days=(5 - DAY.weekday()) % 7)
    assert saturday.weekday() == 5
    errors = refused(borrower, sessions((local(saturday, 9), local(saturday, 12))))
    with module_app.test_request_context("/"), force_locale("id"):
        day_name = format_date(saturday)
    assert day_name.startswith("Sabtu, ")
    assert shows(errors, session_message(
        module_app, 1, wall(saturday, 9), wall(saturday, 12),
        "%(day)s is not an office day.", day=day_name))
    assert f"{day_name} bukan hari kerja kantor." in errors


@pytest.mark.parametrize("start, end", [((7, 0), (9, 0)), ((14, 0), (16, 30)),
                                        ((7, 29), (8, 0)), ((15, 0), (16, 1))],
                         ids=["07.00 start", "16.30 end", "07.29 start", "16.01 end"])
def test_outside_office_hours(module_app, borrower, office_hours, start, end):
    errors = refused(borrower, sessions((local(DAY, *start), local(DAY, *end))))
    assert shows(errors, session_message(
        module_app, 1, wall(DAY, *start), wall(DAY, *end),
        "it is outside office hours (%(start)s–%(end)s WIB).",
        start="07.30", end="16.00"))
    assert "di luar jam kantor (07.30–16.00 WIB)." in errors


@pytest.mark.parametrize("start, end", [((15, 59), (16, 0)), ((7, 30), (7, 31)),
                                        ((7, 30), (16, 0))],
                         ids=["last minute", "first minute", "whole day"])
def test_the_edges_of_office_hours_are_inside(borrower, office_hours, start, end):
    accepted(borrower, sessions((local(DAY, *start), local(DAY, *end))))


def test_national_holiday_is_named(module_app, borrower, monkeypatch):
    day, name, _, _ = closed_office_day(lambda n: not n.startswith("Cuti Bersama"))
    reach(module_app, monkeypatch, day)
    errors = refused(borrower, sessions((local(day, 9), local(day, 12))))
    assert shows(errors, session_message(
        module_app, 1, wall(day, 9), wall(day, 12),
        "it falls on a holiday: %(name)s.", name=name))
    assert f"jatuh pada hari libur: {escape(name)}." in errors


def test_cuti_bersama_is_named(module_app, borrower, monkeypatch):
    day, name, _, _ = closed_office_day(lambda n: n.startswith("Cuti Bersama"),
                                        first_year=2027)
    reach(module_app, monkeypatch, day)
    errors = refused(borrower, sessions((local(day, 8), local(day, 15))))
    assert f"jatuh pada hari libur: {escape(name)}." in errors
    assert "Cuti Bersama" in errors


def test_one_holiday_in_a_multi_day_request_names_only_that_session(
        module_app, borrower, monkeypatch):
    day, name, before, after = closed_office_day(lambda n: True)
    reach(module_app, monkeypatch, after)
    errors = refused(borrower, sessions(
        (local(before, 8), local(before, 16)),
        (local(day, 8), local(day, 16)),
        (local(after, 8), local(after, 16)),
    ))
    assert shows(errors, session_message(
        module_app, 2, wall(day, 8), wall(day, 16),
        "it falls on a holiday: %(name)s.", name=name))
    assert "Sesi 2 (" in errors
    assert "Sesi 1" not in errors and "Sesi 3" not in errors
    assert errors.count("Sesi ") == 1


def test_local_closed_date_is_named(module_app, borrower):
    day = office_day(42)
    reason = "Peringatan Hari Jadi Kota Pontianak"
    closed = ClosedDate(day=day, reason=reason)
    db.session.add(closed)
    db.session.commit()
    try:
        errors = refused(borrower, sessions((local(day, 9), local(day, 12))))
        assert shows(errors, session_message(
            module_app, 1, wall(day, 9), wall(day, 12),
            "it falls on a holiday: %(name)s.", name=reason))
        assert f"jatuh pada hari libur: {reason}." in errors
    finally:
        db.session.delete(closed)
        db.session.commit()
    accepted(borrower, sessions((local(day, 9), local(day, 12))))


def test_too_little_notice(module_app, borrower):
    tomorrow = today() + timedelta(days=1)
    errors = refused(borrower, sessions((local(tomorrow, 9), local(tomorrow, 12))))
    days = module_app.config["BOOKING_MIN_NOTICE_DAYS"]
    assert f"harus diajukan paling lambat {days} hari sebelumnya." in errors


def test_notice_is_configurable(module_app, borrower, monkeypatch):
    monkeypatch.setitem(module_app.config, "BOOKING_MIN_NOTICE_DAYS", 30)
    errors = refused(borrower, {})
    assert shows(errors, session_message(
        module_app, 1, wall(DAY, 9), wall(DAY, 12),
        "it must be requested at least %(days)d days ahead.", days=30))
    assert "harus diajukan paling lambat 30 hari sebelumnya." in errors


def test_beyond_the_horizon(module_app, borrower):
    days = module_app.config["BOOKING_MAX_HORIZON_DAYS"]
    far = office_day(days + 7)
    errors = refused(borrower, sessions((local(far, 9), local(far, 12))))
    assert shows(errors, session_message(
        module_app, 1, wall(far, 9), wall(far, 12),
        "it is more than %(days)d days ahead.", days=days))
    assert f"lebih dari {days} hari ke depan." in errors


def test_horizon_is_configurable(borrower, module_app, monkeypatch):
    monkeypatch.setitem(module_app.config, "BOOKING_MAX_HORIZON_DAYS", 14)
    errors = refused(borrower, {})
    assert "lebih dari 14 hari ke depan." in errors


def test_longer_than_the_longest_session(module_app, borrower, monkeypatch):
    monkeypatch.setitem(module_app.config, "BOOKING_MAX_SESSION_HOURS", 3)
    errors = refused(borrower, sessions((local(DAY, 9), local(DAY, 12, 1))))
    assert shows(errors, session_message(
        module_app, 1, wall(DAY, 9), wall(DAY, 12, 1),
        "it is longer than the longest allowed session (%(hours)d hours).", hours=3))
    assert "lebih lama dari durasi sesi terpanjang yang diizinkan (3 jam)." in errors
    accepted(borrower, sessions((local(DAY, 9), local(DAY, 12))))


def test_more_participants_than_the_room_holds(module_app, borrower):
    capacity = room().capacity
    errors = refused(borrower, {"participants": str(capacity + 1)}, field="participants")
    assert shows(errors, indonesian(
        module_app, "%(room)s holds at most %(capacity)d people.",
        room=room().name, capacity=capacity))
    assert f"hanya dapat menampung paling banyak {capacity} orang." in errors
    accepted(borrower, {"participants": str(capacity)})


def test_no_pledge(module_app, borrower):
    errors = refused(borrower, {"no_buffet_pledge": None}, field="no_buffet_pledge")
    assert shows(errors, indonesian(
        module_app, "You must pledge that no buffet food will be served."))
    assert "Anda wajib menyatakan tidak akan menyajikan makanan prasmanan." in errors


def test_two_sessions_of_one_request_overlap(module_app, borrower):
    errors = refused(borrower, sessions((local(DAY, 9), local(DAY, 12)),
                                        (local(DAY, 11), local(DAY, 13))))
    assert shows(errors, indonesian(
        module_app, "Sessions %(first)d and %(second)d overlap.", first=1, second=2))
    assert "Sesi 1 dan 2 bertumpang tindih." in errors


def test_every_overlapping_pair_of_sessions_is_named(borrower):
    """A long session holding two short ones overlaps each of them."""
    errors = refused(borrower, sessions((local(DAY, 8), local(DAY, 16)),
                                        (local(DAY, 9), local(DAY, 10)),
                                        (local(DAY, 11), local(DAY, 12))))
    assert "Sesi 1 dan 2 bertumpang tindih." in errors
    assert "Sesi 1 dan 3 bertumpang tindih." in errors
    assert "Sesi 2 dan 3" not in errors


def test_sessions_touching_end_to_start_do_not_overlap(borrower):
    accepted(borrower, sessions((local(DAY, 9), local(DAY, 12)),
                                (local(DAY, 12), local(DAY, 15))))


@pytest.mark.parametrize("start, end", [((15, 0), (9, 0)), ((23, 30), (0, 30))],
                         ids=["afternoon to next morning", "around midnight"])
def test_a_session_across_midnight_is_refused(module_app, borrower, start, end):
    next_day = DAY + timedelta(days=1)
    errors = refused(borrower, sessions((local(DAY, *start), local(next_day, *end))))
    assert shows(errors, session_message(
        module_app, 1, wall(DAY, *start),
        wall(next_day, *end),
        "it must start and end on the same day."))
    assert "sesi harus mulai dan selesai pada hari yang sama." in errors


def test_a_session_ending_at_midnight_is_refused(borrower):
    next_day = DAY + timedelta(days=1)
    errors = refused(borrower, sessions((local(DAY, 22), local(next_day, 0))))
    assert "sesi harus mulai dan selesai pada hari yang sama." in errors


def test_every_broken_rule_of_a_session_is_named(borrower, office_hours):
    saturday = DAY + timedelta(days=(5 - DAY.weekday()) % 7)
    errors = refused(borrower, sessions((local(DAY, 6), local(DAY, 9)),
                                        (local(saturday, 9), local(saturday, 10))))
    assert "Sesi 1 (" in errors and "di luar jam kantor" in errors
    assert "Sesi 2 (" in errors and "bukan hari kerja kantor" in errors


# ---------------------------------------------------------------- who holds the slot

def test_a_held_slot_is_refused_a_pending_one_is_not(module_app, borrower):
    day = office_day(49)
    holder = submit_loan("peminjam2", title="Rapat Rahasia Dinas Lain",
                         sessions=[(at(day, 13), at(day, 15))])
    take(holder, "dispose")
    take(holder, "confirm")
    pending = submit_loan("peminjam2", title="Seminar Menunggu Konfirmasi",
                          sessions=[(at(day, 9), at(day, 10))])
    take(pending, "dispose")
    db.session.commit()
    private = [holder.title, pending.title, holder.contact_name, holder.contact_phone,
               holder.borrower.first_name, holder.borrower.last_name,
               holder.institution.name, holder.registration_number, holder.letter_number]

    before = stored_counts()
    response = post_loan_form(borrower, form(**sessions((local(day, 14), local(day, 15, 30)))))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    errors = field_errors(html, "sessions")
    with module_app.test_request_context("/"), force_locale("id"):
        expected = str(ScheduleConflict(times(holder.sessions)).message)
        taken = format_session(at(day, 13), at(day, 15))
    assert shows(errors, expected)
    assert f"Ruang sudah dipesan pada waktu tersebut: {taken}." in errors
    assert "pukul 13.00–15.00 WIB" in errors
    for text in private:
        # Whole words: the borrower "Agus" is not in the date picker's "Agustus".
        assert not re.search(rf"\b{re.escape(text)}\b", html), \
            f"{text!r} of another borrower is shown"
    assert stored_counts() == before

    # Within the room's 30 minutes of preparation after it: refused as well.
    errors = refused(borrower, sessions((local(day, 15, 10), local(day, 16))))
    assert "Ruang sudah dipesan pada waktu tersebut" in errors
    # From the buffer's end on, and before it, the room is free.
    accepted(borrower, sessions((local(day, 15, 30), local(day, 16))))
    accepted(borrower, sessions((local(day, 10), local(day, 12, 30))))
    # Only asked for by another pending request: the Kasi resolves that.
    accepted(borrower, sessions((local(day, 9), local(day, 10))))


# ---------------------------------------------------------------- reschedule holds
# Each test below gets its own database (``app``).

def disposed(username, day, start, end, title):
    loan = submit_loan(username, title=title, sessions=[(at(day, *start), at(day, *end))])
    take(loan, "dispose")
    db.session.commit()
    return loan


def refusal(app, loan, action, actor, **kwargs):
    """The Indonesian message ``action`` is refused with (rolled back)."""
    with app.test_request_context("/"), force_locale("id"):
        with pytest.raises(Refusal) as error:
            take(loan, action, actor, **kwargs)
        text = str(error.value)
    db.session.rollback()
    return text


def do(loan, action, actor, **kwargs):
    take(loan, action, actor, **kwargs)
    db.session.commit()
    db.session.refresh(loan)
    return loan


def times(loan_sessions):
    return [(s.starts_at, s.ends_at) for s in loan_sessions]


@pytest.fixture
def two_requests(app):
    """A (09.00-11.00) and B (13.00-15.00), both disposed, on one day."""
    day = office_day(30)
    a = disposed("peminjam1", day, (9, 0), (11, 0), "Permohonan A")
    b = disposed("peminjam2", day, (13, 0), (15, 0), "Permohonan B")
    return {"day": day, "a": a, "b": b,
            "slot": [(at(day, 13, 30), at(day, 14, 30))]}


def test_a_proposal_holds_its_slot_until_accepted(app, two_requests):
    a, b, slot = two_requests["a"], two_requests["b"], two_requests["slot"]
    do(a, "propose_reschedule", "kasi", sessions=slot)
    assert a.status == LoanStatus.RESCHEDULE_PROPOSED
    assert a.hold_expires_at is not None
    assert times(a.proposed_sessions) == slot
    assert all(s.occupying for s in a.proposed_sessions)
    assert not any(s.occupying for s in a.sessions)

    text = refusal(app, b, "confirm", "kasi")
    assert text.startswith("Ruang sudah dipesan pada waktu tersebut")
    assert "13.30–14.30 WIB" in text

    do(a, "accept_reschedule", "peminjam1")
    assert a.status == LoanStatus.CONFIRMED
    assert times(a.sessions) == slot and a.proposed_sessions == []
    assert all(s.occupying for s in a.sessions)
    assert a.hold_expires_at is None
    assert refusal(app, b, "confirm", "kasi").startswith(
        "Ruang sudah dipesan pada waktu tersebut")
    # The old slot is free again.
    c = submit_loan("peminjam2", title="Permohonan C",
                    sessions=[(at(two_requests["day"], 9), at(two_requests["day"], 11))])
    do(c, "dispose", "kabid")
    do(c, "confirm", "kasi")


def test_declining_a_proposal_frees_its_slot(app, two_requests):
    a, b, slot = two_requests["a"], two_requests["b"], two_requests["slot"]
    do(a, "propose_reschedule", "kasi", sessions=slot)
    do(a, "decline_reschedule", "peminjam1", reason="Waktunya tidak cocok.")
    assert a.status == LoanStatus.DISPOSED
    assert a.proposed_sessions == []
    do(b, "confirm", "kasi")
    assert b.status == LoanStatus.CONFIRMED


def test_a_proposal_into_a_held_slot_is_refused(app, two_requests):
    a, b, slot = two_requests["a"], two_requests["b"], two_requests["slot"]
    do(b, "confirm", "kasi")
    text = refusal(app, a, "propose_reschedule", "kasi", sessions=slot)
    assert text.startswith("Ruang sudah dipesan pada waktu tersebut")
    db.session.expire_all()
    assert a.status == LoanStatus.DISPOSED and a.proposed_sessions == []


def test_a_proposal_must_follow_the_rules(app, two_requests):
    a, day = two_requests["a"], two_requests["day"]
    text = refusal(app, a, "propose_reschedule", "kasi",
                   sessions=[(at(day, 6), at(day, 8))])
    assert "di luar jam kantor" in text


def test_a_lapsed_hold_blocks_nothing_and_returns_to_the_kasi(app, two_requests):
    a, b, slot = two_requests["a"], two_requests["b"], two_requests["slot"]
    proposed_at = lapsed_proposal_time()
    do(a, "propose_reschedule", "kasi", sessions=slot, now=proposed_at)
    assert a.hold_expires_at < utcnow()

    # The borrower can no longer take it ...
    assert refusal(app, a, "accept_reschedule", "peminjam1") == (
        "Usulan jadwal sudah kedaluwarsa; Kasi akan mengusulkan kembali.")
    # ... and it stands in nobody's way: not a submission ...
    assert conflict(a.room, slot, utcnow()) is None
    # ... nor a confirmation.
    do(b, "confirm", "kasi")
    assert b.status == LoanStatus.CONFIRMED

    assert workflow.release_lapsed_holds() == 1
    db.session.commit()
    db.session.refresh(a)
    assert a.status == LoanStatus.DISPOSED
    assert a.proposed_sessions == [] and a.hold_expires_at is None
    last = a.history[-1]
    assert (last.action, last.from_status, last.to_status) == (
        "hold_lapsed", LoanStatus.RESCHEDULE_PROPOSED, LoanStatus.DISPOSED)
    assert last.actor_id is None and last.actor_role == workflow.SYSTEM_ROLE
    assert workflow.release_lapsed_holds() == 0


def test_a_live_hold_is_not_released(app, two_requests):
    a, slot = two_requests["a"], two_requests["slot"]
    do(a, "propose_reschedule", "kasi", sessions=slot)
    assert workflow.release_lapsed_holds() == 0
    db.session.commit()
    db.session.refresh(a)
    assert a.status == LoanStatus.RESCHEDULE_PROPOSED
    assert conflict(a.room, slot, utcnow()) is not None


def test_a_submission_into_a_lapsed_hold_is_accepted_on_the_form(app, two_requests):
    a, day = two_requests["a"], two_requests["day"]
    do(a, "propose_reschedule", "kasi", sessions=[(at(day, 8), at(day, 9))],
       now=lapsed_proposal_time())
    client = login(app.test_client(), "peminjam2")
    response = post_loan_form(client, form(**sessions((local(day, 8), local(day, 9)))))
    assert response.status_code == 302


def a_room_of_its_own():
    """A room no demo sample books, so that fixed dates are free on any clock."""
    room = Room(name="Ruang Uji Usulan", capacity=40, prep_buffer_minutes=30)
    db.session.add(room)
    db.session.commit()
    return room


def test_a_proposal_on_friday_morning_lapses_in_the_next_office_week(app):
    # 48 office hours (07.30-16.00): Friday's six, four full days, and eight
    # hours of the next Friday; in calendar hours it lapsed on Sunday morning.
    assert app.config["RESCHEDULE_HOLD_HOURS"] == 48
    friday = date(2026, 11, 20)
    room = a_room_of_its_own()
    loan = submit_loan("peminjam1", room=room, now=at(friday, 8),
                       sessions=[(at(date(2026, 12, 9), 9), at(date(2026, 12, 9), 11))])
    do(loan, "dispose", "kabid", now=at(friday, 9))
    slot = [(at(date(2026, 12, 10), 13), at(date(2026, 12, 10), 15))]
    do(loan, "propose_reschedule", "kasi", sessions=slot, now=at(friday, 10))

    assert to_local(loan.hold_expires_at) == to_local(at(date(2026, 11, 27), 15, 30))
    sunday = at(date(2026, 11, 22), 10)
    assert workflow.release_lapsed_holds(now=sunday) == 0
    assert conflict(room, slot, sunday) is not None  # still held for the borrower
    assert "accept_reschedule" in workflow.allowed_actions(
        loan, loan.borrower, now=at(date(2026, 11, 27), 15, 29))
    assert workflow.release_lapsed_holds(now=at(date(2026, 11, 27), 15, 30)) == 1
    db.session.commit()
    assert loan.status == LoanStatus.DISPOSED


def test_a_proposal_hold_does_not_count_holidays_or_closed_dates(app):
    # Christmas 2026: cuti bersama on Thursday 24, Natal on Friday 25
    # December, New Year on Friday 1 January 2027, Isra Mikraj on Tuesday 5.
    assert set(national_holidays(date(2026, 12, 24), date(2027, 1, 5))) == {
        date(2026, 12, 24), date(2026, 12, 25), date(2027, 1, 1), date(2027, 1, 5)}
    with app.test_request_context("/"):
        assert to_local(workflow.hold_expiry(at(date(2026, 12, 23), 10))) == (
            to_local(at(date(2027, 1, 4), 15, 30)))
        # A day the office closes itself counts no more than a holiday (and
        # Tuesday 5 January 2027 is Isra Mikraj).
        db.session.add(ClosedDate(day=date(2027, 1, 4), reason="Rapat kerja"))
        db.session.commit()
        assert to_local(workflow.hold_expiry(at(date(2026, 12, 23), 10))) == (
            to_local(at(date(2027, 1, 6), 15, 30)))
        # Made after hours, it starts counting when the office opens; 8.5
        # office hours end at closing time, not the next morning.
        app.config["RESCHEDULE_HOLD_HOURS"] = 17
        assert to_local(workflow.hold_expiry(at(date(2026, 11, 20), 18))) == (
            to_local(at(date(2026, 11, 24), 16)))


def test_a_request_edited_to_overlap_itself_is_no_conflict(app):
    day = office_day(30)
    loan = disposed("peminjam1", day, (9, 0), (12, 0), "Sunting Sendiri")
    do(loan, "confirm", "kasi")
    moved = [(at(day, 10), at(day, 13))]

    assert conflict(loan.room, moved, utcnow(), exclude_loan_id=loan.id) is None
    # Anyone else is refused that slot.
    assert conflict(loan.room, moved, utcnow()) is not None

    # Its schedule changes to sessions overlapping its current ones.
    loan.sessions.append(occupancy.session_for(loan.room, *moved[0]))
    occupancy.claim(loan, utcnow())
    db.session.commit()
    db.session.refresh(loan)
    assert [s.occupying for s in loan.sessions] == [True, True]
