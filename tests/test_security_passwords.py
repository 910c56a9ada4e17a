"""The password rule holds wherever a password is set: FAB's user pages (add,
reset another user's password, reset one's own), the registration page and
the staff's Akun Peminjam form. (FAB's user REST API is not enabled:
FAB_ADD_SECURITY_API is off, so there is no /api/v1/security/users.)"""
import pytest
from helpers import PASSWORD, user, visible_text
from test_borrower_accounts import account_form
from test_registration import registration
from werkzeug.security import check_password_hash

from app.platform.extensions import db

RULE = "paling sedikit 10 karakter"
WEAK = ["pendek1A", "semuahurufkecil123", "SEMUAHURUFBESAR123", "TanpaAngkaSama"]


@pytest.mark.parametrize("weak", WEAK)
def test_fab_user_form_refuses_a_weak_password(login_as, weak):
    admin = login_as("admin")
    response = admin.post("/users/add", data={
        "first_name": "Uji", "last_name": "Sandi", "username": "uji.sandi",
        "email": "uji@pontianak.go.id", "active": "y", "roles": ["1"],
        "password": weak, "conf_password": weak})
    assert response.status_code == 200
    assert RULE in visible_text(response)
    assert user("uji.sandi") is None


def test_fab_password_resets_refuse_a_weak_password(login_as):
    admin = login_as("admin")
    target = user("peminjam1")
    old_hash = target.password
    response = admin.post(f"/resetpassword/form?pk={target.id}", data={
        "password": "lemah", "conf_password": "lemah"})
    assert RULE in visible_text(response)
    response = admin.post("/resetmypassword/form", data={
        "password": "lemah", "conf_password": "lemah"})
    assert RULE in visible_text(response)
    db.session.expire_all()
    assert user("peminjam1").password == old_hash
    assert check_password_hash(user("admin").password, PASSWORD)


@pytest.mark.parametrize("weak", WEAK)
def test_registration_refuses_a_weak_password(client, weak):
    response = client.post("/register/", data=registration(password=weak,
                                                           password_repeat=weak))
    assert response.status_code == 200
    assert RULE in visible_text(response)
    assert user("siti.r") is None


@pytest.mark.parametrize("weak", WEAK)
def test_borrower_account_form_refuses_a_weak_password(login_as, weak):
    response = login_as("kasi").post("/borrower-accounts/add", data=account_form(
        password=weak, password_repeat=weak))
    assert response.status_code == 200
    assert RULE in visible_text(response)
    assert user("budi") is None
