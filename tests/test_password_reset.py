"""Forgot my password: a link by email (under APP_BASE_URL), the same answer
for every address, a link that works once and for an hour, a new password
under the rule that ends every session, and a limit on asking."""
import re
import time

import pytest
from helpers import PASSWORD, field_errors, login, user, visible_text
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from app.domain import accounts, password_reset
from app.platform.extensions import db

NEW_PASSWORD = "Baru#Sandi-2027"
EMAIL = "peminjam1@demo.pontianak.go.id"
LINK = re.compile(r"http://localhost:5000(/forgot-password/reset/\S+)")
SENT = "Jika ada akun aktif dengan alamat email tersebut, kami telah mengirim tautan"


def ask(client, email, **options):
    return client.post("/forgot-password/", data={"email": email}, **options)


def link_in(outbox, address=EMAIL):
    [message] = outbox.to(address)
    return LINK.search(message.get_content()).group(1)


def set_new(client, path, password=NEW_PASSWORD, again=None):
    return client.post(path, data={"password": password,
                                   "conf_password": password if again is None else again})


def password_is(username, password):
    db.session.expire_all()
    return check_password_hash(user(username).password, password)


def signed_in(client):
    return client.get("/loans/list/").status_code == 200


# ---------------------------------------------------------------- asking

def test_the_login_page_links_to_it(client):
    html = client.get("/login/").get_data(as_text=True)
    assert 'href="/forgot-password/"' in html
    assert "Lupa kata sandi?" in visible_text(client.get("/login/"))


def test_the_page_is_public_and_indonesian(client, outbox):
    response = client.get("/forgot-password/")
    assert response.status_code == 200
    text = visible_text(response)
    for words in ("Lupa kata sandi", "Masukkan alamat email akun Anda", "Email",
                  "Kirim tautan", "Kembali ke halaman masuk"):
        assert words in text, words


def test_a_signed_in_user_changes_the_password_on_the_profile(login_as):
    response = login_as("peminjam1").get("/forgot-password/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/resetmypassword/form"


def test_every_address_gets_the_same_answer(app, client, outbox):
    kasi = user("kasi")
    kasi.active = False
    db.session.commit()
    answers = []
    for email in (EMAIL, "tidak-ada@contoh.go.id", "kasi@demo.pontianak.go.id"):
        response = ask(app.test_client(), email)
        assert response.status_code == 302, email
        answers.append((response.headers["Location"],
                        visible_text(app.test_client().get(response.headers["Location"]))))
    assert answers[0] == answers[1] == answers[2]
    assert SENT in answers[0][1] and "60 menit" in answers[0][1]
    # Only the active account is mailed.
    assert [m["To"] for m in outbox] == [EMAIL]


def test_the_mail_is_indonesian_and_links_to_app_base_url(app, client, outbox):
    app.config["APP_BASE_URL"] = "https://ruang.pontianak.go.id"
    response = ask(client, "Peminjam1@Demo.Pontianak.go.id",  # any case
                   headers={"Host": "evil.example"})
    assert response.status_code == 302
    [message] = outbox.to(EMAIL)
    assert message["Subject"] == ("Buat kata sandi baru (peminjaman ruang "
                                  "Pontive Center)")
    body = message.get_content()
    assert body.startswith("Yth. Rina Wulandari,")
    assert "akun peminjam1" in body and "berlaku selama 60 menit" in body
    assert "abaikan email ini: kata sandi Anda tidak berubah" in body
    assert "evil.example" not in body
    link = re.search(r"https://ruang\.pontianak\.go\.id(/forgot-password/reset/\S+)",
                     body)
    assert link, body
    assert client.get(link.group(1)).status_code == 200


@pytest.mark.parametrize("email,message", [
    ("", "Kolom ini wajib diisi."),
    ("bukan-email", "Alamat email tidak valid."),
])
def test_a_malformed_address_is_shown_at_its_field(client, outbox, email, message):
    response = ask(client, email)
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), "email")
    assert outbox == []


def test_without_a_mail_server_the_staff_are_named(app, client):
    assert not app.config["MAIL_SERVER"]
    for response in (client.get("/forgot-password/"), ask(client, EMAIL)):
        text = visible_text(response)
        assert "Hubungi petugas Pontive Center" in text
        assert 'name="email"' not in response.get_data(as_text=True)


def test_the_csrf_token_is_required(app, client, outbox):
    app.config["WTF_CSRF_ENABLED"] = True
    assert ask(client, EMAIL).status_code == 400
    html = client.get("/forgot-password/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/forgot-password/", data={
        "email": EMAIL, "csrf_token": token}).status_code == 302
    assert len(outbox) == 1


def test_asking_is_limited_per_address_and_per_email(app, outbox):
    app.config.update(RATELIMIT_ENABLED=True, PASSWORD_RESET_REQUEST_LIMIT="2 per hour")
    client = app.test_client()
    for email in (EMAIL, "tidak-ada@contoh.go.id"):
        assert ask(client, email).status_code == 302
    refused = ask(client, "kasi@demo.pontianak.go.id")
    assert refused.status_code == 429
    text = visible_text(refused)
    assert "Terlalu banyak permintaan kata sandi baru. Coba lagi dalam 1 jam" in text
    assert "kasi@demo.pontianak.go.id" not in [m["To"] for m in outbox]
    # One mailbox cannot be flooded from many addresses either; unknown
    # addresses count alike.
    for email in (EMAIL, "tidak-ada@contoh.go.id"):
        assert ask(client, email, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code \
            == 302
        assert ask(client, email, environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code \
            == 429
    assert len(outbox.to(EMAIL)) == 2


# ---------------------------------------------------------------- the link

def test_the_link_sets_a_new_password_and_ends_every_session(app, client, outbox,
                                                            login_as):
    borrower = login_as("peminjam1")
    access = app.test_client().post("/api/v1/security/login", json={
        "username": "peminjam1", "password": PASSWORD, "provider": "db"}
    ).get_json()["access_token"]
    ask(client, EMAIL)
    path = link_in(outbox)

    # Opening it (as a mail scanner would) changes nothing.
    page = client.get(path)
    assert page.status_code == 200
    text = visible_text(page)
    assert "Buat kata sandi baru untuk akun peminjam1" in text
    assert "Kata sandi baru" in text and "Ulangi kata sandi baru" in text
    assert password_is("peminjam1", PASSWORD) and signed_in(borrower)

    weak = set_new(client, path, "pendek")
    assert weak.status_code == 200
    assert "paling sedikit 10 karakter" in field_errors(weak.get_data(as_text=True),
                                                         "password")
    mismatch = set_new(client, path, again="Lain#Sandi-2027")
    assert "Kata sandi tidak sama." in field_errors(mismatch.get_data(as_text=True),
                                                    "conf_password")
    assert password_is("peminjam1", PASSWORD) and signed_in(borrower)

    done = set_new(client, path)
    assert done.status_code == 302 and done.headers["Location"].startswith("/login/")
    assert "Kata sandi baru Anda telah disimpan" in visible_text(client.get("/login/"))
    assert password_is("peminjam1", NEW_PASSWORD)
    assert not signed_in(borrower)
    assert app.test_client().get("/api/v1/loans/", headers={
        "Authorization": f"Bearer {access}"}).status_code == 401
    assert signed_in(login(app.test_client(), "peminjam1", NEW_PASSWORD))


def _refused(client, path, title):
    response = client.get(path)
    assert response.status_code == 400
    assert title in visible_text(response)
    assert set_new(client, path).status_code == 400
    assert not password_is("peminjam1", NEW_PASSWORD)


def test_the_link_works_once(client, outbox):
    ask(client, EMAIL)
    path = link_in(outbox)
    assert set_new(client, path).status_code == 302
    response = client.get(path)
    assert response.status_code == 400
    assert "Tautan tidak berlaku lagi" in visible_text(response)
    assert set_new(client, path, "Lagi#Sandi-2028").status_code == 400
    assert password_is("peminjam1", NEW_PASSWORD)


def test_a_new_password_by_any_way_ends_the_links_sent_before(client, outbox, login_as):
    ask(client, EMAIL)
    first = link_in(outbox)
    outbox.clear()
    ask(client, EMAIL)
    second = link_in(outbox)
    login_as("peminjam1").post("/resetmypassword/form", data={
        "current_password": PASSWORD, "password": "Sendiri#Sandi-2027",
        "conf_password": "Sendiri#Sandi-2027"})
    for path in (first, second):
        response = client.get(path)
        assert response.status_code == 400
        assert "Tautan tidak berlaku lagi" in visible_text(response)
    assert password_is("peminjam1", "Sendiri#Sandi-2027")


def _token_made_minutes_ago(monkeypatch, minutes, username="peminjam1"):
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp",
                      lambda self: int(time.time() - minutes * 60))
        return password_reset.reset_token(user(username))


def test_the_link_expires_after_an_hour(app, client, monkeypatch):
    assert app.config["PASSWORD_RESET_LINK_MINUTES"] == 60
    _refused(client, f"/forgot-password/reset/{_token_made_minutes_ago(monkeypatch, 61)}",
             "Tautan kedaluwarsa")
    fresh = _token_made_minutes_ago(monkeypatch, 59)
    assert client.get(f"/forgot-password/reset/{fresh}").status_code == 200
    app.config["PASSWORD_RESET_LINK_MINUTES"] = 5
    stale = _token_made_minutes_ago(monkeypatch, 6)
    assert client.get(f"/forgot-password/reset/{stale}").status_code == 400


@pytest.mark.parametrize("forge", [
    lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
    lambda token: "bukan-token",
    lambda token: URLSafeTimedSerializer("kunci-lain", salt=password_reset.SALT).dumps(
        {"user": user("peminjam2").id, "state": "x"}),
    # A verification link's token is signed for something else.
    lambda token: accounts.verification_token(user("peminjam1")),
])
def test_a_forged_link_is_refused(client, forge):
    token = password_reset.reset_token(user("peminjam1"))
    _refused(client, f"/forgot-password/reset/{forge(token)}", "Tautan tidak valid")
    assert not password_is("peminjam2", NEW_PASSWORD)


def test_a_deactivated_account_cannot_use_its_link(client, outbox):
    ask(client, EMAIL)
    path = link_in(outbox)
    account = user("peminjam1")
    account.active = False
    db.session.commit()
    _refused(client, path, "Tautan tidak valid")


def test_a_new_password_opens_an_account_closed_by_wrong_passwords(app, client, outbox):
    app.config.update(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_FAILURE_LIMIT="3 per 15 minutes")
    for _ in range(3):
        client.post("/login/", data={"username": "peminjam1", "password": "Salah#2026x"})
    assert client.post("/login/", data={"username": "peminjam1",
                                        "password": PASSWORD}).status_code == 429
    ask(client, EMAIL)
    set_new(client, link_in(outbox))
    assert signed_in(login(app.test_client(), "peminjam1", NEW_PASSWORD))
