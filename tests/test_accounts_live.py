"""Accounts on the production setup, run for real: gunicorn with two worker
processes (threads each) on the suite's database, settings from the
environment, every request on a connection of its own (so requests spread
over the workers).

A logout ends the session in every worker; the registration limit, counted
in the shared store (Redis), holds for registrations sent at the same moment
through both workers.
"""
import os
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from helpers import PASSWORD, shared_store_settings

from app import PROJECT_DIR
from app.models import Institution
from app.platform.extensions import db
from app.security.roles import PEMINJAM

sys.path.insert(0, os.path.join(PROJECT_DIR, "bench"))
from gunicorn_live import CSRF, Browser, Server, app_env  # noqa: E402

STAMP = re.compile(r'name="form_stamp" type="hidden" value="([^"]+)"')


def _server(app, tmp_path, **settings):
    db.session.remove()  # the test holds no connection while the server runs
    env = app_env(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_FOLDER"],
                  RATELIMIT_ENABLED="0", **settings)
    return Server(env, workers=2, threads=4, log_path=str(tmp_path / "gunicorn.log"))


def _copy(browser, port):
    """A browser holding a copy of ``browser``'s cookies (a stolen session)."""
    thief = Browser(port)
    thief.cookies = dict(browser.cookies)
    return thief


def test_a_logout_ends_the_session_in_every_worker(app, tmp_path):
    with _server(app, tmp_path) as server:
        borrower = Browser(server.port)
        assert borrower.login("peminjam1", PASSWORD).status == 302
        thief = _copy(borrower, server.port)
        for _ in range(6):
            assert thief.get("/loans/list/").status == 200
        _, token = borrower.csrf("/")  # the navbar's logout form
        assert borrower.post("/logout/", {"csrf_token": token}).status == 302
        for _ in range(6):
            response = thief.get("/loans/list/")
            assert response.status == 302 and "/login/" in response.location


def test_registrations_at_the_same_moment_stop_at_the_limit(app, tmp_path):
    settings = shared_store_settings()
    institution = str(db.session.query(Institution.id).filter_by(
        name="Universitas Tanjungpura").scalar())
    before = db.session.query(db.func.count(Institution.id)).scalar()
    count, limit = 12, 5
    with _server(app, tmp_path, REGISTRATION_MAX_PER_IP_PER_HOUR=limit,
                 REGISTRATION_MIN_SECONDS=0, **settings) as server:
        people = []
        for number in range(count):  # each with a form of their own
            browser = Browser(server.port)
            page = browser.get("/register/")
            people.append((browser, {
                "csrf_token": CSRF.search(page.text).group(1),
                "form_stamp": STAMP.search(page.text).group(1),
                "first_name": "Siti", "last_name": f"Nomor {number}",
                "position": "Staf", "phone": "0812-3456-7890",
                "email": f"siti{number}@untan.ac.id", "institution": institution,
                "username": f"siti{number}", "password": "RahasiaSiti2026",
                "password_repeat": "RahasiaSiti2026", "website": "",
            }))
        start = threading.Barrier(count)

        def send(person):
            browser, fields = person
            start.wait()
            return browser.post("/register/", fields).status

        with ThreadPoolExecutor(count) as pool:
            statuses = sorted(pool.map(send, people))
    assert statuses == [302] * limit + [429] * (count - limit)
    sm = app.appbuilder.sm
    made = [u for u in sm.get_all_users() if u.username.startswith("siti")]
    assert len(made) == limit
    assert all([r.name for r in u.roles] == [PEMINJAM] for u in made)
    assert db.session.query(db.func.count(Institution.id)).scalar() == before

