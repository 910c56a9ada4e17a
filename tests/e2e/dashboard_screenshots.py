"""Screenshots of the dashboard for docs/sop-and-roles.md: docs/dashboard-<account>.png.

    python tests/e2e/dashboard_screenshots.py

Builds a scratch database (the demo data plus a week of bookings, requests
waiting for each role, a reschedule proposal and two damage reports), serves
it on 127.0.0.1 as on the next Monday morning at 08.40, and photographs the
dashboard in Debian's Chromium as the Kasi, the Admin Pontive Center and a
borrower. Not part of the test suite.
"""
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from browsing import log_in  # noqa: E402
from helpers import office_day, submit_loan, take, user  # noqa: E402
from shots import shoot, showing  # noqa: E402

from app.domain import equipment_care  # noqa: E402
from app.models import Room  # noqa: E402
from app.platform.extensions import db  # noqa: E402
from app.platform.timeutil import from_local, to_local, utcnow  # noqa: E402

ACCOUNTS = ("kasi", "adminpc", "peminjam1")


def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


def booking(username, title, day, hours, steps, submitted):
    loan = submit_loan(username, title=title, now=submitted,
                       sessions=[(at(day, *hours[0]), at(day, *hours[1]))])
    for number, action in enumerate(steps, start=1):
        take(loan, action, now=submitted + timedelta(minutes=12 * number))
    db.session.commit()
    return loan


def scenario():
    """The week the screenshots show; returns the dashboard's moment."""
    today = to_local(utcnow()).date()
    monday = office_day((7 - today.weekday()) % 7 or 7)
    week = [office_day((monday - today).days + n) for n in (1, 2, 3)]
    earlier = at(monday - timedelta(days=7), 9)
    booking("peminjam1", "Rapat Koordinasi Guru Penggerak", monday, ((9, 0), (12, 0)),
            ["dispose", "confirm", "schedule"], earlier)
    booking("peminjam2", "Kuliah Umum Kota Cerdas", monday, ((13, 0), (15, 30)),
            ["dispose", "confirm", "schedule"], earlier + timedelta(hours=1))
    booking("peminjam2", "Lokakarya Visualisasi Data", week[1], ((8, 30), (15, 0)),
            ["dispose", "confirm", "schedule"], earlier + timedelta(hours=2))
    booking("peminjam1", "Sosialisasi PPDB Daring", week[2], ((9, 0), (11, 30)),
            ["dispose", "confirm"], at(monday - timedelta(days=3), 14))
    # Waiting for the Kasi since Friday afternoon: over the standard time.
    booking("peminjam2", "Pelatihan Jurnalistik Mahasiswa", office_day(
        (monday - today).days + 9), ((9, 0), (12, 0)), ["dispose"],
        at(monday - timedelta(days=3), 14, 30))
    # The Kasi proposed another slot for one of peminjam1's requests.
    proposal = booking("peminjam1", "Bimbingan Teknis Operator Sekolah", office_day(
        (monday - today).days + 10), ((9, 0), (12, 0)), ["dispose"],
        at(monday - timedelta(days=4), 9))
    moved = office_day((monday - today).days + 11)
    take(proposal, "propose_reschedule", now=at(monday - timedelta(days=1), 10),
         sessions=[(at(moved, 13), at(moved, 15, 30))])
    db.session.commit()

    room = db.session.query(Room).order_by(Room.id).first()
    items = {item.name: item for item in room.equipment}
    projector = equipment_care.report_damage(
        items["Proyektor"], user("adminpc"), "Lampu proyektor redup, gambar berkedip.",
        now=at(monday - timedelta(days=4), 15))
    equipment_care.advance(projector, "in_repair", user("adminpc"),
                           "Lampu pengganti dipesan dari penyedia.",
                           now=at(monday - timedelta(days=3), 10))
    equipment_care.report_damage(items["AC"], user("kasi"),
                                 "AC sebelah kanan meneteskan air ke lantai.",
                                 now=at(monday, 7, 50))
    db.session.commit()
    return at(monday, 8, 40)


def main():
    import app.web.views.dashboard as dashboard_view

    with showing("dashboard-shots-", scenario) as (browser, base, moment):
        dashboard_view.utcnow = lambda: moment
        for username in ACCOUNTS:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            log_in(page, base, username)
            shoot(page, f"dashboard-{username}.png", full_page=True)
            context.close()


if __name__ == "__main__":
    main()
