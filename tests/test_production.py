"""The production setup, run for real: gunicorn with two workers (wsgi.py,
gunicorn.conf.py) on the suite's database, settings from the environment.

Several processes behave as one: a login holds in workers that never saw it,
concurrent confirmations of one slot through both workers book it once, the
login limit is counted in the shared store, and the server refuses a database
the migrations have not reached until ``flask --app app setup`` runs.
"""
import os
import re
import socket
import sys
import threading
import time as clock
import uuid
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, make_pdf, office_day, submit_loan, take
from test_crash_safety import commit_blocked, in_background, wait_until

from app import PROJECT_DIR
from app.models import LoanRequest, LoanStatus
from app.platform.extensions import db
from app.platform.timeutil import from_local

sys.path.insert(0, os.path.join(PROJECT_DIR, "bench"))
from gunicorn_live import Browser, Server, app_env, flask  # noqa: E402

OVERLAPS = sa.text("""
    SELECT a.id, b.id FROM loan_session AS a
    JOIN loan_session AS b
      ON a.room_id = b.room_id AND a.loan_id <> b.loan_id AND a.id < b.id
    WHERE a.occupying AND b.occupying
      AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until
""")


def server_env(app, **extra):
    return app_env(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_FOLDER"],
                   **{"RATELIMIT_ENABLED": "0", **extra})


@pytest.fixture
def server(app, tmp_path):
    db.session.remove()  # the test holds no connection while the server runs
    with Server(server_env(app), workers=2, threads=4,
                log_path=str(tmp_path / "gunicorn.log")) as running:
        yield running


def logged_in(server, username):
    browser = Browser(server.port)
    response = browser.login(username, PASSWORD)
    assert response.status == 302 and "/login" not in response.location
    return browser


def test_a_login_holds_in_workers_that_never_saw_it(server):
    borrower = logged_in(server, "peminjam1")
    before = server.worker_pids()
    assert len(before) == 2
    for pid in before:
        os.kill(pid, 9)
    after = server.wait_for_workers(2, excluding=before)
    assert not set(after) & set(before)
    for _ in range(6):
        page = borrower.get("/loans/list/")
        assert page.status == 200
        assert "Rapat Koordinasi Kurikulum Merdeka" in page.text  # peminjam1's own


def test_web_form_submission_with_csrf_through_gunicorn(app, server):
    borrower = logged_in(server, "peminjam1")
    form, token = borrower.csrf("/loans/add")
    assert form.status == 200 and token
    room = re.search(r'<option[^>]*value="(\d+)"[^>]*>Ruang Rapat Pontive Center', form.text)
    day = office_day(28)
    fields = {
        "csrf_token": token, "kind": "peminjaman", "room": room.group(1),
        "title": "Rapat lewat gunicorn", "participants": "20",
        "sessions-start": f"{day.isoformat()}T09:00", "sessions-end": f"{day.isoformat()}T11:00",
        "letter_number": "001/GUNICORN/2026", "letter_date": day.isoformat(),
        "subject": "Permohonan", "contact_name": "Rina", "contact_phone": "0812-1234-5678",
        "no_buffet_pledge": "y",
    }
    refused = borrower.post_multipart("/loans/add", dict(fields, csrf_token="palsu"),
                                      {"letter": ("surat.pdf", make_pdf())})
    assert refused.status in (200, 400)
    done = borrower.post_multipart("/loans/add", fields, {"letter": ("surat.pdf", make_pdf())})
    assert done.status == 302, done.text[:500]
    db.session.expire_all()
    stored = db.session.query(LoanRequest).filter_by(title="Rapat lewat gunicorn").all()
    assert len(stored) == 1 and stored[0].status == LoanStatus.SUBMITTED
    assert os.path.isfile(os.path.join(app.config["UPLOAD_FOLDER"], stored[0].letter_file))


def test_concurrent_confirmations_through_both_workers_book_the_slot_once(app, server):
    day = office_day(42)
    loans = []
    for n in range(10):
        start = from_local(datetime.combine(day, time(9, 0))) + timedelta(minutes=5 * n)
        loan = submit_loan(("peminjam1", "peminjam2")[n % 2], title=f"Serentak {n}",
                           sessions=[(start, start + timedelta(hours=2))])
        take(loan, "dispose")
        db.session.commit()
        loans.append(loan.id)
    db.session.remove()

    kasis = [logged_in(server, "kasi") for _ in loans]
    tokens = [kasi.csrf(f"/loans/step/confirm/{pk}")[1] for kasi, pk in zip(kasis, loans)]
    barrier = threading.Barrier(len(loans))
    results = {}

    def confirm(kasi, pk, token):
        barrier.wait(timeout=60)
        results[pk] = kasi.post(f"/loans/step/confirm/{pk}",
                                {"csrf_token": token, "pledge_checked": "y"})

    threads = [threading.Thread(target=confirm, args=args)
               for args in zip(kasis, loans, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = sorted(r.status for r in results.values())
    assert statuses == [200] * 9 + [302]  # one redirect to the confirmed request
    for pk, response in results.items():
        if response.status == 200:
            assert "Ruang sudah dipesan" in response.text
    db.session.expire_all()
    confirmed = db.session.query(LoanRequest).filter(
        LoanRequest.id.in_(loans), LoanRequest.status == LoanStatus.CONFIRMED).all()
    assert len(confirmed) == 1
    assert db.session.execute(OVERLAPS).all() == []


def test_two_steps_on_one_request_at_once_one_wins(app, server):
    """The Kasi confirms in one tab and rejects in another while the first
    waits to commit: the second sees the confirmation and is refused; the
    history stays one unbroken chain."""
    loan = submit_loan("peminjam1", title="Dua langkah sekaligus", days_ahead=44)
    take(loan, "dispose")
    db.session.commit()
    loan_id, rows_before = loan.id, len(loan.history)
    db.session.remove()
    tabs = [logged_in(server, "kasi") for _ in range(2)]
    confirm_token = tabs[0].csrf(f"/loans/step/confirm/{loan_id}")[1]
    reject_token = tabs[1].csrf(f"/loans/step/reject/{loan_id}")[1]

    with commit_blocked(app) as waiting:
        first, confirmed = in_background(lambda: tabs[0].post(
            f"/loans/step/confirm/{loan_id}",
            {"csrf_token": confirm_token, "pledge_checked": "y"}))
        wait_until(waiting)
        second, rejected = in_background(lambda: tabs[1].post(
            f"/loans/step/reject/{loan_id}",
            {"csrf_token": reject_token, "reason": "Ruangan dipakai dinas"}))
        clock.sleep(1.5)  # the rejection has read the request and waits too
    first.join(timeout=60)
    second.join(timeout=60)
    refusal = "tidak dapat dilakukan selama permohonan berstatus Dikonfirmasi"
    assert confirmed["response"].status == 302
    answer = rejected["response"]
    if answer.status == 302:  # refused before its form was read: shown on the request
        assert f"/loans/show/{loan_id}" in answer.location
        answer = tabs[1].get(urlsplit(answer.location).path)
    assert refusal in answer.text
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan_id)
    assert loan.status == LoanStatus.CONFIRMED
    history = sorted(loan.history, key=lambda h: h.id)
    assert len(history) == rows_before + 1 and history[-1].action == "confirm"
    assert all(a.to_status == b.from_status for a, b in zip(history, history[1:]))
    assert all(s.occupying for s in loan.sessions)


def _redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def test_the_login_limit_is_counted_once_for_all_workers(app, tmp_path):
    import config

    if not hasattr(config, "RATELIMIT_STORAGE_URI") or not _redis_reachable():
        pytest.skip("needs the login limit (RATELIMIT_STORAGE_URI) and Redis on 6379")
    db.session.remove()
    env = server_env(app, RATELIMIT_ENABLED="1",
                     LOGIN_ACCOUNT_FAILURE_LIMIT="4 per 10 minutes",
                     RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
                     RATELIMIT_KEY_PREFIX=f"pontive-test-{uuid.uuid4().hex}")
    with Server(env, workers=2, threads=4, log_path=str(tmp_path / "g.log")) as server:
        first = server.worker_pids()
        outcomes = []
        for attempt in range(3):
            outcomes.append(Browser(server.port).login("peminjam1", "salah").status)
        for pid in first:  # new processes: nothing counted in memory survives
            os.kill(pid, 9)
        server.wait_for_workers(2, excluding=first)
        for attempt in range(3):
            outcomes.append(Browser(server.port).login("peminjam1", "salah").status)
    assert outcomes.count(429) == 2, outcomes


def test_setup_command_prepares_an_empty_database_for_the_server(template_database,
                                                                 tmp_path):
    if template_database["kind"] == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'baru.db'}", None
    else:
        pg = template_database["pg"]
        name = f"{pg.prefix}_prod_{uuid.uuid4().hex[:8]}"
        pg.create(name)
        url, drop = pg.url(name), lambda: pg.drop(name)
    try:
        env = app_env(url, tmp_path / "uploads", RATELIMIT_ENABLED="0")
        with pytest.raises(RuntimeError):
            Server(env, workers=1, threads=2, log_path=str(tmp_path / "refused.log")).start()
        with open(tmp_path / "refused.log") as log:
            assert "flask --app app setup" in log.read()

        result = flask(env, "setup")
        password = re.search(r"account 'admin' with password (\S+);", result.stdout).group(1)
        again = flask(env, "setup").stdout
        assert "admin" not in again  # the second run creates nobody
        with Server(env, workers=2, threads=2, log_path=str(tmp_path / "ok.log")) as server:
            response = Browser(server.port).login("admin", password)
            assert response.status == 302 and "/login" not in response.location
    finally:
        if drop:
            drop()


def test_the_load_script_runs_and_checks(app, tmp_path):
    """bench/load.py in small (the real run: 50 people for 60 s, docs/performance.md)."""
    import load

    db.session.remove()
    result = load.run_load(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_FOLDER"],
                           users=10, seconds=8, workers=2, threads=4,
                           log_path=str(tmp_path / "load.log"), echo=lambda *_: None)
    assert result["errors"] == 0, result["error_samples"]
    assert result["checks"]["overlapping_sessions"] == 0
    assert result["checks"]["broken_histories"] == []
    assert result["requests"] > 0 and result["ok"]
