"""CSRF protection on every form and state-changing action, and no state
change on GET.

The other tests run with WTF_CSRF_ENABLED False; here it is on, as in
production. A POST without the token is refused with the app's 400 page (the
request form: the form again, with its input) and changes nothing; the same POST with the token (taken from the page, as a
browser does) works. Every route of the app that accepts POST is checked
the same way, except the JSON API, which authenticates by JWT, not cookies.
"""
import re
from datetime import date

import pytest
from helpers import loans_of, login, submit_loan, take, user, visible_text

from app.models import ClosedDate, LoanRequest, LoanStatus
from app.platform.extensions import db

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token_of(client, path):
    html = client.get(path).get_data(as_text=True)
    return TOKEN.search(html).group(1)


@pytest.fixture
def csrf_on(app):
    """Log in before turning CSRF on (the login helper posts no token)."""
    clients = {name: login(app.test_client(), name)
               for name in ("peminjam1", "kasi", "adminpc", "admin")}
    app.config["WTF_CSRF_ENABLED"] = True
    return clients


def assert_refused(response):
    assert response.status_code == 400
    text = visible_text(response)
    assert "Permintaan Tidak Valid" in text
    assert "muat ulang halaman" in text  # says what to do
    assert "CSRF" not in text and "Traceback" not in text


def status_of(loan):
    db.session.expire_all()
    return db.session.get(LoanRequest, loan.id).status


# ------------------------------------------------ representative forms and actions

def test_login_needs_the_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    assert_refused(client.post("/login/", data={"username": "kabid",
                                                "password": "Pontive#2026"}))
    assert client.get("/loans/list/").status_code == 302  # not logged in
    response = client.post("/login/", data={
        "username": "kabid", "password": "Pontive#2026",
        "csrf_token": token_of(client, "/login/")})
    assert response.status_code == 302
    assert client.get("/loans/list/").status_code == 200


def test_loan_form_needs_the_token(app, csrf_on):
    from helpers import pdf_upload

    borrower = csrf_on["peminjam1"]
    before = len(loans_of("peminjam1"))
    data = {"kind": "peminjaman", "title": "Tanpa token", "letter": pdf_upload()}
    # Refused, with the form and its input back (test_nothing_lost.py).
    response = borrower.post("/loans/add", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Formulir telah kedaluwarsa" in visible_text(response)
    assert 'value="Tanpa token"' in response.get_data(as_text=True)
    assert len(loans_of("peminjam1")) == before
    # With the page's token, the form is processed (here: its field errors).
    data = {"kind": "peminjaman", "title": "Dengan token", "letter": pdf_upload(),
            "csrf_token": token_of(borrower, "/loans/add")}
    response = borrower.post("/loans/add", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "Permintaan Tidak Valid" not in \
        visible_text(response)


def test_step_form_needs_the_token(app, csrf_on):
    loan = submit_loan("peminjam1", title="Rapat tanpa token")
    borrower = csrf_on["peminjam1"]
    url = f"/loans/step/cancel/{loan.id}"
    assert_refused(borrower.post(url, data={"reason": "Tanpa token"}))
    assert status_of(loan) == LoanStatus.SUBMITTED
    response = borrower.post(url, data={"reason": "Acara batal", "sure": "y",
                                        "csrf_token": token_of(borrower, url)})
    assert response.status_code == 302
    assert status_of(loan) == LoanStatus.CANCELLED


def test_bulk_action_needs_the_token(app, csrf_on):
    loan = submit_loan("peminjam1", title="Rapat untuk agenda")
    take(loan, "dispose")
    take(loan, "confirm")
    db.session.commit()
    adminpc = csrf_on["adminpc"]
    data = {"action": "schedule_selected", "rowid": [str(loan.id)]}
    assert_refused(adminpc.post("/loans/action_post", data=data))
    assert status_of(loan) == LoanStatus.CONFIRMED
    data["csrf_token"] = token_of(adminpc, "/loans/list/")
    assert adminpc.post("/loans/action_post", data=data).status_code == 302
    assert status_of(loan) == LoanStatus.SCHEDULED


def _closed_date():
    row = ClosedDate(day=date(2031, 3, 3), reason="Acara kota")
    db.session.add(row)
    db.session.commit()
    return row.id


def test_delete_needs_the_token_and_a_post(app, csrf_on):
    pk = _closed_date()
    kasi = csrf_on["kasi"]
    url = f"/closed-dates/delete/{pk}"
    assert_refused(kasi.post(url))
    assert kasi.get(url).status_code == 405
    db.session.expire_all()
    assert db.session.get(ClosedDate, pk) is not None
    token = token_of(kasi, "/closed-dates/list/")
    assert kasi.post(url, data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ClosedDate, pk) is None


def test_single_row_action_needs_the_token_and_a_post(app, csrf_on):
    # Deactivating a borrower account from its page.
    kasi = csrf_on["kasi"]
    from app.domain import accounts

    pk = accounts.profile_of(user("peminjam2")).id
    url = f"/borrower-accounts/action/deactivate/{pk}"
    assert_refused(kasi.post(url))
    assert kasi.get(url).status_code == 405
    db.session.expire_all()
    assert user("peminjam2").active


def test_registration_needs_the_token(app):
    import time

    from app.security import registration_guard

    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    data = {"first_name": "Siti", "last_name": "R", "username": "siti.tanpa.token",
            "email": "siti@untan.ac.id", "password": "Rahasia#2026x",
            "password_confirm": "Rahasia#2026x", "position": "Staf",
            "phone": "0812-3456-7890", "website": "",
            "form_stamp": registration_guard.form_stamp(time.time() - 10)}
    assert_refused(client.post("/register/", data=data))
    assert user("siti.tanpa.token") is None


def test_opening_a_verification_link_changes_nothing(app, client):
    from app.domain import accounts

    account = user("peminjam2")
    account.active = False
    accounts.profile_of(account).email_verified_at = None
    db.session.commit()
    path = f"/register/verify/{accounts.verification_token(account)}"
    page = client.get(path)
    assert page.status_code == 200
    assert "Verifikasi dan aktifkan akun saya" in visible_text(page)
    assert 'method="post"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert not user("peminjam2").active
    app.config["WTF_CSRF_ENABLED"] = True
    assert_refused(client.post(path))
    db.session.expire_all()
    assert not user("peminjam2").active
    assert client.post(path, data={"csrf_token": token_of(client, path)}
                       ).status_code == 200
    db.session.expire_all()
    assert user("peminjam2").active


def test_opening_a_step_form_changes_nothing(app, csrf_on):
    loan = loans_of("peminjam1")[0]
    before = (status_of(loan), len(loan.history))
    for action in ("cancel", "dispose"):
        who = "peminjam1" if action == "cancel" else "kasi"
        csrf_on[who].get(f"/loans/step/{action}/{loan.id}")
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert (loan.status, len(loan.history)) == before


# ------------------------------------------------------------ every route

# Routes that take POST without the CSRF token, each for a stated reason.
# The JSON API authenticates every call by its JWT bearer token, which a
# browser never sends by itself; FAB exempts its API blueprints.
API_PREFIX = "/api/v1/"
# Of those, the ones that need no JWT: logging in is what gets one (and it is
# rate-limited, tests/test_security_login.py).
API_WITHOUT_JWT = {"/api/v1/security/login"}


def _url(rule):
    values = {}
    for name, converter in rule._converters.items():
        values[name] = "1" if name == "pk" or type(converter).__name__ == \
            "IntegerConverter" else "x"
    return rule.build(values, append_unknown=False)[1]


def _unsafe_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}]


def test_every_post_route_checks_the_token(app, csrf_on):
    """Anonymous and as the Admin: every non-API route refuses a tokenless
    POST (PUT, DELETE) before doing anything."""
    checked = []
    for rule in _unsafe_rules(app):
        url = _url(rule)
        if rule.rule.startswith(API_PREFIX):
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            for client in (app.test_client(), csrf_on["admin"]):
                response = client.open(url, method=method, data={"x": "1"})
                assert response.status_code == 400, (method, rule.rule,
                                                     response.status_code)
            checked.append(rule.rule)
    # The check reached the app's own forms and FAB's.
    for expected in ("/loans/add", "/loans/step/<string:action>/<int:pk>",
                     "/loans/action_post", "/closed-dates/delete/<pk>", "/login/",
                     "/register/", "/register/verify/<token>", "/calendar/renew",
                     "/users/add", "/damage/step/<int:pk>"):
        assert expected in checked, expected


def test_api_routes_are_exempt_only_because_they_need_a_jwt(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    api_rules = [r for r in _unsafe_rules(app) if r.rule.startswith(API_PREFIX)]
    assert api_rules
    before = {loan.id: (loan.status, loan.title) for loan in db.session.query(LoanRequest)}
    for rule in api_rules:
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(_url(rule), method=method, json={})
            if rule.rule in API_WITHOUT_JWT:
                assert response.status_code in (400, 401), rule.rule
                assert "access_token" not in response.get_data(as_text=True)
            else:
                # Not a CSRF refusal, and no entry without a JWT.
                assert response.status_code in (401, 403, 404, 405), (
                    method, rule.rule, response.status_code)
    db.session.expire_all()
    assert {loan.id: (loan.status, loan.title)
            for loan in db.session.query(LoanRequest)} == before


def test_state_changing_routes_refuse_get(app, csrf_on):
    """Deleting and actions of every model view (FAB's own included) are
    POST only; so are the app's other state-changing routes."""
    # (FAB's form views have a GET rule for the form and a POST rule apart.)
    shown = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods}
    post_only = [r for r in app.url_map.iter_rules()
                 if "POST" in r.methods and r.rule not in shown
                 and not r.rule.startswith(API_PREFIX)]
    endpoints = {r.endpoint for r in post_only}
    for view in ("LoanRequestView", "ClosedDateView", "RoomView", "UserDBModelView",
                 "RoleModelView", "BorrowerAccountView"):
        assert {f"{view}.delete", f"{view}.action"} <= endpoints, view
    before = {loan.id: loan.status for loan in db.session.query(LoanRequest)}
    for rule in post_only:
        response = csrf_on["admin"].get(_url(rule))
        assert response.status_code == 405, (rule.rule, response.status_code)
        assert "POST" in response.headers.get("Allow", "")
    db.session.expire_all()
    assert {loan.id: loan.status for loan in db.session.query(LoanRequest)} == before
