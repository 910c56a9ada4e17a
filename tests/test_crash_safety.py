"""A worker killed (SIGKILL) in the middle of a request leaves no half-written
request, history row or file.

The app runs in a real gunicorn worker. To stop it at the worst moment, the
test holds a lock the request's commit must wait for: on PostgreSQL a SHARE
lock on status_history (the worker has written its other rows and waits to
insert the history row), on SQLite a reader's lock (the worker has written
its pages into the journal and waits for the exclusive lock to commit). Then
the worker is killed, the lock released, and the database and the upload
folder are compared with before. No hook in the app's code is involved.
"""
import contextlib
import os
import socket
import sqlite3
import sys
import threading
import time

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, make_pdf, office_day, stored_counts, submit_loan, take
from sqlalchemy.engine import make_url

from app import PROJECT_DIR
from app.models import LoanRequest, LoanSession, LoanStatus
from app.platform.extensions import db

sys.path.insert(0, os.path.join(PROJECT_DIR, "bench"))
from gunicorn_live import Browser, Server, app_env, flask, multipart  # noqa: E402


@pytest.fixture
def server(app, tmp_path):
    db.session.remove()
    env = app_env(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_FOLDER"],
                  RATELIMIT_ENABLED="0")
    with Server(env, workers=1, threads=2, log_path=str(tmp_path / "gunicorn.log")) as running:
        yield running


def logged_in(server, username):
    browser = Browser(server.port)
    assert browser.login(username, PASSWORD).status == 302
    return browser


def is_sqlite(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


@contextlib.contextmanager
def commit_blocked(app):
    """Hold a lock that makes the next commit of the app wait; yields a
    function telling whether some request is waiting for it now."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if is_sqlite(app):
        path = make_url(url).database
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM loan_request").fetchall()  # SHARED lock
        try:
            # The writer has its pages in the journal when the journal exists.
            yield lambda: os.path.exists(path + "-journal")
        finally:
            reader.execute("ROLLBACK")
            reader.close()
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    watcher = sa.create_engine(url, poolclass=sa.pool.NullPool)

    def waiting():
        with watcher.connect() as connection:
            return connection.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'")).scalar_one() > 0

    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            connection.execute(sa.text("LOCK TABLE status_history IN SHARE MODE"))
            yield waiting
            transaction.rollback()
    finally:
        engine.dispose()
        watcher.dispose()


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("the request never reached the point to kill it at")


def in_background(call):
    """Run ``call`` (a request the test will kill) in a thread."""
    outcome = {}

    def run():
        try:
            outcome["response"] = call()
        except OSError as error:  # the connection dies with the worker
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def kill_worker(server):
    (pid,) = server.worker_pids()
    os.kill(pid, 9)
    server.wait_for_workers(1, excluding=[pid])


def files(app):
    return sorted(os.listdir(app.config["UPLOAD_FOLDER"]))


def database_intact(app):
    db.session.remove()
    if is_sqlite(app):
        assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"


def submission(borrower, title):
    form, token = borrower.csrf("/loans/add")
    day = office_day(33)
    room = db.session.query(LoanRequest.room_id).first()[0]
    return {
        "csrf_token": token, "kind": "peminjaman", "room": str(room), "title": title,
        "participants": "15", "sessions-start": f"{day.isoformat()}T13:00",
        "sessions-end": f"{day.isoformat()}T15:00", "letter_number": f"{title}/2026",
        "letter_date": day.isoformat(), "subject": "Permohonan", "contact_name": "Rina",
        "contact_phone": "0812-1234-5678", "no_buffet_pledge": "y",
    }


def test_killed_between_storing_the_letter_and_committing(app, server):
    borrower = logged_in(server, "peminjam1")
    fields = submission(borrower, "Rapat terputus")
    letter = make_pdf("Surat yang terputus")
    counts, before = stored_counts(), files(app)
    db.session.remove()

    with commit_blocked(app) as waiting:
        thread, outcome = in_background(lambda: borrower.post_multipart(
            "/loans/add", fields, {"letter": ("surat.pdf", letter)}))
        wait_until(lambda: len(files(app)) > len(before) and waiting())
        time.sleep(0.3)
        kill_worker(server)
        thread.join(timeout=30)
    assert "response" not in outcome

    database_intact(app)
    assert stored_counts() == counts
    assert db.session.query(LoanRequest).filter_by(title="Rapat terputus").count() == 0
    # What is on disk is whole (never a half-written letter under a letter's
    # name), and no row names it: the sweep removes it.
    (orphan,) = sorted(set(files(app)) - set(before))
    assert not orphan.endswith(".part")
    with open(os.path.join(app.config["UPLOAD_FOLDER"], orphan), "rb") as handle:
        assert handle.read() == letter
    env = app_env(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_FOLDER"])
    swept = flask(env, "sweep-letters", "--grace", "0").stdout
    assert f"removed {orphan}" in swept
    assert set(files(app)) - {".maintenance.lock"} == set(before)

    # The new worker takes the same submission, whole.
    again = borrower.post_multipart("/loans/add", submission(borrower, "Rapat terputus"),
                                    {"letter": ("surat.pdf", letter)})
    assert again.status == 302
    db.session.expire_all()
    (loan,) = db.session.query(LoanRequest).filter_by(title="Rapat terputus").all()
    assert [h.action for h in loan.history] == ["submit"]
    assert loan.letter_file in files(app)


def test_killed_in_the_middle_of_a_confirmation(app, server):
    loan = submit_loan("peminjam2", title="Konfirmasi terputus", days_ahead=37)
    take(loan, "dispose")
    db.session.commit()
    loan_id = loan.id
    history = [(h.id, h.action) for h in loan.history]
    counts = stored_counts()
    db.session.remove()
    kasi = logged_in(server, "kasi")
    _, token = kasi.csrf(f"/loans/step/confirm/{loan_id}")

    with commit_blocked(app) as waiting:
        thread, outcome = in_background(lambda: kasi.post(
            f"/loans/step/confirm/{loan_id}", {"csrf_token": token, "pledge_checked": "y"}))
        wait_until(waiting)
        time.sleep(0.3)
        kill_worker(server)
        thread.join(timeout=30)
    assert "response" not in outcome

    database_intact(app)
    assert stored_counts() == counts
    loan = db.session.get(LoanRequest, loan_id)
    assert loan.status == LoanStatus.DISPOSED
    assert [(h.id, h.action) for h in loan.history] == history
    assert db.session.query(LoanSession).filter_by(loan_id=loan_id, occupying=True).count() == 0

    # The slot is still free: the new worker confirms it.
    _, token = kasi.csrf(f"/loans/step/confirm/{loan_id}")
    done = kasi.post(f"/loans/step/confirm/{loan_id}",
                     {"csrf_token": token, "pledge_checked": "y"})
    assert done.status == 302
    db.session.expire_all()
    assert db.session.get(LoanRequest, loan_id).status == LoanStatus.CONFIRMED


def test_killed_while_the_letter_is_still_arriving(app, server):
    borrower = logged_in(server, "peminjam1")
    fields = submission(borrower, "Unggahan lambat")
    body, content_type = multipart(fields, {"letter": ("surat.pdf", make_pdf() * 8)})
    counts, before = stored_counts(), files(app)
    db.session.remove()

    connection = socket.create_connection(("127.0.0.1", server.port))
    cookies = "; ".join(f"{k}={v}" for k, v in borrower.cookies.items())
    connection.sendall(
        (f"POST /loans/add HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n"
         f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        + body[:len(body) // 2])
    time.sleep(0.5)
    kill_worker(server)
    connection.close()

    database_intact(app)
    assert stored_counts() == counts
    assert files(app) == before
