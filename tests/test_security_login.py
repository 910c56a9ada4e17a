"""Logging in: the rate limit (web form and API, shared through Redis across
processes), disabled accounts (web, API and an old JWT), and the audit log of
every successful and failed login."""
import logging
import os
import socket
import uuid

import pytest
from apps import make_app, running
from helpers import PASSWORD, user

from app.platform.extensions import db

API_LOGIN = "/api/v1/security/login"
REDIS = ("127.0.0.1", 6379)


def _limited_app(database_url, tmp_path, limit="3 per 5 minutes", **extra):
    return make_app(database_url, str(tmp_path / "uploads"), RATELIMIT_ENABLED=True,
                     AUTH_RATE_LIMIT=limit, **extra)


def web_login(client, username, password):
    return client.post("/login/", data={"username": username, "password": password})


def api_login(client, username, password):
    return client.post(API_LOGIN, json={"username": username, "password": password,
                                        "provider": "db"})


# ------------------------------------------------------------------ rate limit

def test_login_limit_is_on_by_default():
    import config

    assert config.RATELIMIT_ENABLED is True
    assert config.AUTH_RATE_LIMITED is True
    assert config.AUTH_RATE_LIMIT == "10 per 5 minutes"
    assert config.RATELIMIT_STORAGE_URI == "memory://"


def test_tests_are_not_throttled_by_default(client):
    for _ in range(15):
        assert web_login(client, "kabid", "salah-sandi").status_code in (200, 302)


@pytest.mark.parametrize("channel", ["web", "api"])
def test_too_many_failed_logins_get_429(database_url, tmp_path, channel):
    attempt = web_login if channel == "web" else api_login
    with running(_limited_app(database_url, tmp_path)) as app:
        client = app.test_client()
        for _ in range(3):
            response = attempt(client, "kabid", "salah-sandi")
            assert response.status_code in ((200, 302) if channel == "web" else (401,))
        refused = attempt(client, "kabid", PASSWORD)  # even the right password now
        assert refused.status_code == 429
        if channel == "web":
            assert "Terlalu banyak percobaan" in refused.get_data(as_text=True)
            assert not client.get("/loans/list/").status_code == 200
        else:
            assert "access_token" not in refused.get_data(as_text=True)
            assert refused.get_json()["message"]
        # The other channel has its own count.
        other = api_login if channel == "web" else web_login
        assert other(client, "kabid", PASSWORD).status_code in (200, 302)


def _redis_reachable():
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


def test_two_processes_share_the_count_in_redis(database_url, tmp_path):
    if not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379 in CI")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
                # A fresh key space, so that other runs cannot interfere.
                "RATELIMIT_KEY_PREFIX": f"pontive-test-{uuid.uuid4().hex}",
                "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False}
    first = _limited_app(database_url, tmp_path, **settings)
    second = _limited_app(database_url, tmp_path, **settings)
    with running(first):
        for _ in range(2):
            assert web_login(first.test_client(), "kabid", "salah").status_code != 429
    with running(second):
        assert web_login(second.test_client(), "kabid", "salah").status_code != 429
        # The fourth attempt, counted across both "workers", is refused.
        assert web_login(second.test_client(), "kabid", PASSWORD).status_code == 429
    with running(first):
        assert web_login(first.test_client(), "kabid", PASSWORD).status_code == 429


# ------------------------------------------------------------- disabled accounts

def _deactivate(username):
    account = user(username)
    account.active = False
    db.session.commit()


def test_disabled_account_cannot_log_in_on_the_web(app, client):
    _deactivate("peminjam1")
    response = web_login(client, "peminjam1", PASSWORD)
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]
    page = client.get("/loans/list/", follow_redirects=True)
    assert "peminjam1" not in page.get_data(as_text=True)
    assert client.get("/loans/list/").status_code == 302  # to the login page


def test_disabled_account_cannot_log_in_on_the_api(app, client):
    assert api_login(client, "peminjam1", PASSWORD).status_code == 200  # control
    _deactivate("peminjam1")
    response = api_login(client, "peminjam1", PASSWORD)
    assert response.status_code == 401
    assert "access_token" not in response.get_data(as_text=True)


def test_disabled_account_old_token_is_refused(app, client):
    token = api_login(client, "peminjam1", PASSWORD).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/loans/", headers=headers).status_code == 200
    _deactivate("peminjam1")
    response = client.get("/api/v1/loans/", headers=headers)
    assert response.status_code == 401
    assert "ids" not in (response.get_json() or {})


def test_disabled_account_session_ends(app, login_as):
    browser = login_as("peminjam1")
    assert browser.get("/loans/list/").status_code == 200
    _deactivate("peminjam1")
    assert browser.get("/loans/list/").status_code == 302  # logged out


# -------------------------------------------------------------------- audit log

def _audit(caplog):
    return [r for r in caplog.records if r.name == "app.security.audit"]


@pytest.mark.parametrize("channel", ["web", "api"])
def test_logins_are_logged_without_passwords(client, caplog, channel):
    attempt = web_login if channel == "web" else api_login
    caplog.set_level(logging.INFO, logger="app.security.audit")
    fresh = client.application.test_client
    attempt(fresh(), "kabid", "Salah#Sandi-123")
    attempt(fresh(), "kabid", PASSWORD)
    attempt(fresh(), "tidak-ada", "Sandi#Lain-456")
    records = _audit(caplog)
    lines = [r.getMessage() for r in records]
    assert len(lines) == 3, lines
    failed, succeeded, unknown = lines
    for line in lines:
        assert "client=127.0.0.1" in line
        assert f"via={channel}" in line
        assert " at=20" in line
        for password in ("Salah#Sandi-123", PASSWORD, "Sandi#Lain-456"):
            assert password not in line
    assert failed.startswith("login failed") and "username='kabid'" in failed
    assert records[0].levelno == logging.WARNING
    assert succeeded.startswith("login succeeded") and "username='kabid'" in succeeded
    assert records[1].levelno == logging.INFO
    assert "username='tidak-ada'" in unknown and unknown.startswith("login failed")


def test_inactive_and_forged_usernames_are_logged_safely(client, caplog):
    caplog.set_level(logging.INFO, logger="app.security.audit")
    _deactivate("peminjam2")
    web_login(client, "peminjam2", PASSWORD)
    web_login(client, "kabid\nlogin succeeded: username='admin'", "x")
    lines = [r.getMessage() for r in _audit(caplog)]
    assert "username='peminjam2'" in lines[0] and "reason=inactive account" in lines[0]
    assert len(lines) == 2 and "\n" not in lines[1]
    assert lines[1].startswith("login failed")
