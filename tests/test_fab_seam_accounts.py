"""What app/fab/auth_views.py and app/fab/revocable_sessions.py rely on in
Flask-AppBuilder, Flask-Login and flask-jwt-extended: each test fails if an
upgrade changes the behaviour (the modules' docstrings name it)."""
import jwt
from flask import session
from flask_login import user_logged_in
from helpers import PASSWORD, login, user

from app.fab.auth_views import AuthDBView, ResetMyPasswordView, ResetPasswordView
from app.fab.revocable_sessions import FLASK_LOGIN_KEYS
from app.security import sessions


def _calls(monkeypatch, sm, name, noted=lambda *args: args):
    """Record ``noted(*args)`` of each call of ``sm.name`` (which still does
    what it did)."""
    calls, original = [], getattr(sm, name)

    def recorded(*args):
        calls.append(noted(*args))
        return original(*args)

    monkeypatch.setattr(sm, name, recorded)
    return calls


def test_the_security_manager_attributes_choose_the_views(app):
    views = {type(view) for view in app.appbuilder.baseviews}
    assert {AuthDBView, ResetMyPasswordView, ResetPasswordView} <= views
    # The class names are FAB's: the endpoints (and permissions) stay.
    assert app.url_map.bind("localhost").match("/resetmypassword/form")[0] == (
        "ResetMyPasswordView.this_form_get")


def test_a_re_exposed_method_replaces_fabs_route(app):
    [rule] = [r for r in app.url_map.iter_rules() if r.rule == "/logout/"]
    assert rule.endpoint == "AuthDBView.logout"
    assert {"GET", "POST"} <= rule.methods


def test_fabs_logout_calls_on_user_logout(app, login_as, monkeypatch):
    calls = _calls(monkeypatch, app.appbuilder.sm, "on_user_logout",
                   lambda user: user.username)
    login_as("kasi").post("/logout/")
    assert calls == ["kasi"]


def test_fabs_password_views_save_through_reset_password(app, login_as, monkeypatch):
    calls = _calls(monkeypatch, app.appbuilder.sm, "reset_password")
    login_as("kasi").post("/resetmypassword/form", data={
        "current_password": PASSWORD, "password": "Baru#Sandi-2027",
        "conf_password": "Baru#Sandi-2027"})
    pk = user("peminjam1").id
    login_as("admin").post(f"/resetpassword/form?pk={pk}", data={
        "password": "Lain#Sandi-2027", "conf_password": "Lain#Sandi-2027"})
    assert [(str(userid), password) for userid, password in calls] == [
        (str(user("kasi").id), "Baru#Sandi-2027"), (str(pk), "Lain#Sandi-2027")]


def test_flask_login_keeps_the_user_under_its_keys_and_signals_the_login(app):
    signalled = []

    def record(_app, user, **_extra):
        signalled.append((user.username, dict(session)))

    user_logged_in.connect(record)
    try:
        client = login(app.test_client(), "kasi")
    finally:
        user_logged_in.disconnect(record)
    [(username, stored)] = signalled
    assert username == "kasi"
    assert stored["_user_id"] == str(user("kasi").id)  # one of FLASK_LOGIN_KEYS
    with client.session_transaction() as cookie:
        assert set(FLASK_LOGIN_KEYS) <= set(cookie)
    client.post("/logout/")  # Flask-Login's logout_user pops the same keys
    with client.session_transaction() as cookie:
        assert not set(FLASK_LOGIN_KEYS) & set(cookie)


def test_fabs_tokens_carry_the_claims_loaders_claims(app):
    client = app.test_client()
    response = client.post("/api/v1/security/login", json={
        "username": "kasi", "password": PASSWORD, "provider": "db", "refresh": True})
    kasi = user("kasi")
    for kind in ("access_token", "refresh_token"):
        claims = jwt.decode(response.get_json()[kind], app.config["SECRET_KEY"],
                            algorithms=["HS256"])
        assert claims["sub"] == str(kasi.id)
        assert claims[sessions.TOKEN_CLAIM] == sessions.version_of(kasi.id) == 0
    refreshed = client.post("/api/v1/security/refresh", headers={
        "Authorization": f"Bearer {response.get_json()['refresh_token']}"})
    claims = jwt.decode(refreshed.get_json()["access_token"], app.config["SECRET_KEY"],
                        algorithms=["HS256"])
    assert claims[sessions.TOKEN_CLAIM] == 0


def test_every_token_request_looks_the_user_up_through_the_manager(app):
    """FAB registered the SecurityManager's load_user_jwt as the lookup: a
    changed version refuses the token on an API call and on the refresh."""
    from app.platform.extensions import db

    client = app.test_client()
    body = client.post("/api/v1/security/login", json={
        "username": "kasi", "password": PASSWORD, "provider": "db",
        "refresh": True}).get_json()
    access = {"Authorization": f"Bearer {body['access_token']}"}
    refresh = {"Authorization": f"Bearer {body['refresh_token']}"}
    assert client.get("/api/v1/loans/", headers=access).status_code == 200
    sessions.end_all(user("kasi").id)
    db.session.commit()
    assert client.get("/api/v1/loans/", headers=access).status_code == 401
    assert client.post("/api/v1/security/refresh", headers=refresh).status_code == 401


def test_one_row_for_a_user_of_several_roles(app):
    from app.platform.extensions import db

    sm = app.appbuilder.sm
    kasi = user("kasi")
    kasi.roles.append(sm.find_role("Kabid TKPBET"))
    db.session.commit()
    row = sm.user_with_roles(kasi.id, sessions.version_column(sm.user_model))
    assert row[0].username == "kasi" and row[1] == 0
    assert {role.name for role in row[0].roles} == {"Kasi PK & AI", "Kabid TKPBET"}
