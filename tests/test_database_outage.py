"""A database that cannot be reached.

While the app runs: every page answers 503 in Indonesian ("briefly
unavailable"), the API a 503 JSON body, never a 500 or a stack trace, and the
app serves again once the database is back. At start (``python run.py``,
``flask --app app ...``, gunicorn): one line naming the database without its
password and what failed, and a non-zero status, instead of a traceback.

Runs on the suite's database: SQLite (the file replaced by a directory, which
no connection can open) or PostgreSQL (the database dropped under the app,
its connections cut, then made again from the template).
"""
import os
import subprocess
import sys

import pytest
from helpers import api_token, loans_of, login, stored_counts
from sqlalchemy.engine import make_url

from app import PROJECT_DIR
from app.platform.extensions import db

TITLE = "Layanan sedang tidak tersedia"


class Outage:
    """Takes the app's database away and brings it back."""

    def __init__(self, template_database, url):
        self.template = template_database
        self.url = make_url(url)

    def begin(self):
        db.session.remove()  # the test itself holds no connection
        if self.template["kind"] == "sqlite":
            db.engine.dispose()  # SQLite has no server: new connections fail
            path = self.url.database
            os.rename(path, path + ".away")
            os.mkdir(path)
        else:  # cuts the app's pooled connections as well
            self.template["pg"].drop(self.url.database)

    def end(self):
        if self.template["kind"] == "sqlite":
            path = self.url.database
            os.rmdir(path)
            os.rename(path + ".away", path)
        else:
            self.template["pg"].create(self.url.database, template=self.template["name"])


@pytest.fixture
def outage(template_database, database_url):
    return Outage(template_database, database_url)


def test_pages_and_api_answer_503_while_the_database_is_away(app, outage):
    loan_id = loans_of("peminjam1")[0].id
    before = stored_counts()
    borrower = login(app.test_client(), "peminjam1")
    token = api_token(app.test_client(), "peminjam1")
    db.session.remove()

    outage.begin()
    try:
        anonymous = app.test_client()
        for what, response in [
            ("dashboard", borrower.get("/")),
            ("request page", borrower.get(f"/loans/show/{loan_id}")),
            ("step", borrower.post(f"/loans/step/cancel/{loan_id}", data={
                "reason": "Batal"})),
            ("login page", anonymous.get("/login/")),
            ("login", anonymous.post("/login/", data={
                "username": "peminjam1", "password": "Pontive#2026"})),
        ]:
            assert response.status_code == 503, (what, response.status_code)
            page = response.get_data(as_text=True)
            assert TITLE in page and "coba lagi" in page, what
            assert "Traceback" not in page and "sqlalchemy" not in page.lower(), what
            assert response.headers["Retry-After"] == "60"
            assert response.headers["Cache-Control"] == "no-store"
        for what, response in [
            ("list", anonymous.get("/api/v1/loans/", headers=token)),
            ("request", anonymous.get(f"/api/v1/loans/{loan_id}", headers=token)),
            ("rooms", anonymous.get("/api/v1/rooms/", headers=token)),
            ("step", anonymous.post(f"/api/v1/loans/{loan_id}/cancel", json={},
                                    headers=token)),
            ("login", anonymous.post("/api/v1/security/login", json={
                "username": "peminjam1", "password": "Pontive#2026",
                "provider": "db"})),
        ]:
            assert response.status_code == 503, (what, response.status_code)
            assert response.mimetype == "application/json", what
            assert "sementara tidak tersedia" in response.get_json()["message"], what
    finally:
        outage.end()

    # Back: the next requests are served (a connection the outage cut is
    # found dead once, then the pool connects anew), and nothing changed.
    statuses = [borrower.get("/").status_code for _ in range(2)]
    assert statuses[-1] == 200, statuses
    assert anonymous.get("/api/v1/loans/", headers=token).status_code == 200
    assert stored_counts() == before


# ---------------------------------------------------------------- at start

BAD_URLS = {
    "refused": ("postgresql://pontive:rahasia-sekali@127.0.0.1:9/pontive",
                "postgresql+psycopg://pontive:***@127.0.0.1:9/pontive",
                "Connection refused"),
    "no-such-file": ("sqlite:////tidak/ada/folder/pontive.db",
                     "sqlite:////tidak/ada/folder/pontive.db",
                     "unable to open database file"),
    "unreadable": ("bukan-url:rahasia-sekali", "(unreadable URL)", "Could not parse"),
}
COMMANDS = {
    "run.py": [sys.executable, "run.py", "--port", "9"],
    "flask setup": [sys.executable, "-m", "flask", "--app", "app", "setup"],
    "flask db upgrade": [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
    "gunicorn": [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
}


# Every way to start with a server that refuses; every kind of bad URL once.
STARTS = [(command, "refused") for command in sorted(COMMANDS)] + [
    ("flask setup", "no-such-file"), ("run.py", "unreadable")]


@pytest.mark.parametrize("command,case", STARTS)
def test_starting_without_the_database_prints_one_line(command, case, tmp_path):
    url, shown, failure = BAD_URLS[case]
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "uji-" + "x" * 32,
           "UPLOAD_FOLDER": str(tmp_path), "PYTHONPATH": PROJECT_DIR,
           "GUNICORN_BIND": "127.0.0.1:0", "GUNICORN_ACCESSLOG": "",
           # Set as in production: no warning about it beside the one line.
           "APP_BASE_URL": "https://pontive.pontianak.go.id"}
    result = subprocess.run(COMMANDS[command], check=False, cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "rahasia-sekali" not in output  # no password
    lines = [line for line in result.stderr.splitlines()
             if "[INFO]" not in line]  # gunicorn's own start and stop lines
    assert len(lines) == 1, output
    assert lines[0].startswith(f"Cannot use the database {shown}: "), lines[0]
    assert failure in lines[0]
