"""Sessions and tokens end when they should: logging out (a POST) and a new
password end every session and JWT of the user, a copied cookie included;
a web session also ends when idle for SESSION_IDLE_MINUTES and
SESSION_MAX_HOURS after the login."""
import re
from datetime import timedelta

import pytest
from helpers import PASSWORD, api_token, field_errors, login, user, visible_text
from werkzeug.security import check_password_hash

from app.platform import timeutil
from app.platform.extensions import db
from app.security import sessions

API_LOGIN = "/api/v1/security/login"
NEW_PASSWORD = "Baru#Sandi-2027"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def signed_in(client):
    """True if ``client``'s session still opens a borrower's or staff page."""
    return client.get("/loans/list/").status_code == 200


def copy_of(client):
    """Another client holding a copy of ``client``'s session cookie (as one
    taken from the browser would be)."""
    thief = client.application.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def tokens(client, username, password=PASSWORD):
    response = client.post(API_LOGIN, json={"username": username, "password": password,
                                            "provider": "db", "refresh": True})
    assert response.status_code == 200
    body = response.get_json()
    return body["access_token"], body["refresh_token"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def api_works(client, access):
    return client.get("/api/v1/loans/", headers=bearer(access)).status_code == 200


def refresh_works(client, refresh):
    response = client.post("/api/v1/security/refresh", headers=bearer(refresh))
    if response.status_code != 200:
        assert response.status_code == 401
        assert "token" in response.get_json()["message"]  # in Indonesian
        return False
    return api_works(client, response.get_json()["access_token"])


# ---------------------------------------------------------------- logging out

def test_logout_ends_every_session_and_token_of_the_user(app, login_as):
    browser, other_device = login_as("peminjam1"), login_as("peminjam1")
    stolen = copy_of(browser)
    access, refresh = tokens(app.test_client(), "peminjam1")
    someone_else = login_as("peminjam2")
    for client in (browser, other_device, stolen, someone_else):
        assert signed_in(client)
    assert api_works(browser, access) and refresh_works(browser, refresh)

    response = browser.post("/logout/")
    assert response.status_code == 302

    for client in (browser, other_device, stolen):
        assert not signed_in(client)
    assert not api_works(app.test_client(), access)
    assert not refresh_works(app.test_client(), refresh)
    assert signed_in(someone_else)  # another user's session goes on
    # Logging in again works, with new tokens.
    assert signed_in(login(app.test_client(), "peminjam1"))
    assert api_works(app.test_client(), tokens(app.test_client(), "peminjam1")[0])


def test_a_refused_session_forgets_its_user(app, login_as):
    browser = login_as("peminjam1")
    stolen = copy_of(browser)
    browser.post("/logout/")
    assert not signed_in(stolen)
    with stolen.session_transaction() as cookie:
        assert "_user_id" not in cookie and sessions.SESSION_KEY not in cookie


def test_a_get_of_logout_only_asks(app, login_as):
    browser = login_as("kabid")
    page = browser.get("/logout/")
    assert page.status_code == 200
    text = visible_text(page)
    assert "Keluar dari panel?" in text and "semua perangkat" in text
    html = page.get_data(as_text=True)
    assert re.search(r'<form method="post" action="/logout/">\s*'
                     r'<input type="hidden" name="csrf_token"', html)
    assert signed_in(browser)  # nothing happened
    # Not logged in: nothing to ask.
    assert app.test_client().get("/logout/").status_code == 302


def test_logout_needs_the_csrf_token(app, login_as):
    browser = login_as("kabid")
    app.config["WTF_CSRF_ENABLED"] = True
    assert browser.post("/logout/").status_code == 400
    assert signed_in(browser)
    page = browser.get("/logout/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert browser.post("/logout/", data={"csrf_token": token}).status_code == 302
    assert not signed_in(browser)


def test_the_navbar_logs_out_with_a_form(login_as):
    html = login_as("peminjam1").get("/").get_data(as_text=True)
    navbar = html[html.index('navbar-right'):]
    form = re.search(r'<form class="pontive-logout" method="post" action="/logout/">'
                     r'\s*<input type="hidden" name="csrf_token" value="[^"]+">'
                     r'\s*<button type="submit">.*?Keluar</button>', navbar, re.S)
    assert form, navbar[:2000]
    assert 'href="/logout/"' not in html


# ---------------------------------------------------------------- passwords

def _password_form(client):
    response = client.get("/resetmypassword/form")
    assert response.status_code == 200
    return response


def change_own_password(client, current, new=NEW_PASSWORD, again=None):
    return client.post("/resetmypassword/form", data={
        "current_password": current, "password": new,
        "conf_password": new if again is None else again})


def password_is(username, password):
    db.session.expire_all()
    return check_password_hash(user(username).password, password)


def test_the_own_password_form_asks_for_the_current_password(login_as):
    text = visible_text(_password_form(login_as("peminjam1")))
    for words in ("Ubah kata sandi saya", "Kata sandi saat ini", "Kata sandi baru",
                  "Ulangi kata sandi baru", "Paling sedikit 10 karakter"):
        assert words in text, words


@pytest.mark.parametrize("current,new,again,field,message", [
    ("Salah#Sandi-2026", NEW_PASSWORD, None, "current_password",
     "Kata sandi saat ini salah."),
    ("", NEW_PASSWORD, None, "current_password", "Kolom ini wajib diisi."),
    (PASSWORD, "pendek", None, "password", "paling sedikit 10 karakter"),
    (PASSWORD, NEW_PASSWORD, "Lain#Sandi-2027", "conf_password",
     "Kata sandi tidak sama."),
])
def test_a_wrong_own_password_change_changes_nothing(app, login_as, current, new, again,
                                                      field, message):
    browser, other_device = login_as("peminjam1"), login_as("peminjam1")
    response = change_own_password(browser, current, new, again)
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), field)
    assert password_is("peminjam1", PASSWORD)
    assert signed_in(browser) and signed_in(other_device)


def test_wrong_current_passwords_count_for_the_login_limit(app, login_as):
    app.config.update(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_FAILURE_LIMIT="2 per 15 minutes")
    browser = login_as("peminjam1")
    for _ in range(2):
        change_own_password(browser, "Salah#Sandi-2026")
    response = change_own_password(browser, PASSWORD)
    assert "Terlalu banyak percobaan masuk" in field_errors(
        response.get_data(as_text=True), "current_password")
    assert password_is("peminjam1", PASSWORD)


def test_a_new_own_password_ends_the_other_sessions_and_tokens(app, login_as):
    browser, other_device = login_as("peminjam1"), login_as("peminjam1")
    stolen = copy_of(browser)
    access, refresh = tokens(app.test_client(), "peminjam1")

    response = change_own_password(browser, PASSWORD)
    assert response.status_code == 302
    assert password_is("peminjam1", NEW_PASSWORD)
    assert "Kata sandi Anda telah diubah" in visible_text(browser.get("/"))

    assert signed_in(browser)  # the session the change was made in goes on
    assert not signed_in(other_device) and not signed_in(stolen)
    assert not api_works(app.test_client(), access)
    assert not refresh_works(app.test_client(), refresh)
    assert signed_in(login(app.test_client(), "peminjam1", NEW_PASSWORD))


def test_a_password_set_by_the_administrator_ends_the_users_sessions(app, login_as):
    borrower = login_as("peminjam1")
    access, refresh = tokens(app.test_client(), "peminjam1")
    admin = login_as("admin")
    pk = user("peminjam1").id
    form = admin.get(f"/resetpassword/form?pk={pk}")
    assert form.status_code == 200
    assert "Paling sedikit 10 karakter" in visible_text(form)
    weak = admin.post(f"/resetpassword/form?pk={pk}", data={
        "password": "pendek", "conf_password": "pendek"})
    assert "paling sedikit 10 karakter" in field_errors(weak.get_data(as_text=True),
                                                         "password")
    assert signed_in(borrower)

    response = admin.post(f"/resetpassword/form?pk={pk}", data={
        "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert password_is("peminjam1", NEW_PASSWORD)
    assert not signed_in(borrower)
    assert not api_works(app.test_client(), access)
    assert not refresh_works(app.test_client(), refresh)
    assert signed_in(admin)


@pytest.mark.parametrize("query", ["pk=abc", "", "pk=999999", "pk=1e3",
                                   "pk=99999999999999999999"])
def test_setting_the_password_of_no_user_is_a_404(login_as, query):
    admin = login_as("admin")
    assert admin.get(f"/resetpassword/form?{query}").status_code == 404
    response = admin.post(f"/resetpassword/form?{query}", data={
        "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert response.status_code == 404
    assert "Tidak Ditemukan" in visible_text(response)


def test_a_borrower_cannot_set_another_users_password(app, login_as):
    borrower = login_as("peminjam1")
    other = user("peminjam2").id
    response = borrower.post(f"/resetpassword/form?pk={other}", data={
        "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert response.status_code in (302, 403)
    assert password_is("peminjam2", PASSWORD)
    # The own-password page changes only the signed-in user's password.
    change_own_password(borrower, PASSWORD)
    assert password_is("peminjam2", PASSWORD) and password_is("peminjam1", NEW_PASSWORD)


# ---------------------------------------------------------------- lifetimes

@pytest.fixture
def clock(monkeypatch):
    """Moves the office clock forward by a timedelta."""
    def forward(delta):
        monkeypatch.setattr(timeutil, "_clock_offset", timeutil.clock_offset() + delta)
    return forward


def test_an_idle_session_ends(app, login_as, clock):
    assert app.config["SESSION_IDLE_MINUTES"] == 120
    browser = login_as("kasi")
    clock(timedelta(minutes=119))
    assert signed_in(browser)
    clock(timedelta(minutes=119))  # each request starts the idle time anew
    assert signed_in(browser)
    clock(timedelta(minutes=121))
    assert not signed_in(browser)
    assert browser.get("/loans/list/").headers["Location"].startswith("/login/")


def test_a_session_ends_after_its_longest_time_however_busy(app, login_as, clock):
    assert app.config["SESSION_MAX_HOURS"] == 12
    browser = login_as("kasi")
    for _ in range(11):
        clock(timedelta(hours=1))
        assert signed_in(browser)
    clock(timedelta(minutes=59))
    assert signed_in(browser)
    clock(timedelta(minutes=2))
    assert not signed_in(browser)


def test_the_lifetimes_follow_the_configuration(app, login_as, clock):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    browser = login_as("kasi")
    clock(timedelta(minutes=6))
    assert not signed_in(browser)


def test_a_session_from_before_the_versions_is_ended(app, login_as):
    browser = login_as("kasi")
    with browser.session_transaction() as cookie:
        del cookie[sessions.SESSION_KEY]  # as every session made before had it
    assert not signed_in(browser)


def test_a_token_without_the_version_is_refused(app):
    from flask_jwt_extended import create_access_token

    client = app.test_client()
    assert api_works(client, api_token(client, "peminjam1")["Authorization"][7:])
    with app.test_request_context():
        old = create_access_token(identity=str(user("peminjam1").id),
                                  additional_claims={sessions.TOKEN_CLAIM: None})
    response = client.get("/api/v1/loans/", headers=bearer(old))
    assert response.status_code == 401


def test_the_version_is_read_in_the_users_statement(app, login_as):
    """Checking the session costs no statement of its own on each page."""
    from helpers import Statements

    browser = login_as("kasi")
    with Statements() as statements:
        assert signed_in(browser)
    assert not any("session_version" in s and "ab_user" not in s for s in statements)
    assert any("session_version" in s for s in statements)
