"""Borrowers register themselves, verify their email address by a link and
log in; without a mail server staff activate them. Spam is refused."""
import http.client
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from apps import make_app, running, serving
from helpers import (
    field_errors,
    loans_of,
    login,
    shared_store_settings,
    user,
    visible_text,
    with_changes,
)
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.domain import accounts
from app.models import BorrowerProfile, Institution, InstitutionKind
from app.platform.extensions import db
from app.security import registration_guard
from app.security.roles import PEMINJAM

PASSWORD = "RahasiaSiti2026"
# Mailed links start with APP_BASE_URL (the tests' default).
LINK = re.compile(r"http://localhost:5000(/register/verify/[^\s]+)")


def registration(**changes):
    """A valid registration form for an existing institution, shown 10 s ago."""
    institution = db.session.query(Institution).filter_by(
        name="Universitas Tanjungpura").one()
    return with_changes({
        "first_name": "Siti", "last_name": "Rahmawati",
        "position": "Staf Tata Usaha", "phone": "0812-3456-7890",
        "email": "siti@untan.ac.id", "institution": str(institution.id),
        "new_institution_name": "", "new_institution_kind": "",
        "username": "siti.r", "password": PASSWORD, "password_repeat": PASSWORD,
        "website": "", "form_stamp": registration_guard.form_stamp(time.time() - 10),
    }, changes)


def register(client, **changes):
    return client.post("/register/", data=registration(**changes))


def counts():
    db.session.expire_all()
    sm_user = db.session.query(accounts.User)
    return (sm_user.count(), db.session.query(Institution).count(),
            db.session.query(BorrowerProfile).count())


def log_in(client, username, password=PASSWORD):
    return client.post("/login/", data={"username": username, "password": password},
                       follow_redirects=True)


def verification_path(outbox, address="siti@untan.ac.id"):
    [message] = outbox.to(address)
    return LINK.search(message.get_content()).group(1)


# --- The way in ------------------------------------------------------------------

def test_login_page_and_anonymous_dashboard_link_to_registration(client):
    for path in ("/login/", "/"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/register/"' in html, path
    text = visible_text(client.get("/login/"))
    assert "Belum punya akun?" in text and "Daftar sebagai peminjam" in text


def test_registration_page_is_indonesian_and_public(client):
    response = client.get("/register/")
    assert response.status_code == 200
    text = visible_text(response)
    for words in ("Daftar sebagai peminjam", "Data diri", "Nama Depan", "Jabatan",
                  "Telepon", "Instansi", "Instansi lain (belum ada di daftar)",
                  "Nama instansi baru", "Jenis instansi baru", "Nama Pengguna",
                  "Kata Sandi", "Ulangi kata sandi", "Sudah punya akun?"):
        assert words in text, words
    assert "Universitas Tanjungpura" in text


def test_signed_in_user_is_sent_to_the_dashboard(login_as):
    response = login_as("peminjam1").get("/register/")
    assert response.status_code == 302


# --- Register, verify by email, log in -------------------------------------------

def test_register_verify_and_log_in(app, client, outbox):
    before = counts()
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/done")

    done = visible_text(client.get("/register/done"))
    assert "Kami telah mengirim tautan ke siti@untan.ac.id" in done
    assert "48 jam" in done
    assert counts() == (before[0] + 1, before[1], before[2] + 1)

    siti = user("siti.r")
    profile = accounts.profile_of(siti)
    assert not siti.active
    assert [r.name for r in siti.roles] == [PEMINJAM]
    assert (siti.first_name, siti.last_name, siti.email) == ("Siti", "Rahmawati",
                                                               "siti@untan.ac.id")
    assert profile.institution.name == "Universitas Tanjungpura"
    assert (profile.position, profile.phone) == ("Staf Tata Usaha", "0812-3456-7890")
    assert profile.email_verified_at is None

    # Not active before the link is followed: the login page says why.
    refused = log_in(app.test_client(), "siti.r")
    assert "Akun Anda belum aktif" in visible_text(refused)
    assert "Keluar" not in visible_text(refused)

    [message] = outbox.to("siti@untan.ac.id")
    assert message["Subject"] == ("Verifikasi alamat email Anda (peminjaman ruang "
                                  "Pontive Center)")
    body = message.get_content()
    assert "Yth. Siti Rahmawati" in body and "siti.r" in body
    assert "berlaku selama 48 jam" in body

    # Opening the link (as a mail scanner would) only asks for a click.
    opened = client.get(verification_path(outbox))
    assert opened.status_code == 200
    assert "Verifikasi dan aktifkan akun saya" in visible_text(opened)
    db.session.expire_all()
    assert not user("siti.r").active
    verified = client.post(verification_path(outbox))
    assert verified.status_code == 200
    assert "Alamat email terverifikasi" in visible_text(verified)
    db.session.expire_all()
    assert user("siti.r").active
    assert accounts.profile_of(user("siti.r")).email_verified_at is not None

    siti_client = login(app.test_client(), "siti.r", PASSWORD)
    dashboard = visible_text(siti_client.get("/"))
    assert "Selamat datang, Siti Rahmawati" in dashboard
    assert "Permohonan Saya" in dashboard
    listing = visible_text(siti_client.get("/loans/list/"))
    assert "Tidak ada data" in listing or "Jumlah Data: 0" in listing, listing
    # Only her own (none): another borrower's request is not found.
    other = loans_of("peminjam1")[0]
    assert siti_client.get(f"/loans/show/{other.id}").status_code == 404
    assert other.title not in listing


def test_the_mailed_link_ignores_the_requests_host(app, client, outbox):
    app.config["APP_BASE_URL"] = "https://ruang.pontianak.go.id/pontive"
    response = client.post("/register/", data=registration(),
                           headers={"Host": "evil.example"})
    assert response.status_code == 302
    [message] = outbox.to("siti@untan.ac.id")
    body = message.get_content()
    assert "evil.example" not in body
    link = re.search(r"https://ruang\.pontianak\.go\.id/pontive(/register/verify/\S+)",
                     body)
    assert link, body
    assert client.post(link.group(1)).status_code == 200  # the link works
    assert user("siti.r").active


def test_username_and_email_work_in_any_case(app, client, outbox):
    register(client, username="Siti.R", email="Siti@Untan.AC.id")
    client.post(verification_path(outbox))
    assert user("siti.r").email == "siti@untan.ac.id"
    login(app.test_client(), "SITI.R", PASSWORD)
    login(app.test_client(), "siti@untan.ac.id", PASSWORD)


def test_a_new_institution_is_created_with_the_account(client, outbox):
    before = counts()
    response = register(client, institution=accounts.NEW_INSTITUTION,
                        new_institution_name="SMP Negeri 1 Pontianak",
                        new_institution_kind=InstitutionKind.SEKOLAH)
    assert response.status_code == 302
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    institution = accounts.profile_of(user("siti.r")).institution
    assert (institution.name, institution.kind) == ("SMP Negeri 1 Pontianak",
                                                    InstitutionKind.SEKOLAH)


def test_the_link_works_once(client, outbox):
    register(client)
    path = verification_path(outbox)
    assert client.post(path).status_code == 200
    again = client.post(path)
    assert again.status_code == 200
    assert "Tautan sudah digunakan" in visible_text(again)
    assert user("siti.r").active


# --- Links that do not verify ------------------------------------------------------

def _assert_still_inactive(app, username="siti.r"):
    db.session.expire_all()
    account = user(username)
    assert not account.active
    assert accounts.profile_of(account).email_verified_at is None
    assert "Akun Anda belum aktif" in visible_text(log_in(app.test_client(), username))


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
    lambda token: token.replace(".", "x", 1),
    lambda token: "bukan-token",
])
def test_a_tampered_link_is_refused(app, client, outbox, tamper):
    register(client)
    token = verification_path(outbox).rsplit("/", 1)[1]
    response = client.get(f"/register/verify/{tamper(token)}")
    assert response.status_code == 400
    text = visible_text(response)
    assert "Tautan tidak valid" in text and "Tautan verifikasi ini tidak valid" in text
    _assert_still_inactive(app)


def test_a_link_signed_with_another_key_or_for_another_account_is_refused(app, client):
    register(client)
    siti = user("siti.r")
    forged = URLSafeTimedSerializer("kunci-lain", salt=accounts.VERIFICATION_SALT).dumps(
        {"user": siti.id, "state": accounts._state(siti)})
    assert client.get(f"/register/verify/{forged}").status_code == 400
    # A valid signature on something else (the form stamp) is no link either.
    stamp = registration_guard.form_stamp()
    assert client.get(f"/register/verify/{stamp}").status_code == 400
    _assert_still_inactive(app)


def _token_made_hours_ago(monkeypatch, account, hours):
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp",
                      lambda self: int(time.time() - hours * 3600))
        return accounts.verification_token(account)


def test_an_expired_link_is_refused(app, client, monkeypatch):
    register(client)
    token = _token_made_hours_ago(monkeypatch, user("siti.r"), 49)
    response = client.get(f"/register/verify/{token}")
    assert response.status_code == 400
    assert "Tautan kedaluwarsa" in visible_text(response)
    _assert_still_inactive(app)
    # Within REGISTRATION_LINK_HOURS it works.
    assert client.post(f"/register/verify/"
                      f"{_token_made_hours_ago(monkeypatch, user('siti.r'), 47)}"
                      ).status_code == 200


def test_link_lifetime_follows_the_configuration(app, client, monkeypatch):
    app.config["REGISTRATION_LINK_HOURS"] = 1
    register(client)
    token = _token_made_hours_ago(monkeypatch, user("siti.r"), 2)
    assert client.get(f"/register/verify/{token}").status_code == 400
    _assert_still_inactive(app)


def test_a_link_cannot_undo_staff_deactivation(app, client, outbox, login_as):
    register(client)
    path = verification_path(outbox)
    kasi = login_as("kasi")
    pk = accounts.profile_of(user("siti.r")).id
    kasi.post(f"/borrower-accounts/action/activate/{pk}")
    kasi.post(f"/borrower-accounts/action/deactivate/{pk}")

    response = client.get(path)
    assert response.status_code == 400
    assert "Tautan tidak berlaku lagi" in visible_text(response)
    db.session.expire_all()
    assert not user("siti.r").active
    assert "dinonaktifkan" in visible_text(log_in(app.test_client(), "siti.r"))


# --- Without a mail server ---------------------------------------------------------

def test_without_mail_staff_activate_the_account(app, client, login_as):
    assert not app.config["MAIL_SERVER"]
    register(client)
    done = visible_text(client.get("/register/done"))
    assert "belum aktif" in done and "Petugas Pontive Center" in done
    _assert_still_inactive(app)

    kasi = login_as("kasi")
    pk = accounts.profile_of(user("siti.r")).id
    response = kasi.post(f"/borrower-accounts/action/activate/{pk}",
                         follow_redirects=True)
    assert "Akun diaktifkan: siti.r" in visible_text(response)
    siti = login(app.test_client(), "siti.r", PASSWORD)
    assert "Selamat datang, Siti Rahmawati" in visible_text(siti.get("/"))


def test_wrong_password_on_an_inactive_account_says_nothing_more(app, client):
    register(client)
    text = visible_text(log_in(app.test_client(), "siti.r", "SalahSandi2026"))
    assert "Gagal masuk" in text
    assert "belum aktif" not in text


# --- Validation --------------------------------------------------------------------

def _untan_id():
    return str(db.session.query(Institution).filter_by(
        name="Universitas Tanjungpura").one().id)


INVALID = [
    ({"first_name": ""}, "first_name", "Kolom ini wajib diisi."),
    ({"last_name": "  "}, "last_name", "Kolom ini wajib diisi."),
    ({"first_name": "x" * 65}, "first_name", "Paling banyak 64 karakter."),
    ({"position": ""}, "position", "Kolom ini wajib diisi."),
    ({"phone": ""}, "phone", "Kolom ini wajib diisi."),
    ({"phone": "telp 12ab"}, "phone", "Tulis nomor telepon Indonesia"),
    ({"phone": "0812"}, "phone", "Tulis nomor telepon Indonesia"),
    ({"email": ""}, "email", "Kolom ini wajib diisi."),
    ({"email": "siti-at-untan"}, "email", "Alamat email tidak valid."),
    ({"email": "siti@untan"}, "email", "Alamat email tidak valid."),
    ({"email": "PEMINJAM1@Demo.Pontianak.go.id"}, "email",
     "Sudah ada akun dengan alamat email ini"),
    ({"username": ""}, "username", "Kolom ini wajib diisi."),
    ({"username": "si ti"}, "username", "3 sampai 64 karakter"),
    ({"username": "siti@untan.ac.id"}, "username", "3 sampai 64 karakter"),
    ({"username": "Peminjam1"}, "username", "Nama pengguna ini sudah dipakai"),
    ({"password": "pendek", "password_repeat": "pendek"}, "password",
     "Kata sandi harus terdiri atas paling sedikit 10 karakter"),
    ({"password": "semuakecil2026", "password_repeat": "semuakecil2026"}, "password",
     "Kata sandi harus terdiri atas paling sedikit 10 karakter"),
    ({"password_repeat": "RahasiaLain2026"}, "password_repeat",
     "Kata sandi tidak sama."),
    ({"institution": ""}, "institution", "Pilih instansi Anda dari daftar"),
    ({"institution": "999999"}, "institution", "Pilih instansi Anda dari daftar"),
    ({"institution": "new", "new_institution_kind": "sekolah"},
     "new_institution_name", "Kolom ini wajib diisi."),
    ({"institution": "new", "new_institution_name": "universitas TANJUNGPURA",
      "new_institution_kind": "universitas"},
     "new_institution_name",
     "Universitas Tanjungpura sudah ada di daftar: pilih di sana."),
    ({"institution": "new", "new_institution_name": "SMP Negeri 1 Pontianak"},
     "new_institution_kind", "Pilih jenis instansi."),
    ({"institution": "new", "new_institution_name": "SMP Negeri 1 Pontianak",
      "new_institution_kind": "planet"},
     "new_institution_kind", "Pilih jenis instansi."),
]


@pytest.mark.parametrize("changes,field,message", INVALID,
                         ids=[f"{f}-{i}" for i, (_c, f, _m) in enumerate(INVALID)])
def test_invalid_input_is_shown_at_its_field_and_nothing_is_created(
        client, outbox, changes, field, message):
    before = counts()
    response = register(client, **changes)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in field_errors(html, field)
    assert counts() == before
    assert outbox == []
    # The input is kept (passwords excepted, as browsers expect).
    data = registration(**changes)
    for name in ("first_name", "position", "phone", "email", "username"):
        if data[name].strip() and name != field:
            assert f'value="{data[name]}"' in html, name
    assert "Universitas Tanjungpura" in html
    text = visible_text(response)
    assert "Kolom ini wajib diisi" in text or message.split(":")[0] in text


def test_every_error_at_once(client):
    before = counts()
    response = client.post("/register/", data={
        "form_stamp": registration_guard.form_stamp(time.time() - 10)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for field in ("first_name", "last_name", "position", "phone", "email",
                  "institution", "username", "password", "password_repeat"):
        assert field_errors(html, field), field
    assert counts() == before


def test_typed_text_in_an_error_shows_as_text(client):
    """A "%" or HTML in an institution's name is shown as typed, never run."""
    db.session.add(Institution(name="<b>Lembaga</b> 100% Cerdas", kind="lembaga"))
    db.session.commit()
    response = register(client, institution="new",
                        new_institution_name="<b>lembaga</b> 100% cerdas",
                        new_institution_kind="lembaga")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("&lt;b&gt;Lembaga&lt;/b&gt; 100% Cerdas sudah ada di daftar"
            in field_errors(html, "new_institution_name"))
    assert "<b>Lembaga</b>" not in html


# --- Spam guards -------------------------------------------------------------------

def test_the_honeypot_refuses_the_form(client, outbox):
    before = counts()
    response = register(client, website="http://spam.example")
    assert response.status_code == 400
    assert "Formulir tidak dapat diterima" in visible_text(response)
    assert counts() == before
    assert outbox == []


def test_the_honeypot_is_out_of_sight(client):
    html = client.get("/register/").get_data(as_text=True)
    field = re.search(r'<div aria-hidden="true" style="position:absolute;left:-10000px'
                      r'[^"]*">\s*<input[^>]*name="website"[^>]*>', html)
    assert field and 'tabindex="-1"' in field.group(0)
    assert 'autocomplete="off"' in field.group(0)


def _stamp_of(html):
    return re.search(r'name="form_stamp" type="hidden" value="([^"]+)"', html).group(1)


def test_a_form_sent_within_seconds_is_refused(client, outbox):
    before = counts()
    stamp = _stamp_of(client.get("/register/").get_data(as_text=True))
    response = register(client, form_stamp=stamp)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Formulir dikirim terlalu cepat" in visible_text(response)
    assert counts() == before
    # The input is kept, with a new stamp: sent again later it is accepted.
    assert 'value="siti.r"' in html
    assert register(client, form_stamp=registration_guard.form_stamp(
        time.time() - 4)).status_code == 302


@pytest.mark.parametrize("stamp", ["", "dipalsukan",
                                   registration_guard.URLSafeSerializer("x").dumps(1)])
def test_a_missing_or_forged_stamp_is_refused(client, stamp):
    before = counts()
    response = register(client, form_stamp=stamp)
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in visible_text(response)
    assert counts() == before


def test_a_form_left_open_for_days_must_be_sent_again(client):
    response = register(client, form_stamp=registration_guard.form_stamp(
        time.time() - 25 * 3600))
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in visible_text(response)


def test_registrations_per_address_are_capped(app, client):
    app.config["REGISTRATION_MAX_PER_IP_PER_HOUR"] = 2
    for number in (1, 2):
        assert register(client, username=f"siti{number}",
                        email=f"siti{number}@untan.ac.id").status_code == 302
    before = counts()
    response = register(client, username="siti3", email="siti3@untan.ac.id")
    assert response.status_code == 429
    assert "Terlalu banyak pendaftaran" in visible_text(response)
    assert counts() == before
    # Another address is not affected.
    other = client.post("/register/", data=registration(
        username="siti4", email="siti4@untan.ac.id"),
        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302


def test_a_refused_form_uses_up_nothing(app, client):
    app.config["REGISTRATION_MAX_PER_IP_PER_HOUR"] = 1
    for _ in range(3):
        assert register(client, phone="0812").status_code == 200  # an input error
    assert register(client).status_code == 302


def _post(base_url, path, fields):
    """The status of one form POST over its own HTTP connection."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request("POST", path, body=urlencode(fields), headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        return connection.getresponse().status
    finally:
        connection.close()


def _register_together(base_url, count):
    """``count`` registrations from one address sent at the same moment."""
    forms = [registration(username=f"siti{n}", email=f"siti{n}@untan.ac.id")
             for n in range(count)]
    start = threading.Barrier(count)

    def send(form):
        start.wait()
        return _post(base_url, "/register/", form)

    with ThreadPoolExecutor(count) as pool:
        return sorted(pool.map(send, forms))


def test_concurrent_registrations_stop_at_the_limit(app):
    limit = app.config["REGISTRATION_MAX_PER_IP_PER_HOUR"]
    assert limit == 10  # the default
    before = counts()
    with serving(app) as base_url:
        statuses = _register_together(base_url, 2 * limit)
    assert statuses == [302] * limit + [429] * limit
    assert counts() == (before[0] + limit, before[1], before[2] + limit)


def test_two_servers_share_the_count_in_redis(database_url, tmp_path):
    settings = shared_store_settings()
    first = make_app(database_url, str(tmp_path / "uploads"), **settings)
    second = make_app(database_url, str(tmp_path / "uploads"), **settings)
    with running(first), serving(first) as one, serving(second) as two:
        first.config["REGISTRATION_MAX_PER_IP_PER_HOUR"] = 3
        second.config["REGISTRATION_MAX_PER_IP_PER_HOUR"] = 3
        statuses = [_post(base, "/register/", registration(
            username=f"siti{n}", email=f"siti{n}@untan.ac.id"))
            for n, base in enumerate([one, two, one, two])]
        assert statuses == [302, 302, 302, 429]


def test_csrf_token_is_required(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    before = counts()
    assert register(client).status_code == 400
    assert counts() == before
    html = client.get("/register/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert register(client, csrf_token=token).status_code == 302
    assert user("siti.r") is not None
