"""Registration numbers restart at 1 each year (PC/2027/00001 after
PC/2026/00123), and requests submitted at once never share one."""
import re
import threading
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from helpers import free_office_day, submit_loan, today, user

from app.domain import complaints
from app.domain.refusals import InputRefused
from app.models import LoanRequest, Room, YearlyCounter
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow


def wib(year, month, day, hour=10):
    return from_local(datetime(year, month, day, hour))


def sequence(number):
    return int(number.rsplit("/", 1)[1])


def test_numbers_run_on_within_a_year_and_restart_the_next(app):
    year = to_local(utcnow()).year
    # A day in mid-January: after New Year, within the horizon of 31 December.
    day = free_office_day((date(year + 1, 1, 15) - today()).days)
    december = [submit_loan("peminjam1", title=f"Desember {n}", day=day,
                            start=(8 + 2 * n, 0), end=(9 + 2 * n, 0),
                            now=wib(year, 12, 31, 15)) for n in range(2)]
    january = [submit_loan("peminjam2", title=f"Januari {n}", day=day,
                           start=(13 + n, 0), end=(13 + n, 30),
                           now=wib(year + 1, 1, 1, 6 + n)) for n in range(2)]
    first, second = (loan.registration_number for loan in december)
    assert first.startswith(f"PC/{year}/") and sequence(second) == sequence(first) + 1
    assert [loan.registration_number for loan in january] == [
        f"PC/{year + 1}/00001", f"PC/{year + 1}/00002"]
    # 06.00 WIB on New Year's Day is still 31 December in UTC: the office's year counts.
    assert january[0].created_at.year == year


def test_loans_and_complaints_count_apart(app):
    year = to_local(utcnow()).year
    before = submit_loan("peminjam1", title="Sebelum")
    complaint = complaints.file(user("peminjam1"), complaints.ComplaintInput(
        kind="saran", topic="lainnya", subject="Saran", description="Saran."))
    db.session.commit()
    after = submit_loan("peminjam1", title="Sesudah", day=free_office_day(22))
    assert sequence(after.registration_number) == sequence(before.registration_number) + 1
    assert complaint.number == f"ADU/{year}/0001"
    counters = {(c.series, c.year): c.last for c in db.session.query(YearlyCounter)}
    assert counters[("PC", year)] == sequence(after.registration_number)
    assert counters[("ADU", year)] == 1


def test_a_refused_submission_takes_no_number(app):
    first = submit_loan("peminjam1", title="Pertama")
    db.session.commit()
    start = first.sessions[0].starts_at
    with pytest.raises(InputRefused):  # a session that ends as it starts
        submit_loan("peminjam1", title="Kosong", sessions=[(start, start)])
    db.session.rollback()
    second = submit_loan("peminjam1", title="Kedua", day=free_office_day(23))
    assert sequence(second.registration_number) == sequence(first.registration_number) + 1


def test_requests_submitted_at_once_get_distinct_consecutive_numbers(app):
    """Eight borrowers submit at the same moment, each in its own session and
    connection, into two rooms (so the room's lock does not line them up
    alone): no number is given twice, none is skipped."""
    second = Room(name="Ruang Kedua (uji)", capacity=30, prep_buffer_minutes=30)
    db.session.add(second)
    db.session.commit()
    rooms = [db.session.query(Room).order_by(Room.id).first().id, second.id]
    day = free_office_day(30)
    before = db.session.execute(sa.select(sa.func.count()).select_from(LoanRequest)
                                ).scalar()
    count, errors, barrier = 8, [], threading.Barrier(8)
    db.session.remove()

    def submit_in_thread(n):
        try:
            with app.app_context():
                room = db.session.get(Room, rooms[n % 2])
                barrier.wait(timeout=30)
                submit_loan(("peminjam1", "peminjam2")[n % 2], title=f"Serentak {n}",
                            room=room, day=day, start=(8 + n, 0), end=(8 + n, 45))
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=submit_in_thread, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    numbers = [loan.registration_number for loan in db.session.query(LoanRequest)
               .filter(LoanRequest.title.like("Serentak %"))]
    assert len(numbers) == count == len(set(numbers))
    year = to_local(utcnow()).year
    assert all(re.fullmatch(rf"PC/{year}/\d{{5}}", number) for number in numbers)
    sequences = sorted(sequence(number) for number in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + count))
    assert db.session.execute(sa.select(sa.func.count()).select_from(LoanRequest)
                              ).scalar() == before + count


def test_the_upgrade_continues_each_year_after_its_highest_number(app):
    """Migration 0013: numbers were the request's id; each year's counter
    starts after the highest number it gave, and complaints keep theirs."""
    import flask_migrate

    from app import MIGRATIONS_DIR

    year = to_local(utcnow()).year
    loan = submit_loan("peminjam1", title="Lama")
    complaints.file(user("peminjam1"), complaints.ComplaintInput(
        kind="saran", topic="lainnya", subject="Lama", description="Lama."))
    loan.registration_number = f"PC/{year}/00500"
    db.session.commit()
    db.session.close()
    flask_migrate.downgrade(directory=MIGRATIONS_DIR, revision="0009_accounts")
    flask_migrate.upgrade(directory=MIGRATIONS_DIR)
    after = submit_loan("peminjam1", title="Baru", day=free_office_day(24))
    assert after.registration_number == f"PC/{year}/00501"
    complaint = complaints.file(user("peminjam1"), complaints.ComplaintInput(
        kind="saran", topic="lainnya", subject="Baru", description="Baru."))
    assert complaint.number == f"ADU/{year}/0002"
