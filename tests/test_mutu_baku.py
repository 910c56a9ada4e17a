"""Mutu baku: each timed step counts office time against the SOP's standard,
and "Tugas Saya" lists what waits for each role, the longest-waiting first."""
import re
from datetime import date, datetime, time, timedelta

import pytest
from helpers import login, submit_loan, take, user, visible_text

from app.domain import inbox, mutu_baku
from app.models import ClosedDate, LoanStatus
from app.platform.extensions import db
from app.platform.timeutil import from_local

pytestmark = pytest.mark.date_sensitive

FRIDAY = date(2027, 2, 5)
MONDAY = date(2027, 2, 8)
EVENT_DAY = date(2027, 2, 17)  # a Wednesday


def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def fixed_calendar(app):
    # These dates are chosen as office days; national holidays are left out so
    # that the figures do not depend on the `holidays` package's year data.
    app.config["HOLIDAYS_ENABLED"] = False
    return app


def request_submitted_at(moment, title="Rapat mutu baku", day=EVENT_DAY):
    return submit_loan("peminjam1", title=title, now=moment,
                       sessions=[(at(day, 9), at(day, 12))])


def test_only_office_time_counts(fixed_calendar):
    clock = mutu_baku.OfficeClock(FRIDAY, MONDAY)
    # Friday 15.50 to Monday 07.40: ten minutes before closing, ten after opening.
    assert clock.office_seconds(at(FRIDAY, 15, 50), at(MONDAY, 7, 40)) == 20 * 60
    # Saturday and Sunday count nothing.
    assert clock.office_seconds(at(FRIDAY + timedelta(days=1), 9),
                                at(MONDAY, 7, 30)) == 0


def test_a_closed_day_counts_nothing(fixed_calendar):
    db.session.add(ClosedDate(day=MONDAY, reason="Acara kota"))
    db.session.commit()
    clock = mutu_baku.OfficeClock(FRIDAY, MONDAY + timedelta(days=1))
    assert clock.office_seconds(at(FRIDAY, 15, 50),
                                at(MONDAY + timedelta(days=1), 7, 40)) == 20 * 60


@pytest.mark.parametrize("until,standard,cutoff", [
    # Ten minutes on Monday morning, five more before Friday's closing.
    (at(MONDAY, 7, 40), 15, at(FRIDAY, 15, 55)),
    # Used up exactly at Monday's opening: the weekend counts nothing, so a
    # wait from Saturday is not over; one from before Friday's close is.
    (at(MONDAY, 7, 40), 10, at(FRIDAY, 16, 0)),
    (at(MONDAY, 10, 0), 30, at(MONDAY, 9, 30)),
])
def test_the_moment_a_wait_goes_over_its_standard(fixed_calendar, until, standard,
                                                   cutoff):
    clock = mutu_baku.OfficeClock(FRIDAY, MONDAY)
    assert clock.overdue_before(standard * 60, until) == cutoff
    # Every start a minute apart from Thursday on agrees with the timing.
    moment = at(FRIDAY - timedelta(days=1), 7)
    while moment <= until:
        over = clock.office_seconds(moment, until) > standard * 60
        assert over is (moment < cutoff), moment
        moment += timedelta(minutes=1)


def test_the_moment_over_the_standard_skips_closed_days_it_had_not_read(
        fixed_calendar):
    db.session.add(ClosedDate(day=MONDAY, reason="Acara kota"))
    db.session.commit()
    tuesday = MONDAY + timedelta(days=1)
    clock = mutu_baku.OfficeClock(tuesday, tuesday)  # Monday is read on demand
    assert clock.overdue_before(15 * 60, at(tuesday, 7, 40)) == at(FRIDAY, 15, 55)


@pytest.mark.parametrize("disposed_at,within", [((7, 40), True), ((7, 41), False)])
def test_disposition_is_timed_in_office_minutes(fixed_calendar, disposed_at, within):
    loan = request_submitted_at(at(FRIDAY, 15, 55))
    row = take(loan, "dispose", now=at(MONDAY, *disposed_at))
    db.session.commit()

    assert row.waiting_since == at(FRIDAY, 15, 55)
    assert row.standard_seconds == 15 * 60
    # Five minutes on Friday, then ten or eleven on Monday.
    assert row.elapsed_seconds == (15 if within else 16) * 60
    assert row.within_standard is within


def test_the_standard_minutes_come_from_the_configuration(fixed_calendar):
    fixed_calendar.config["MUTU_BAKU_MINUTES"] = {
        **fixed_calendar.config["MUTU_BAKU_MINUTES"], "disposition": 30}
    loan = request_submitted_at(at(MONDAY, 8))
    row = take(loan, "dispose", now=at(MONDAY, 8, 20))
    assert (row.standard_seconds, row.elapsed_seconds, row.within_standard) == (
        30 * 60, 20 * 60, True)


def test_each_staff_step_of_the_sop_is_timed_against_its_own_standard(fixed_calendar):
    loan = request_submitted_at(at(MONDAY, 8))
    steps = [("dispose", at(MONDAY, 8, 10)), ("confirm", at(MONDAY, 8, 40)),
             ("schedule", at(MONDAY, 9, 0)),
             ("prepare", at(EVENT_DAY, 8, 40)), ("complete", at(EVENT_DAY, 12, 30))]
    for action, moment in steps:
        take(loan, action, now=moment)
    db.session.commit()
    timed = {row.action: (row.elapsed_seconds // 60 if row.elapsed_seconds is not None
                          else None, row.standard_seconds // 60
                          if row.standard_seconds else None)
             for row in loan.history}
    assert timed == {"submit": (None, None), "dispose": (10, 15), "confirm": (30, 15),
                     "schedule": (20, 30),
                     # The room is prepared for the event: its clock starts 15
                     # minutes before the start, so ready by 09.00 is on time.
                     "prepare": (0, 15), "complete": (None, None)}


def test_a_room_prepared_after_the_start_is_over_the_standard(fixed_calendar):
    loan = request_submitted_at(at(MONDAY, 8))
    for action in ("dispose", "confirm", "schedule"):
        take(loan, action, now=at(MONDAY, 8, 30))
    row = take(loan, "prepare", now=at(EVENT_DAY, 9, 5))
    assert row.waiting_since == at(EVENT_DAY, 8, 45)
    assert (row.elapsed_seconds, row.within_standard) == (20 * 60, False)


def test_a_rejection_ends_the_kabids_step_and_is_timed(fixed_calendar):
    loan = request_submitted_at(at(MONDAY, 8))
    row = take(loan, "reject", "kabid", reason="Tidak sesuai ketentuan.",
               now=at(MONDAY, 8, 12))
    assert (row.elapsed_seconds, row.standard_seconds) == (12 * 60, 15 * 60)


def test_a_borrowers_cancellation_is_not_a_timed_step(fixed_calendar):
    loan = request_submitted_at(at(MONDAY, 8))
    row = take(loan, "cancel", now=at(MONDAY, 9))
    assert row.standard_seconds is None and row.elapsed_seconds is None


# ---------------------------------------------------------------- Tugas Saya

def tasks(username, now):
    return [(t.loan.title, t.overdue) for t in inbox.tasks_for(user(username), now).tasks]


def test_each_role_sees_what_waits_for_it_oldest_first(fixed_calendar):
    now = at(MONDAY, 10)
    early = request_submitted_at(at(MONDAY, 8), title="Pertama")
    late = request_submitted_at(at(MONDAY, 9, 50), title="Kedua",
                                day=EVENT_DAY + timedelta(days=1))
    disposed = request_submitted_at(at(MONDAY, 8), title="Untuk Kasi",
                                    day=EVENT_DAY + timedelta(days=2))
    take(disposed, "dispose", now=at(MONDAY, 9, 55))
    db.session.commit()

    kabid = [t for t in tasks("kabid", now) if t[0] in ("Pertama", "Kedua")]
    assert kabid == [("Pertama", True), ("Kedua", False)]  # 2 h vs 10 min
    assert ("Untuk Kasi", False) in tasks("kasi", now)
    assert "Pertama" not in [t[0] for t in tasks("kasi", now)]
    assert tasks("admin", now) == []
    assert early.status == late.status == LoanStatus.SUBMITTED


def test_admin_pc_prepares_on_the_day_and_records_the_outcome_after(fixed_calendar):
    loan = request_submitted_at(at(MONDAY, 8), title="Acara Rabu")
    for action in ("dispose", "confirm"):
        take(loan, action, now=at(MONDAY, 8, 30))
    db.session.commit()

    def todo(now):
        return [str(t.todo) for t in inbox.tasks_for(user("adminpc"), now).tasks
                if t.loan.id == loan.id]

    assert todo(at(MONDAY, 9)) == [str(inbox.TODO[LoanStatus.CONFIRMED])]
    take(loan, "schedule", now=at(MONDAY, 9))
    db.session.commit()
    assert todo(at(EVENT_DAY - timedelta(days=1), 15)) == []  # not before the day
    assert todo(at(EVENT_DAY, 7, 30)) == [str(inbox.TODO[LoanStatus.SCHEDULED])]
    take(loan, "prepare", now=at(EVENT_DAY, 8, 40))
    db.session.commit()
    assert todo(at(EVENT_DAY, 8, 50)) == []  # prepared, not started
    assert todo(at(EVENT_DAY, 9, 5)) == [str(inbox.TODO[LoanStatus.PREPARED])]


def test_the_database_orders_and_counts_tasks_as_each_is_timed(fixed_calendar):
    """Admin Pontive Center's three kinds of task, in the order the database
    gives them, with the total and the overdue count it gives beside a page."""
    now = at(EVENT_DAY, 11)
    tuesday = EVENT_DAY - timedelta(days=1)

    def request(title, day, hours, steps):
        loan = submit_loan("peminjam1", title=title, now=at(MONDAY, 7, 30),
                           sessions=[(at(day, *hours[0]), at(day, *hours[1]))])
        for action, moment in steps:
            take(loan, action, now=moment)
        return loan

    early = [("dispose", at(MONDAY, 7, 40)), ("confirm", at(MONDAY, 8))]
    request("Dikonfirmasi lama", EVENT_DAY + timedelta(days=1), ((9, 0), (12, 0)),
            early)  # 30 minutes on Monday alone: over
    request("Dikonfirmasi baru", EVENT_DAY + timedelta(days=2), ((9, 0), (12, 0)),
            [("dispose", at(tuesday, 9)), ("confirm", at(EVENT_DAY, 10, 50))])
    scheduled = [*early, ("schedule", at(MONDAY, 8, 10))]
    # Not prepared by 07.45, 15 minutes before its 08.00 start: over.
    request("Siapkan pagi", EVENT_DAY, ((8, 0), (9, 0)), scheduled)
    # Its preparation begins at 12.45: waiting for nothing yet.
    request("Siapkan siang", EVENT_DAY, ((13, 0), (15, 0)), scheduled)
    # Prepared, its session began at 10.00: the outcome waits (no standard).
    request("Catat hasil", EVENT_DAY, ((10, 0), (10, 45)),
            [*scheduled, ("prepare", at(EVENT_DAY, 9, 50))])
    db.session.commit()

    everything = inbox.tasks_for(user("adminpc"), now)
    titles = [t.loan.title for t in everything.tasks]
    mine = [title for title in titles if title in (
        "Dikonfirmasi lama", "Dikonfirmasi baru", "Siapkan pagi", "Siapkan siang",
        "Catat hasil")]
    assert mine == ["Dikonfirmasi lama", "Siapkan pagi", "Catat hasil",
                    "Dikonfirmasi baru", "Siapkan siang"]
    since = [t.since for t in everything.tasks]
    assert since == sorted(since)
    assert everything.total == len(everything.tasks)
    assert everything.overdue == sum(t.overdue for t in everything.tasks)
    overdue = {t.loan.title for t in everything.tasks if t.overdue}
    assert {"Dikonfirmasi lama", "Siapkan pagi"} <= overdue
    assert not overdue & {"Dikonfirmasi baru", "Siapkan siang", "Catat hasil"}

    page = inbox.tasks_for(user("adminpc"), now, limit=2, offset=1)
    assert [t.loan.id for t in page.tasks] == [t.loan.id for t in everything.tasks[1:3]]
    assert (page.total, page.overdue) == (everything.total, everything.overdue)
    beyond = inbox.tasks_for(user("adminpc"), now, limit=2, offset=everything.total)
    assert (beyond.tasks, beyond.total) == ([], everything.total)


def test_a_borrower_answers_only_their_own_proposals(fixed_calendar):
    loan = request_submitted_at(at(MONDAY, 8), title="Usulan untuk Rina")
    take(loan, "dispose", now=at(MONDAY, 8, 5))
    other_day = EVENT_DAY + timedelta(days=1)
    take(loan, "propose_reschedule", now=at(MONDAY, 8, 10),
         sessions=[(at(other_day, 13), at(other_day, 15))])
    db.session.commit()

    [task] = [t for t in inbox.tasks_for(user("peminjam1"), at(MONDAY, 9)).tasks
              if t.loan.id == loan.id]
    assert task.deadline == loan.hold_expires_at and not task.overdue
    assert all(t.loan.id != loan.id
               for t in inbox.tasks_for(user("peminjam2"), at(MONDAY, 9)).tasks)


def test_tugas_saya_page_and_dashboard_count(app):
    submit_loan("peminjam1", title="Menunggu Disposisi")
    client = login(app.test_client(), "kabid")

    page = visible_text(client.get("/tasks/"))
    assert "Tugas Saya" in page and "Menunggu Disposisi" in page
    assert "Disposisikan kepada Kasi" in page
    dashboard = visible_text(client.get("/"))
    assert "Tugas Saya" in dashboard and "menunggu Anda" in dashboard

    borrower = visible_text(login(app.test_client(), "peminjam2").get("/tasks/"))
    assert "Menunggu Disposisi" not in borrower
    assert "Tidak ada yang menunggu Anda." in borrower


def test_tugas_saya_shows_a_page_at_a_time(app):
    for number in range(30):
        submit_loan("peminjam1", title=f"Antrean {number:02d}", days_ahead=20 + number)
    client = login(app.test_client(), "kabid")
    total = inbox.tasks_for(user("kabid")).total
    assert total >= 30

    def rows(response):
        assert response.status_code == 200
        return re.findall(r'<tr class="pontive-task[ "]', response.get_data(as_text=True))

    first = client.get("/tasks/")
    assert len(rows(first)) == 25
    assert f"{total} menunggu Anda" in visible_text(first)
    assert "page_TasksView=1" in first.get_data(as_text=True)  # the pager
    assert len(rows(client.get("/tasks/?page_TasksView=1"))) == total - 25
    # Past the last page: the last page.
    assert len(rows(client.get("/tasks/?page_TasksView=99"))) == total - 25
    for bad in ("satu", "-1", "1.5", "²", "9" * 30):
        response = client.get(f"/tasks/?page_TasksView={bad}")
        assert response.status_code == 400, bad
        assert "Nomor halaman tidak valid." in visible_text(response)
