"""Akun Peminjam: staff create borrower accounts and activate or deactivate
them; borrowers and the Kabid cannot."""
import pytest
from helpers import PASSWORD, field_errors, login, user, visible_text, with_changes

from app.domain import accounts
from app.models import BorrowerProfile, Institution, InstitutionKind
from app.platform.extensions import db
from app.security.roles import PEMINJAM

NEW_PASSWORD = "SandiBaru2026"


def account_form(**changes):
    institution = db.session.query(Institution).filter_by(
        name="Universitas Tanjungpura").one()
    return with_changes({
        "first_name": "Budi", "last_name": "Santoso", "position": "Dosen",
        "phone": "+62 561 740144", "email": "budi@untan.ac.id",
        "institution": str(institution.id), "new_institution_name": "",
        "new_institution_kind": "", "username": "budi",
        "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD,
    }, changes)


def counts():
    db.session.expire_all()
    return (db.session.query(accounts.User).count(),
            db.session.query(Institution).count(),
            db.session.query(BorrowerProfile).count())


def profile_id(username):
    return accounts.profile_of(user(username)).id


def log_in(client, username, password):
    return client.post("/login/", data={"username": username, "password": password},
                       follow_redirects=True)


@pytest.mark.parametrize("staff", ["kasi", "adminpc", "admin"])
def test_staff_create_a_borrower_who_can_log_in(app, login_as, staff):
    client = login_as(staff)
    page = client.get("/borrower-accounts/add")
    assert page.status_code == 200
    assert "Tambah Akun Peminjam" in visible_text(page)
    before = counts()

    response = client.post("/borrower-accounts/add", data=account_form(),
                           follow_redirects=True)
    assert response.status_code == 200
    text = visible_text(response)
    assert "Akun peminjam budi telah dibuat dan aktif." in text
    assert "Universitas Tanjungpura" in text and "Dosen" in text
    assert counts() == (before[0] + 1, before[1], before[2] + 1)
    budi = user("budi")
    assert budi.active and [r.name for r in budi.roles] == [PEMINJAM]
    assert budi.created_by.username == staff
    assert accounts.profile_of(budi).email_verified_at is None

    budi_client = login(app.test_client(), "budi", NEW_PASSWORD)
    assert "Selamat datang, Budi Santoso" in visible_text(budi_client.get("/"))


def test_staff_may_add_a_new_institution_with_the_account(login_as):
    before = counts()
    login_as("kasi").post("/borrower-accounts/add", data=account_form(
        institution=accounts.NEW_INSTITUTION, new_institution_name="SMA Negeri 3 Pontianak",
        new_institution_kind=InstitutionKind.SEKOLAH))
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert accounts.profile_of(user("budi")).institution.name == "SMA Negeri 3 Pontianak"


@pytest.mark.parametrize("changes,field,message", [
    ({"username": "PEMINJAM2"}, "username", "Nama pengguna ini sudah dipakai"),
    ({"email": "peminjam2@demo.pontianak.go.id"}, "email", "Sudah ada akun"),
    ({"phone": "-"}, "phone", "Tulis nomor telepon"),
    ({"password_repeat": "x"}, "password_repeat", "Kata sandi tidak sama."),
    ({"institution": ""}, "institution", "Pilih instansi Anda dari daftar"),
])
def test_staff_form_shows_errors_inline_and_creates_nothing(login_as, changes, field,
                                                            message):
    before = counts()
    response = login_as("kasi").post("/borrower-accounts/add",
                                     data=account_form(**changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in field_errors(html, field)
    assert 'value="Santoso"' in html
    assert counts() == before


def test_list_shows_borrowers_with_their_state(app, client, login_as):
    client.post("/register/", data={**account_form(username="sari", email="sari@x.id"),
                                    "website": "", "form_stamp": _old_stamp()})
    text = visible_text(login_as("kasi").get("/borrower-accounts/list/"))
    for words in ("Akun Peminjam", "Nama Depan", "Nama Pengguna", "Email", "Instansi",
                  "Aktif", "Email terverifikasi", "peminjam1", "peminjam2", "sari",
                  "Universitas Tanjungpura", "Belum", "Tidak", "Ya"):
        assert words in text, words
    # Staff accounts are no borrowers.
    assert "kabid" not in text


def _old_stamp():
    import time

    from app.security.registration_guard import form_stamp

    return form_stamp(time.time() - 10)


def test_deactivate_and_activate_again(app, login_as):
    kasi = login_as("kasi")
    pk = profile_id("peminjam2")
    show = visible_text(kasi.get(f"/borrower-accounts/show/{pk}"))
    assert "Nonaktifkan" in show and "Aktifkan" not in show.replace("Nonaktifkan", "")

    response = kasi.post(f"/borrower-accounts/action/deactivate/{pk}",
                         follow_redirects=True)
    assert "Akun dinonaktifkan: peminjam2." in visible_text(response)
    assert not user("peminjam2").active
    refused = visible_text(log_in(app.test_client(), "peminjam2", PASSWORD))
    assert "Akun Anda telah dinonaktifkan. Hubungi petugas Pontive Center." in refused
    # Again: nothing to change.
    again = kasi.post(f"/borrower-accounts/action/deactivate/{pk}", follow_redirects=True)
    assert "Tidak ada akun yang berubah" in visible_text(again)

    show = visible_text(kasi.get(f"/borrower-accounts/show/{pk}"))
    assert "Aktifkan" in show and "Nonaktifkan" not in show
    kasi.post(f"/borrower-accounts/action/activate/{pk}")
    assert user("peminjam2").active
    login(app.test_client(), "peminjam2")


def test_bulk_deactivate(login_as):
    response = login_as("adminpc").post("/borrower-accounts/action_post", data={
        "action": "deactivate",
        "rowid": [str(profile_id("peminjam1")), str(profile_id("peminjam2"))]},
        follow_redirects=True)
    assert "Akun dinonaktifkan: peminjam1, peminjam2." in visible_text(response)
    assert not user("peminjam1").active and not user("peminjam2").active


def test_an_unknown_account_is_not_found(login_as):
    kasi = login_as("kasi")
    assert kasi.get("/borrower-accounts/show/999999").status_code == 404
    assert kasi.post("/borrower-accounts/action/activate/999999").status_code == 404


# --- Refused -----------------------------------------------------------------------

REFUSED_REQUESTS = [
    ("get", "/borrower-accounts/list/", None),
    ("get", "/borrower-accounts/show/{pk}", None),
    ("get", "/borrower-accounts/add", None),
    ("post", "/borrower-accounts/add", "form"),
    ("post", "/borrower-accounts/action/deactivate/{pk}", None),
    ("post", "/borrower-accounts/action/activate/{pk}", None),
    ("post", "/borrower-accounts/action_post", "deactivate"),
    ("post", "/borrower-accounts/action_post", "activate"),
]


@pytest.mark.parametrize("username", ["peminjam1", "kabid"])
@pytest.mark.parametrize("method,path,body", REFUSED_REQUESTS,
                         ids=[f"{m}:{p}:{b}" for m, p, b in REFUSED_REQUESTS])
def test_borrowers_and_the_kabid_are_refused(login_as, username, method, path, body):
    pk = profile_id("peminjam2")
    accounts.set_active(accounts.profile_of(user("peminjam2")), False)
    db.session.commit()
    before = counts()
    data = {"form": account_form(), "activate": {"action": "activate", "rowid": [pk]},
            "deactivate": {"action": "deactivate", "rowid": [pk]}}.get(body)
    response = getattr(login_as(username), method)(path.format(pk=pk), data=data)
    assert response.status_code == 403
    assert "Akses Ditolak" in visible_text(response)
    assert counts() == before
    db.session.expire_all()
    assert not user("peminjam2").active


def test_a_borrower_cannot_activate_another_account(app, client, login_as):
    client.post("/register/", data={**account_form(username="sari", email="sari@x.id"),
                                    "website": "", "form_stamp": _old_stamp()})
    pk = profile_id("sari")
    peminjam = login_as("peminjam1")
    assert peminjam.post(f"/borrower-accounts/action/activate/{pk}").status_code == 403
    assert peminjam.post("/borrower-accounts/action_post", data={
        "action": "activate", "rowid": [pk]}).status_code == 403
    db.session.expire_all()
    assert not user("sari").active
    assert "Akun Anda belum aktif" in visible_text(log_in(app.test_client(), "sari",
                                                          NEW_PASSWORD))


def test_anonymous_is_sent_to_log_in(client):
    pk = profile_id("peminjam1")
    for response in (client.get("/borrower-accounts/list/"),
                     client.post(f"/borrower-accounts/action/deactivate/{pk}")):
        assert response.status_code == 302
        assert "/login/" in response.headers["Location"]
    assert user("peminjam1").active
