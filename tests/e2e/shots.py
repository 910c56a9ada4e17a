"""What the scripts that make the pictures in docs/ share (they are run by
hand, not by the test suite): a scratch SQLite database with the demo data
and a script's own scenario, the app served on 127.0.0.1, and Debian's
Chromium, headless, to look at it. They run on the suite's office clock
(tests/clock.py, PONTIVE_TODAY), so each picture shows the same days whenever
it is made."""
import contextlib
import logging
import os
import secrets
import tempfile
from pathlib import Path

from apps import serving
from clock import start_clock
from conftest import CHROMIUM
from playwright.sync_api import sync_playwright

from app import create_app
from app.ops.demo import load_demo
from app.ops.setup import prepare_database
from app.platform.extensions import db

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def demo_app(scratch, scenario=None, **config):
    """An app on a new SQLite database in ``scratch`` holding the demo data and
    what ``scenario`` (called in the app context) adds; returns the app and
    what the scenario returned."""
    start_clock(os.environ.get("PONTIVE_TODAY", ""))
    database = scratch / "demo.db"
    database.unlink(missing_ok=True)  # a kept scratch directory starts afresh
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "UPLOAD_FOLDER": str(scratch / "uploads"),
        "SECRET_KEY": secrets.token_hex(32),
        "SERVER_NAME": None,
        "SESSION_COOKIE_SECURE": False,  # plain http on 127.0.0.1
        **config,
    })
    with app.app_context():
        prepare_database()
        load_demo()
        staged = scenario() if scenario else None
        db.session.remove()
    return app, staged


@contextlib.contextmanager
def showing(prefix, scenario=None, **config):
    """The demo app with ``scenario`` on a scratch database (a new temporary
    directory named from ``prefix``), served on a free port; yields
    (Chromium, the base URL, what the scenario returned)."""
    logging.disable(logging.INFO)  # the server's log would bury the pictures' paths
    app, staged = demo_app(Path(tempfile.mkdtemp(prefix=prefix)), scenario, **config)
    with serving(app) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox"])
        try:
            yield browser, base_url, staged
        finally:
            browser.close()


def shoot(subject, name, **options):
    """A screenshot of a page or a locator as docs/``name``; prints its path."""
    target = DOCS / name
    subject.screenshot(path=str(target), **options)
    print(target)
