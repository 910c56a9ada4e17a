"""Logging in: the limit on wrong passwords (per account and per address, web
form and API together, shared through Redis across processes), disabled
accounts (web, API and an old JWT), and the audit log of every successful and
failed login."""
import logging
import socket
import time

import pytest
from apps import make_app, running
from helpers import PASSWORD, shared_store_settings, user, visible_text

from app.platform.extensions import db

API_LOGIN = "/api/v1/security/login"
WRONG = "Salah#Sandi-2026"
REFUSED = "Terlalu banyak percobaan masuk dengan kata sandi yang salah."


def _limited_app(database_url, tmp_path, account="3 per 15 minutes",
                 address="6 per 15 minutes", **extra):
    return make_app(database_url, str(tmp_path / "uploads"), RATELIMIT_ENABLED=True,
                    LOGIN_ACCOUNT_FAILURE_LIMIT=account,
                    LOGIN_ADDRESS_FAILURE_LIMIT=address, **extra)


@pytest.fixture
def limited(database_url, tmp_path):
    with running(_limited_app(database_url, tmp_path)) as app:
        yield app


def web_login(client, username, password, address="127.0.0.1"):
    return client.post("/login/", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def api_login(client, username, password, address="127.0.0.1"):
    return client.post(API_LOGIN, json={"username": username, "password": password,
                                        "provider": "db"},
                       environ_base={"REMOTE_ADDR": address})


def logged_in(response):
    """True if the login succeeded (web: to the dashboard; API: a token)."""
    if response.is_json:
        return response.status_code == 200 and "access_token" in response.get_json()
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def refused(response):
    """True if the login limit refused it, saying so in Indonesian."""
    if response.status_code != 429 or int(response.headers["Retry-After"]) < 1:
        return False
    text = (response.get_json()["message"] if response.is_json
            else visible_text(response))
    return REFUSED in text and "Coba lagi pukul" in text


# ------------------------------------------------------------------ login limit

def test_login_limit_is_on_by_default():
    import config

    assert config.RATELIMIT_ENABLED is True
    assert config.LOGIN_ACCOUNT_FAILURE_LIMIT == "5 per 15 minutes"
    assert config.LOGIN_ADDRESS_FAILURE_LIMIT == "20 per 15 minutes"
    assert config.AUTH_RATE_LIMITED is False  # FAB's limit counted successes too
    assert config.RATELIMIT_STORAGE_URI == "memory://"


def test_tests_are_not_throttled_by_default(client):
    for _ in range(15):
        assert web_login(client, "kabid", "salah-sandi").status_code in (200, 302)


def test_an_office_behind_one_address_is_never_held_up_by_its_logins(limited):
    for _ in range(5):
        for name in ("peminjam1", "peminjam2", "kabid", "kasi", "adminpc"):
            assert logged_in(web_login(limited.test_client(), name, PASSWORD)), name
            assert logged_in(api_login(limited.test_client(), name, PASSWORD)), name


@pytest.mark.parametrize("channel", ["web", "api"])
def test_too_many_wrong_passwords_close_the_account_for_a_while(limited, channel):
    attempt, other = ((web_login, api_login) if channel == "web"
                      else (api_login, web_login))
    client = limited.test_client()
    for _ in range(3):
        assert not logged_in(attempt(client, "kabid", WRONG))
    # Now even the right password is refused, on both channels, and the
    # page says why and when to try again.
    response = attempt(client, "kabid", PASSWORD)
    assert refused(response)
    if channel == "web":
        assert client.get("/loans/list/").status_code == 302  # not logged in
        assert 'name="username"' in response.get_data(as_text=True)  # the form
    else:
        assert "access_token" not in response.get_data(as_text=True)
    assert refused(other(limited.test_client(), "kabid", PASSWORD))
    # From another address too: the account's count is the account's.
    assert refused(attempt(limited.test_client(), "kabid", PASSWORD, "10.0.0.9"))
    # Other accounts from the same address are not affected.
    assert logged_in(attempt(limited.test_client(), "kasi", PASSWORD))


def test_the_lockout_is_short(database_url, tmp_path):
    # The default window: at most 15 minutes, as the message says.
    with running(make_app(database_url, str(tmp_path / "uploads"),
                          RATELIMIT_ENABLED=True)) as app:
        for _ in range(5):
            web_login(app.test_client(), "kabid", WRONG)
        response = web_login(app.test_client(), "kabid", PASSWORD)
        assert refused(response)
        assert "(15 menit lagi)" in visible_text(response)
        assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    # Once the window has passed, the account opens again.
    with running(_limited_app(database_url, tmp_path, account="2 per 2 seconds")) as app:
        for _ in range(2):
            web_login(app.test_client(), "kabid", WRONG)
        assert refused(web_login(app.test_client(), "kabid", PASSWORD))
        time.sleep(2.1)
        assert logged_in(web_login(app.test_client(), "kabid", PASSWORD))


def test_a_successful_login_clears_the_accounts_count(limited):
    for _ in range(2):
        for _ in range(2):
            assert not logged_in(web_login(limited.test_client(), "kabid", WRONG))
        assert logged_in(web_login(limited.test_client(), "kabid", PASSWORD))


def test_username_and_email_count_for_one_account(limited):
    for login in ("kabid", "KABID", "kabid@demo.pontianak.go.id"):
        assert not logged_in(web_login(limited.test_client(), login, WRONG))
    assert refused(web_login(limited.test_client(), "kabid", PASSWORD))


def test_names_without_an_account_are_refused_alike(limited):
    for _ in range(3):
        assert not logged_in(web_login(limited.test_client(), "tidak-ada", WRONG))
    response = web_login(limited.test_client(), "tidak-ada", WRONG)
    assert refused(response)


def test_one_address_spraying_many_accounts_is_stopped(limited):
    names = ["peminjam1", "peminjam2", "kabid", "kasi", "adminpc", "admin"]
    for name in names:  # one wrong password each: no account reaches its limit
        assert not logged_in(web_login(limited.test_client(), name, WRONG, "10.0.0.66"))
    assert refused(api_login(limited.test_client(), "peminjam1", PASSWORD, "10.0.0.66"))
    # The accounts themselves still open from elsewhere.
    assert logged_in(web_login(limited.test_client(), "peminjam1", PASSWORD))


def test_two_processes_share_the_count_in_redis(database_url, tmp_path):
    settings = shared_store_settings()
    first = _limited_app(database_url, tmp_path, **settings)
    second = _limited_app(database_url, tmp_path, **settings)
    with running(first):
        for _ in range(2):
            assert not refused(web_login(first.test_client(), "kabid", WRONG))
    with running(second):
        assert not refused(api_login(second.test_client(), "kabid", WRONG))
        # The fourth attempt, counted across both "workers", is refused.
        assert refused(web_login(second.test_client(), "kabid", PASSWORD))
    with running(first):
        assert refused(web_login(first.test_client(), "kabid", PASSWORD))


def test_an_unreachable_store_counts_in_memory_meanwhile(database_url, tmp_path, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = _limited_app(database_url, tmp_path,
                       RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}")
    with running(app), caplog.at_level(logging.WARNING, "app.security.throttle"):
        for _ in range(3):
            assert not logged_in(web_login(app.test_client(), "kabid", WRONG))
        assert refused(web_login(app.test_client(), "kabid", PASSWORD))
    assert "cannot be reached: counting in memory" in caplog.text


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,  # nested too deep for a JSON parser
    "nicht json", '["kabid"]', '{"username": ["kabid"], "password": 1}', "",
])
def test_a_malformed_api_login_gets_400_in_indonesian(limited, body):
    response = limited.test_client().post(API_LOGIN, data=body,
                                          content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"].startswith(("Isi permintaan", "Permintaan"))


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
