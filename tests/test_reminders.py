"""Reminders by email (``flask --app app reminders`` from cron): the borrower
before a proposal's hold lapses, the borrower and the Admin Pontive Center the
office day before a session; each sent once.

The requests are in a room of their own on fixed dates with no holiday near,
so that the demo's samples (which move with the clock) never stand in the way.
"""
from datetime import date, datetime, time, timedelta

import pytest
from flask_babel import force_locale
from helpers import submit_loan, take, user

from app.domain import workflow
from app.domain.mutu_baku import OfficeClock
from app.models import Notice, Reminder, Room
from app.notifications import notices, reminders
from app.platform.extensions import db
from app.platform.formatting import format_datetime
from app.platform.timeutil import from_local, to_local, utcnow

BORROWER, ADMIN_PC = (f"{name}@demo.pontianak.go.id" for name in ("peminjam1", "adminpc"))
# Friday 20 November 2026 and the next week: no holiday.
FRIDAY, MONDAY, TUESDAY = date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24)


def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def room(app):
    room = Room(name="Ruang Uji Pengingat", capacity=40, prep_buffer_minutes=30)
    db.session.add(room)
    db.session.commit()
    return room


def step(loan, action, now, **fields):
    take(loan, action, now=now, **fields)
    db.session.commit()


def run(now, loan):
    """The command's work at ``now``: how many reminders of ``loan`` it
    recorded (the demo's samples have theirs)."""
    before = count(loan)
    reminders.send_due(now)
    db.session.commit()
    return count(loan) - before


def count(loan):
    return db.session.query(Reminder).filter_by(loan_id=loan.id).count()


def mails(outbox, address, loan):
    """(subject, body) of the reminders about ``loan`` to ``address``."""
    return [(m["Subject"].strip(), m.get_content().replace("\r\n", "\n"))
            for m in outbox.to(address)
            if "Pengingat" in m["Subject"] and loan.registration_number in m["Subject"]]


def booked(room, sessions, submitted):
    loan = submit_loan("peminjam1", room=room, sessions=sessions, now=submitted)
    step(loan, "dispose", submitted + timedelta(minutes=10))
    step(loan, "confirm", submitted + timedelta(minutes=20))
    return loan


def test_the_day_before_a_session_the_borrower_and_the_admin_are_reminded_once(
        app, room, outbox):
    loan = booked(room, [(at(MONDAY, 9), at(MONDAY, 11)), (at(MONDAY, 13), at(MONDAY, 15)),
                         (at(TUESDAY, 9), at(TUESDAY, 11))], at(date(2026, 11, 16), 9))

    # Not before the office opens on Friday, the office day before Monday.
    assert run(at(FRIDAY, 7, 29), loan) == 0
    assert run(at(FRIDAY, 7, 30), loan) == 1
    number = loan.registration_number
    [(subject, body)] = mails(outbox, BORROWER, loan)
    assert subject == (f"[Pontive Center] Pengingat: permohonan {number} "
                       "berlangsung pada Senin, 23 November 2026")
    assert "Kegiatan Anda di Pontive Center berlangsung pada jadwal di bawah ini" in body
    assert "Senin, 23 November 2026, pukul 09.00–11.00 WIB" in body
    assert "Senin, 23 November 2026, pukul 13.00–15.00 WIB" in body
    assert "24 November" not in body  # Tuesday's session is Monday's reminder
    assert f"/loans/show/{loan.id}" in body
    [(subject, body)] = mails(outbox, ADMIN_PC, loan)
    assert "mohon ruangan disiapkan" in body
    adminpc = db.session.query(Notice).filter_by(
        loan_id=loan.id, kind="reminder_session", user_id=user("adminpc").id).one()
    with app.test_request_context("/"), force_locale("id"):
        assert notices.title(adminpc).endswith("berlangsung pada Senin, 23 November 2026")

    # Again on Friday, over the weekend: nothing twice ...
    outbox.clear()
    for moment in (at(FRIDAY, 15), at(date(2026, 11, 22), 10)):
        assert run(moment, loan) == 0
    assert mails(outbox, BORROWER, loan) == []
    # ... but Monday announces Tuesday's session.
    assert run(at(MONDAY, 8), loan) == 1
    [(subject, body)] = mails(outbox, BORROWER, loan)
    assert subject.endswith("Selasa, 24 November 2026")


def test_a_request_confirmed_after_the_day_before_began_is_still_reminded(
        app, room, outbox):
    loan = submit_loan("peminjam1", room=room, sessions=[(at(MONDAY, 9), at(MONDAY, 11))],
                       now=at(date(2026, 11, 16), 9))
    step(loan, "dispose", at(date(2026, 11, 16), 10))
    assert run(at(FRIDAY, 7, 30), loan) == 0  # not confirmed yet
    step(loan, "confirm", at(FRIDAY, 10))
    assert run(at(FRIDAY, 11), loan) == 1
    assert len(mails(outbox, BORROWER, loan)) == 1
    # Once a session has started there is nothing to remind of.
    late = booked(room, [(at(MONDAY, 13), at(MONDAY, 14))], at(date(2026, 11, 16), 10))
    assert run(at(MONDAY, 13), late) == 0


def test_a_cancelled_or_pending_request_is_not_reminded(app, room, outbox):
    cancelled = booked(room, [(at(MONDAY, 9), at(MONDAY, 11))], at(date(2026, 11, 16), 9))
    step(cancelled, "cancel", at(date(2026, 11, 17), 9))
    pending = submit_loan("peminjam1", room=room,
                          sessions=[(at(MONDAY, 13), at(MONDAY, 14))],
                          now=at(date(2026, 11, 16), 9))
    for loan in (cancelled, pending):
        assert run(at(FRIDAY, 9), loan) == 0
        assert mails(outbox, BORROWER, loan) == []


def proposal(room, proposed_at):
    loan = submit_loan("peminjam1", room=room, now=proposed_at - timedelta(hours=1),
                       sessions=[(at(date(2026, 12, 9), 9), at(date(2026, 12, 9), 11))])
    step(loan, "dispose", proposed_at - timedelta(minutes=30))
    step(loan, "propose_reschedule", proposed_at,
         sessions=[(at(date(2026, 12, 10), 13), at(date(2026, 12, 10), 15))])
    return loan


def test_the_borrower_is_reminded_once_in_the_last_office_day_of_a_hold(
        app, room, outbox):
    loan = proposal(room, at(FRIDAY, 10))
    expiry = loan.hold_expires_at
    assert to_local(expiry) == to_local(at(date(2026, 11, 27), 15, 30))

    # Eight office hours before 15.30 on Friday 27th are all of that Friday
    # (from 07.30): the reminder is due from Thursday's closing time.
    assert app.config["RESCHEDULE_HOLD_REMINDER_HOURS"] == 8
    assert run(at(date(2026, 11, 26), 15, 59), loan) == 0
    assert run(at(date(2026, 11, 26), 16, 0), loan) == 1
    [(subject, body)] = mails(outbox, BORROWER, loan)
    number = loan.registration_number
    assert subject == (f"[Pontive Center] Pengingat: usulan jadwal permohonan {number} "
                       "segera berakhir")
    with app.test_request_context("/"), force_locale("id"):
        until = str(format_datetime(expiry))
    assert f"disimpan untuk Anda sampai {until}" in body
    assert "Kamis, 10 Desember 2026, pukul 13.00–15.00 WIB" in body
    assert mails(outbox, ADMIN_PC, loan) == []
    # The bell has it too.
    [notice] = db.session.query(Notice).filter_by(loan_id=loan.id,
                                                   kind="reminder_hold").all()
    assert notice.user_id == loan.borrower_id and notice.read_at is None
    with app.test_request_context("/"), force_locale("id"):
        assert notices.title(notice) == (f"Pengingat: usulan jadwal permohonan {number} "
                                         "segera berakhir")

    outbox.clear()
    assert run(at(date(2026, 11, 27), 9), loan) == 0
    assert mails(outbox, BORROWER, loan) == []
    # Lapsed, it reminds no more; proposed anew, it reminds anew.
    assert run(at(date(2026, 11, 27), 15, 30), loan) == 0
    workflow.release_lapsed_holds(now=at(date(2026, 11, 27), 15, 30))
    db.session.commit()
    step(loan, "propose_reschedule", at(date(2026, 11, 30), 9),
         sessions=[(at(date(2026, 12, 11), 13), at(date(2026, 12, 11), 15))])
    assert run(at(date(2026, 12, 4), 16), loan) == 1


def test_the_command_sends_each_reminder_once(app, room, outbox):
    """Run from cron on the suite's clock: a proposal whose hold has four
    office hours left."""
    now = utcnow()
    day = to_local(now).date()
    hold = app.config["RESCHEDULE_HOLD_HOURS"] * 3600
    proposed_at = OfficeClock(day - timedelta(days=60), day).overdue_before(
        hold - 4 * 3600, now)
    loan = submit_loan("peminjam1", room=room, now=proposed_at - timedelta(hours=1),
                       days_ahead=30)
    step(loan, "dispose", proposed_at - timedelta(minutes=30))
    first = loan.sessions[0]
    step(loan, "propose_reschedule", proposed_at,
         sessions=[(first.starts_at - timedelta(hours=1), first.ends_at - timedelta(hours=1))])

    cli = app.test_cli_runner()
    result = cli.invoke(args=["reminders"])
    assert result.exit_code == 0 and "reminders due" in result.output
    assert len(mails(outbox, BORROWER, loan)) == 1
    result = cli.invoke(args=["reminders"])
    assert result.exit_code == 0 and result.output.startswith("0 ")
    assert len(mails(outbox, BORROWER, loan)) == 1
