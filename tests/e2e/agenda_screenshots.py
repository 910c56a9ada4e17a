"""Screenshots of the agenda for the README and docs/sop-and-roles.md: docs/agenda-month.png, agenda-week.png.

    python tests/e2e/agenda_screenshots.py

Builds a scratch database (the demo data plus a month of bookings in every
state around today, and a local unavailable date), serves it on 127.0.0.1
and photographs this month's view and next week's view in Debian's Chromium
as the Admin Pontive Center. Not part of the test suite.
"""
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from browsing import log_in  # noqa: E402
from helpers import submit_loan, take  # noqa: E402
from shots import shoot, showing  # noqa: E402

from app.models import ClosedDate  # noqa: E402
from app.platform.extensions import db  # noqa: E402
from app.platform.timeutil import from_local, to_local, utcnow  # noqa: E402

DONE = ("dispose", "confirm", "schedule", "prepare", "complete")


def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


def booking(username, title, day, hours, steps, submitted, proposal=None):
    """A request taken through ``steps``, each when a person would take it."""
    start, end = at(day, *hours[0]), at(day, *hours[1])
    loan = submit_loan(username, title=title, now=submitted, sessions=[(start, end)])
    moment = submitted
    for action in steps:
        moment += timedelta(minutes=12)
        if action == "prepare":
            moment = max(moment, start - timedelta(minutes=30))
        if action == "complete":
            moment = max(moment, end)
        extra = {"sessions": proposal} if action == "propose_reschedule" else {}
        take(loan, action, now=moment, **extra)
    db.session.commit()


def scenario():
    """Completed bookings in the weeks before today, next week in every state;
    returns the Monday of next week."""
    today = to_local(utcnow()).date()
    monday = today - timedelta(days=today.weekday())

    def day(weeks, weekday):
        return monday + timedelta(days=7 * weeks + weekday)

    def before(when):
        return min(utcnow(), at(when, 7)) - timedelta(days=5)

    past = [
        ("peminjam1", "Rapat Persiapan Asesmen Nasional", day(-3, 0), ((9, 0), (11, 0))),
        ("peminjam2", "Kuliah Umum Transformasi Digital", day(-3, 3), ((13, 0), (15, 0))),
        ("peminjam1", "Bimtek Operator Sekolah", day(-2, 1), ((8, 0), (12, 0))),
        ("peminjam2", "Rapat Himpunan Mahasiswa Informatika", day(-2, 3),
         ((9, 0), (10, 30))),
        ("peminjam1", "Sosialisasi Zonasi PPDB", day(-1, 3), ((9, 0), (11, 0))),
        ("peminjam2", "Pelatihan Desain Grafis", day(0, 1), ((13, 0), (15, 0))),
        ("peminjam1", "Rapat Evaluasi Triwulan", day(0, 3), ((9, 0), (11, 0))),
    ]
    for username, title, when, hours in past:
        if when < today:
            booking(username, title, when, hours, DONE, before(when))
    # Next week: waiting (submitted first), confirmed, in the agenda, moved.
    upcoming = [
        ("peminjam2", "Diskusi Publik Smart City", day(1, 1), ((13, 0), (14, 30)), ()),
        ("peminjam1", "Rapat Koordinasi PPDB", day(1, 4), ((10, 0), (12, 0)),
         ("dispose",)),
        ("peminjam2", "Seminar Literasi Digital", day(1, 0), ((9, 0), (11, 0)), DONE[:3]),
        ("peminjam1", "Rapat Evaluasi Sekolah Penggerak", day(1, 1), ((8, 0), (11, 0)),
         DONE[:2]),
        ("peminjam1", "Pelatihan Guru TIK", day(1, 2), ((13, 0), (15, 30)), DONE[:3]),
        ("peminjam2", "Workshop Keamanan Siber Kampus", day(1, 4), ((13, 0), (15, 30)),
         DONE[:3]),
    ]
    for username, title, when, hours, steps in upcoming:
        booking(username, title, when, hours, steps, before(when))
    # The Kasi has just proposed an earlier slot; it holds for the borrower.
    booking("peminjam2", "Sosialisasi Perpustakaan Digital", day(2, 3), ((13, 0), (15, 0)),
            ("dispose", "propose_reschedule"), utcnow() - timedelta(hours=3),
            proposal=[(at(day(1, 3), 9), at(day(1, 3), 11))])
    db.session.add(ClosedDate(day=day(-1, 4),
                              reason="Acara Pemerintah Kota: Pontianak Smart City Expo"))
    db.session.commit()
    return day(1, 0)


def main():
    with showing("agenda-shots-", scenario) as (browser, base, next_week):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        log_in(page, base, "adminpc")
        page.goto(f"{base}/agenda/")
        shoot(page, "agenda-month.png", full_page=True)
        page.goto(f"{base}/agenda/?view=week&date={next_week.isoformat()}")
        shoot(page, "agenda-week.png", full_page=True)


if __name__ == "__main__":
    main()
