"""Screenshots of the agenda for the README and docs/sop-and-roles.md: docs/agenda-month.png, agenda-week.png.

    python tests/e2e/agenda_screenshots.py

Builds a scratch database (the demo data plus a month of bookings in every
state around today, and a local unavailable date), serves it on 127.0.0.1
and photographs this month's view and next week's view in Debian's Chromium
as the Admin Pontive Center. Not part of the test suite.
"""
import secrets
import sys
import tempfile
import threading
from datetime import datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from browsing import log_in  # noqa: E402
from conftest import CHROMIUM  # noqa: E402
from helpers import submit_loan, take  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.models import ClosedDate  # noqa: E402
from app.ops.demo import load_demo  # noqa: E402
from app.ops.setup import prepare_database  # noqa: E402
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
    scratch = Path(tempfile.mkdtemp(prefix="agenda-shots-"))
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'shots.db'}",
        "UPLOAD_FOLDER": str(scratch / "uploads"),
        "SECRET_KEY": secrets.token_hex(32),
        "SERVER_NAME": None,
    })
    with app.app_context():
        prepare_database()
        load_demo()
        next_week = scenario()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    shots = {"agenda-month.png": "/agenda/",
             "agenda-week.png": f"/agenda/?view=week&date={next_week.isoformat()}"}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            log_in(page, base, "adminpc")
            for name, path in shots.items():
                page.goto(base + path)
                target = ROOT / "docs" / name
                page.screenshot(path=str(target), full_page=True)
                print(target)
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)


if __name__ == "__main__":
    main()
