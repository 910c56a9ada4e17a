"""The screenshot of the bell for docs/sop-and-roles.md: docs/notices-bell.png.

    python tests/e2e/notices_screenshot.py

Builds a scratch database (the demo data, then a request of peminjam1 that
the Kabid disposes and the Kasi proposes another schedule for), serves it on
127.0.0.1 and photographs peminjam1's Notifikasi page, with the bell and its
count in the navbar, in Debian's Chromium. Not part of the test suite.
"""
import secrets
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from browsing import log_in  # noqa: E402
from conftest import CHROMIUM  # noqa: E402
from helpers import free_office_day, submit_loan, take  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.ops.demo import load_demo  # noqa: E402
from app.ops.setup import prepare_database  # noqa: E402
from app.platform.extensions import db  # noqa: E402


def scenario():
    day = free_office_day(25, start=(9, 0), end=(14, 0))
    loan = submit_loan("peminjam1", title="Rapat Koordinasi Pendidikan Inklusif", day=day)
    take(loan, "dispose")
    start = loan.sessions[0].starts_at
    take(loan, "propose_reschedule",
         sessions=((start + timedelta(hours=4), start + timedelta(hours=5)),))
    db.session.commit()


def main():
    scratch = Path(tempfile.mkdtemp(prefix="notice-shots-"))
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'shots.db'}",
        "UPLOAD_FOLDER": str(scratch / "uploads"),
        "SECRET_KEY": secrets.token_hex(32),
        "SERVER_NAME": None,
    })
    with app.app_context():
        prepare_database()
        load_demo()
        scenario()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1366, "height": 700})
            log_in(page, base, "peminjam1")
            page.goto(f"{base}/notices/")
            target = ROOT / "docs" / "notices-bell.png"
            page.screenshot(path=str(target))
            print(target)
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)


if __name__ == "__main__":
    main()
