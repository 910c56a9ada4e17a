"""The permission matrix: its document, its names, and every grant tried over HTTP.

``GRANTS`` (app/security/roles.py) decides what each role may do. Here every
role's demo account tries every view/permission of the matrix over HTTP and
must get exactly what ``is_allowed`` says; a short hand-written table of key
expectations guards against a wrong GRANTS.
"""
import itertools
import os
import re

import pytest
from flask_babel import gettext
from helpers import PASSWORD, loans_of, login, office_day, submit_loan, take, user
from markupsafe import escape

from app import PROJECT_DIR
from app.domain import accounts, equipment_care
from app.models import (
    BorrowerProfile,
    ClosedDate,
    DamageReport,
    Equipment,
    Institution,
    LoanRequest,
    Notice,
    Room,
)
from app.platform.extensions import db
from app.platform.timeutil import utcnow
from app.security.roles import (
    ADMIN,
    ADMIN_PC,
    ALL_ROLES,
    GRANTS,
    KABID,
    KASI,
    PEMINJAM,
    is_allowed,
    permission_matrix_markdown,
)

ACCOUNTS = {ADMIN: "admin", KABID: "kabid", KASI: "kasi", ADMIN_PC: "adminpc",
            PEMINJAM: "peminjam1"}

ROUTES = {
    "LoanRequestView": "/loans",
    "AvailabilityView": "/availability",
    "AgendaView": "/agenda",
    "CalendarFeedView": "/calendar",
    "TasksView": "/tasks",
    "NoticeView": "/notices",
    "LoanRegisterView": "/reports/loan-register",
    "AnnualReportView": "/reports/annual",
    "RoomView": "/rooms",
    "EquipmentView": "/equipment",
    "DamageReportView": "/damage",
    "AboutSopView": "/sop",
    "InstitutionView": "/institutions",
    "ClosedDateView": "/closed-dates",
    "BorrowerAccountView": "/borrower-accounts",
    "ComplaintView": "/complaints",
    "SurveyView": "/survey",
    "SurveyReportView": "/reports/survey",
    "UserDBModelView": "/users",
    "RoleModelView": "/roles",
    "UserInfoEditView": "/userinfoeditview",
    "ResetMyPasswordView": "/resetmypassword",
    "ResetPasswordView": "/resetpassword",
    "UserGroupModelView": "/groups",
    "PermissionModelView": "/permissions",
    "ViewMenuModelView": "/viewmenus",
    "PermissionViewModelView": "/permissionviews",
}

# Registered by FAB, granted to no role: nobody may use them.
UNGRANTED = [
    ("LoanRequestView", "can_delete"),  # requests are cancelled, never deleted
    ("UserGroupModelView", "can_list"),
    ("PermissionModelView", "can_list"),
    ("ViewMenuModelView", "can_list"),
    ("PermissionViewModelView", "can_list"),
    ("List Groups", "menu_access"),
    ("Base Permissions", "menu_access"),
]

# Key expectations written by hand (from DESIGN.md and the issue), so that a
# wrong GRANTS fails even though the matrix test derives from GRANTS.
KEY_EXPECTATIONS = [
    # Peminjam: submits and follows their own requests, nothing else.
    (PEMINJAM, "LoanRequestView", "can_add", True),
    (PEMINJAM, "LoanRequestView", "can_list", True),
    (PEMINJAM, "LoanRequestView", "can_letter", True),
    # Everyone in the SOP downloads a request's confirmation letter (a
    # borrower: of their own requests only); its disposition sheet is
    # internal, for staff only.
    *[(role, view, "can_confirmation", True) for role in ALL_ROLES
      for view in ("LoanRequestView", "LoanRequestApi")],
    *[(role, view, "can_disposition", role != PEMINJAM) for role in ALL_ROLES
      for view in ("LoanRequestView", "LoanRequestApi")],
    # The SOP's people reach the step forms and their inbox; the system admin
    # takes no SOP step. Only the Admin Pontive Center fills the agenda in bulk.
    *[(role, view, perm, role != ADMIN) for role in ALL_ROLES
      for view, perm in (("LoanRequestView", "can_step"), ("TasksView", "can_index"),
                         ("My Tasks", "menu_access"))],
    # The bell: the SOP's people read their own notices; the Admin has none.
    *[(role, "NoticeView", perm, role != ADMIN) for role in ALL_ROLES
      for perm in ("can_index", "can_open", "can_read_all")],
    *[(role, "LoanRequestView", "schedule_selected", role == ADMIN_PC)
      for role in ALL_ROLES],
    (PEMINJAM, "InstitutionView", "can_list", False),
    (PEMINJAM, "RoomView", "can_add", False),
    (PEMINJAM, "EquipmentView", "can_edit", False),
    (PEMINJAM, "Security", "menu_access", False),
    (PEMINJAM, "ResetMyPasswordView", "can_this_form_post", True),
    # Every role has the agenda and its own calendar feed.
    *[(role, view, perm, True) for role in ALL_ROLES
      for view, perm in (("AgendaView", "can_index"), ("Agenda", "menu_access"),
                         ("CalendarFeedView", "can_index"),
                         ("Calendar Subscription", "menu_access"))],
    # Staff see every request but do not submit one in a borrower's name.
    (KABID, "LoanRequestView", "can_list", True),
    (KABID, "LoanRequestView", "can_add", False),
    (KABID, "RoomView", "can_add", False),
    (KABID, "RoomView", "can_list", True),
    (KASI, "LoanRequestView", "can_add", False),
    (KASI, "LoanRequestView", "can_letter", True),
    (KASI, "RoomView", "can_edit", False),
    (ADMIN_PC, "LoanRequestView", "can_show", True),
    (ADMIN_PC, "RoomView", "can_add", True),
    (ADMIN_PC, "EquipmentView", "can_edit", True),
    # Equipment care: all staff report and read damage; the Admin Pontive
    # Center and the Admin take it on to repaired; borrowers see none of it.
    *[(role, "DamageReportView", perm, role != PEMINJAM) for role in ALL_ROLES
      for perm in ("can_list", "can_show", "can_add")],
    *[(role, "DamageReportView", "can_step", role in (ADMIN, ADMIN_PC))
      for role in ALL_ROLES],
    *[(role, "Equipment Damage", "menu_access", role != PEMINJAM) for role in ALL_ROLES],
    # Everyone signed in reads the SOP the product runs.
    *[(role, view, perm, True) for role in ALL_ROLES
      for view, perm in (("AboutSopView", "can_index"), ("About the SOP", "menu_access"))],
    (ADMIN, "LoanRequestView", "can_add", False),
    (ADMIN, "LoanRequestView", "can_edit", False),
    (ADMIN, "RoomView", "can_add", True),
    (ADMIN, "InstitutionView", "can_delete", True),
    # Local unavailable dates: kept by the Kasi and the admins, seen by the Kabid.
    *[(role, "ClosedDateView", perm, role in (ADMIN, KASI, ADMIN_PC))
      for role in ALL_ROLES for perm in ("can_add", "can_edit", "can_delete")],
    *[(role, "ClosedDateView", "can_list", role != PEMINJAM) for role in ALL_ROLES],
    (PEMINJAM, "Unavailable Dates", "menu_access", False),
    (KABID, "Unavailable Dates", "menu_access", True),
    # Borrower accounts: kept by the Kasi and the admins; not the Kabid, not borrowers.
    *[(role, "BorrowerAccountView", perm, role in (ADMIN, KASI, ADMIN_PC))
      for role in ALL_ROLES
      for perm in ("can_list", "can_show", "can_add", "activate", "deactivate")],
    *[(role, "Borrower Accounts", "menu_access", role in (ADMIN, KASI, ADMIN_PC))
      for role in ALL_ROLES],
    # The annual report: every staff role reads and downloads it; the Kabid and
    # the Kasi write its narrative sections; borrowers get none of it.
    *[(role, "AnnualReportView", perm, role != PEMINJAM) for role in ALL_ROLES
      for perm in ("can_index", "can_download")],
    *[(role, "AnnualReportView", "can_narratives", role in (KABID, KASI))
      for role in ALL_ROLES],
    *[(role, "Annual Report", "menu_access", role != PEMINJAM) for role in ALL_ROLES],
    # The loan register (PDF and Excel) lists every request: staff only.
    *[(role, view, perm, role != PEMINJAM) for role in ALL_ROLES
      for view, perm in (("LoanRegisterView", "can_index"), ("Reports", "menu_access"),
                         ("Loan Register", "menu_access"))],
    # Users and roles: Admin only.
    *[(role, "UserDBModelView", "can_list", role == ADMIN) for role in ALL_ROLES],
    *[(role, "RoleModelView", "can_edit", role == ADMIN) for role in ALL_ROLES],
    *[(role, "List Users", "menu_access", role == ADMIN) for role in ALL_ROLES],
    # Every account may see its profile and change its own password.
    *[(role, "UserDBModelView", "can_userinfo", True) for role in ALL_ROLES],
    *[(role, "UserDBModelView", "resetmypassword", True) for role in ALL_ROLES],
    *[(role, "ResetMyPasswordView", "can_this_form_get", True) for role in ALL_ROLES],
    # The REST API: rooms and availability for everyone, the staff documents
    # as their pages, the OpenAPI document and its Swagger page for everyone.
    *[(role, view, "can_get", True) for role in ALL_ROLES
      for view in ("RoomApi", "AvailabilityApi", "OpenApi")],
    *[(role, "DocumentApi", perm, role != PEMINJAM) for role in ALL_ROLES
      for perm in ("can_register", "can_annual_report")],
    *[(role, "SwaggerView", "can_show", True) for role in ALL_ROLES],
    # The loans API: a borrower submits and sends letters; the SOP's roles
    # take steps (the workflow decides which); everyone reads and downloads
    # (but the disposition sheet, above).
    *[(role, "LoanRequestApi", perm, role == PEMINJAM) for role in ALL_ROLES
      for perm in ("can_post", "can_post_letter")],
    *[(role, "LoanRequestApi", "can_step", role != ADMIN) for role in ALL_ROLES],
    *[(role, "LoanRequestApi", perm, True) for role in ALL_ROLES
      for perm in ("can_get", "can_letter")],
    # Complaints: a borrower files their own; every staff role reads them; the
    # Kasi and the Admin Pontive Center answer and close them.
    *[(role, "ComplaintView", perm, True) for role in ALL_ROLES
      for perm in ("can_list", "can_show")],
    *[(role, "ComplaintView", "can_add", role == PEMINJAM) for role in ALL_ROLES],
    *[(role, "ComplaintView", "can_step", role in (KASI, ADMIN_PC)) for role in ALL_ROLES],
    # The satisfaction survey: borrowers answer it; the Kasi and the Kabid
    # read the index and print its report.
    *[(role, "SurveyView", "can_answer", role == PEMINJAM) for role in ALL_ROLES],
    *[(role, "SurveyReportView", perm, role in (KABID, KASI)) for role in ALL_ROLES
      for perm in ("can_index", "can_download")],
    # Nobody deletes a request (history is kept).
    *[(role, "LoanRequestView", "can_delete", False) for role in ALL_ROLES],
]


def matrix_rows():
    rows = {(view, perm) for views in GRANTS.values() for view, perms in views.items()
            for perm in perms}
    return sorted(rows | set(UNGRANTED))


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def env(module_app):
    """Logged-in clients, API tokens and dashboard pages, one per role."""
    clients, tokens, dashboards = {}, {}, {}
    for role, username in ACCOUNTS.items():
        client = login(module_app.test_client(), username)
        clients[role] = client
        response = client.post("/api/v1/security/login", json={
            "username": username, "password": PASSWORD, "provider": "db"})
        assert response.status_code == 200, response.get_data(as_text=True)
        tokens[role] = response.get_json()["access_token"]
        page = client.get("/")
        assert page.status_code == 200
        dashboards[role] = page.get_data(as_text=True)
    with module_app.test_request_context("/"):
        labels = {name: str(gettext(str(item.label)))
                  for name, item in _menu_items(module_app).items()}
    return {
        "app": module_app, "clients": clients, "tokens": tokens,
        "dashboards": dashboards, "menu_labels": labels,
        "loan": loans_of("peminjam1")[0].id,
        "room": db.session.query(Room).order_by(Room.id).first().id,
        "equipment": db.session.query(Equipment).order_by(Equipment.id).first().id,
        "institution": db.session.query(Institution).order_by(Institution.id).first().id,
        "closed_date": _free_closed_date("Acara kota (uji hak akses)"),
        "damage_report": _open_damage_report("lihat"),
        "borrower_account": accounts.profile_of(user("peminjam2")).id,
        "user": user("peminjam2").id,
        "role": module_app.appbuilder.sm.find_role(PEMINJAM).id,
        "complaint": _complaint(),
    }


def _complaint():
    """A complaint of peminjam1 waiting for an answer."""
    from app.domain import complaints

    complaint = complaints.file(user("peminjam1"), complaints.ComplaintInput(
        kind="saran", topic="lainnya", subject="Uji hak akses",
        description="Pengaduan untuk uji hak akses."))
    db.session.commit()
    return complaint.id


def _menu_items(app):
    items = {}

    def walk(menu):
        for item in menu:
            if item.name != "-":
                items[item.name] = item
            walk(item.childs or [])

    walk(app.appbuilder.menu.get_list())
    return items


# ---------------------------------------------------------------- one check

def _free_closed_date(reason):
    """A new unavailable date on a day no other row has; returns its pk."""
    from datetime import date, timedelta

    day = date(2031, 1, 1)
    while db.session.query(ClosedDate).filter_by(day=day).count():
        day += timedelta(days=1)
    row = ClosedDate(day=day, reason=reason)
    db.session.add(row)
    db.session.commit()
    return row.id


def _throwaway(view, tag):
    """A new row the ``can_delete`` check may delete; returns (pk, still_there)."""
    if view == "ClosedDateView":
        pk = _free_closed_date(f"Hapus {tag}")
        return pk, lambda: db.session.get(ClosedDate, pk) is not None
    if view == "RoomView":
        row = Room(name=f"Ruang hapus {tag}", capacity=5)
    elif view == "EquipmentView":
        row = Equipment(room_id=db.session.query(Room).first().id, name=f"Alat {tag}",
                        quantity=1)
    elif view == "InstitutionView":
        row = Institution(name=f"Lembaga hapus {tag}", kind="lainnya")
    elif view == "UserDBModelView":
        from flask import current_app

        app_sm = current_app.appbuilder.sm
        row = app_sm.add_user(username=f"hapus{tag}", first_name="Hapus",
                              last_name="Saja", email=f"hapus{tag}@example.org",
                              role=app_sm.find_role(PEMINJAM), password=PASSWORD)
    elif view == "RoleModelView":
        from flask import current_app

        row = current_app.appbuilder.sm.add_role(f"Peran hapus {tag}")
    elif view == "LoanRequestView":
        row = submit_loan("peminjam1", title=f"Hapus {tag}")
    else:
        raise AssertionError(f"no throwaway row for {view}")
    db.session.add(row)
    db.session.commit()
    model, pk = type(row), row.id
    return pk, lambda: db.session.get(model, pk) is not None


_DAMAGED = itertools.count(1)


def _open_damage_report(tag):
    """A new item of the first room with an open damage report; its pk."""
    item = Equipment(room_id=db.session.query(Room).order_by(Room.id).first().id,
                     name=f"Alat rusak {tag} {next(_DAMAGED)}", quantity=1)
    db.session.add(item)
    report = equipment_care.report_damage(item, user("kasi"), "Tidak menyala.")
    db.session.commit()
    return report.id


_BORROWERS = itertools.count(1)


def _throwaway_borrower(tag, active):
    """A new borrower account the activate/deactivate checks may change; its profile pk."""
    number = next(_BORROWERS)
    institution = db.session.query(Institution).order_by(Institution.id).first()
    account = accounts.create_borrower(accounts.BorrowerInput(
        first_name="Uji", last_name="Hak Akses", username=f"akun{tag}{number}",
        email=f"akun{tag}{number}@example.org", password=PASSWORD,
        position="Staf", phone="0561-000000", institution_id=institution.id,
    ), active=active)
    db.session.commit()
    return accounts.profile_of(account).id


_agenda_from = 40  # days ahead where the next agenda request may start


def _next_agenda_days_ahead():
    """Days ahead of an office day a week after the last one used here. A
    plain count a week apart could land twice on one day after a long
    holiday (office_day moves both past it), and the second confirmation
    would find the room taken."""
    global _agenda_from
    from app.platform.timeutil import to_local, utcnow

    days_ahead = (office_day(_agenda_from) - to_local(utcnow()).date()).days
    _agenda_from = days_ahead + 7
    return days_ahead


# The REST API's endpoints, tried with the role's token.
API_ROUTES = {
    ("LoanRequestApi", "can_get"): "/api/v1/loans/",
    ("LoanRequestApi", "can_info"): "/api/v1/loans/_info",
    ("RoomApi", "can_get"): "/api/v1/rooms/",
    ("AvailabilityApi", "can_get"): "/api/v1/availability?room_id={room}",
    ("DocumentApi", "can_register"): "/api/v1/documents/register.xlsx",
    ("DocumentApi", "can_annual_report"): "/api/v1/documents/annual-report/{year}.pdf",
    ("OpenApi", "can_get"): "/api/v1/_openapi",
    ("LoanRequestApi", "can_letter"): "/api/v1/loans/{loan}/letter",
    ("LoanRequestApi", "can_disposition"): "/api/v1/loans/{loan}/disposition.pdf",
    ("LoanRequestApi", "can_confirmation"):
        "/api/v1/loans/{confirmed}/confirmation.pdf",
}

# The loans API's writes, tried where they change nothing: an empty list as
# the body (400) or a request that does not exist (404) once allowed.
API_POSTS = {
    ("LoanRequestApi", "can_post"): "/api/v1/loans/",
    ("LoanRequestApi", "can_post_letter"): "/api/v1/loans/0/letter",
    ("LoanRequestApi", "can_step"): "/api/v1/loans/0/dispose",
}


def _this_year():
    from app.platform.timeutil import to_local, utcnow

    return to_local(utcnow()).year


def _tag(role):
    return re.sub(r"\W+", "", role).lower()


def try_permission(env, role, view, perm):
    """Use ``perm`` on ``view`` as ``role``; return True (worked) or False (403).

    Anything else (a 500, a 404, a refusal that is not a 403) fails the test.
    """
    client = env["clients"][role]
    tag = _tag(role)

    if perm == "menu_access":
        return _menu_visible(env, role, view)

    if (view, perm) in API_POSTS:
        response = client.post(API_POSTS[view, perm], json=[], headers={
            "Authorization": f"Bearer {env['tokens'][role]}"})
        assert response.status_code in (400, 403, 404), (role, view, perm)
        return response.status_code != 403

    if (view, perm) in API_ROUTES:
        url = API_ROUTES[view, perm].format(
            room=env["room"], year=_this_year(), loan=env["loan"],
            confirmed=next(loan.id for loan in loans_of("peminjam1")
                           if loan.status == "scheduled"))
        response = client.get(url, headers={
            "Authorization": f"Bearer {env['tokens'][role]}"})
        return _status(response, role, view, perm)

    if view == "SwaggerView":  # FAB's Swagger page, with the browser's login
        return _status(client.get("/swagger/v1"), role, view, perm)

    base = ROUTES[view]
    pk = {"LoanRequestView": env["loan"], "RoomView": env["room"],
          "EquipmentView": env["equipment"], "InstitutionView": env["institution"],
          "ClosedDateView": env["closed_date"],
          "DamageReportView": env["damage_report"],
          "BorrowerAccountView": env["borrower_account"],
          "UserDBModelView": env["user"], "RoleModelView": env["role"],
          "ComplaintView": env["complaint"]}.get(view)

    if perm == "can_delete":
        target, exists = _throwaway(view, tag)
        response = client.post(f"{base}/delete/{target}")
        result = _status(response, role, view, perm)
        assert exists() is not result, f"{role}: delete on {view} did not match status"
        return result

    if view == "LoanRequestView" and perm == "can_step":
        # The permission opens the step pages; the workflow then decides
        # (a refused step is a flash and a redirect, not a 403).
        loan = submit_loan("peminjam1", title=f"Langkah {tag}")
        return _status(client.get(f"/loans/step/cancel/{loan.id}"), role, view, perm)

    if view == "LoanRequestView" and perm == "schedule_selected":
        # A week apart: each confirmed request holds its own day.
        loan = submit_loan("peminjam1", title=f"Agenda {tag}", days_ahead=_next_agenda_days_ahead())
        take(loan, "dispose")
        take(loan, "confirm")
        db.session.commit()
        response = client.post("/loans/action_post", data={
            "action": "schedule_selected", "rowid": [str(loan.id)]})
        result = _status(response, role, view, perm)
        db.session.expire_all()
        status = db.session.get(LoanRequest, loan.id).status
        assert (status == "scheduled") is result, f"{role}: agenda left {status}"
        return result

    if view == "DamageReportView" and perm == "can_step":
        target = _open_damage_report(tag)
        response = client.post(f"{base}/step/{target}",
                               data={"status": "in_repair", "note": "Diperiksa."})
        result = _status(response, role, view, perm)
        db.session.expire_all()
        status = db.session.get(DamageReport, target).status
        assert (status == "in_repair") is result, f"{role}: step left {status}"
        return result

    if view == "ComplaintView" and perm == "can_step":
        # The permission reaches the step; the domain then refuses closing an
        # unanswered complaint (a flash and a redirect) and nothing changes.
        response = client.post(f"{base}/step/close/{env['complaint']}", data={})
        return _status(response, role, view, perm)

    if view == "ComplaintView" and perm == "can_list":
        return _status(client.get(f"{base}/"), role, view, perm)

    if view == "NoticeView" and perm == "can_open":
        # One of the user's own notices (another's is a 404 for everyone).
        notice = Notice(user_id=user(ACCOUNTS[role]).id, loan_id=env["loan"],
                        kind="waiting", created_at=utcnow())
        db.session.add(notice)
        db.session.commit()
        return _status(client.get(f"{base}/open/{notice.id}"), role, view, perm)

    if view == "NoticeView" and perm == "can_read_all":
        return _status(client.post(f"{base}/read-all"), role, view, perm)

    if view == "SurveyView" and perm == "can_answer":
        # Not completed: the borrower is sent back to the request, others 403.
        return _status(client.get(f"{base}/answer/{env['loan']}"), role, view, perm)

    if view == "AnnualReportView" and perm == "can_narratives":
        # A year no other test reads; saved is a redirect to the year's page.
        response = client.post(f"{base}/narratives?year=2001",
                               data={"kendala": f"Uji hak akses {tag}"})
        return _status(response, role, view, perm)

    if view == "BorrowerAccountView" and perm in ("activate", "deactivate"):
        target = _throwaway_borrower(tag, active=perm == "deactivate")
        response = client.post(f"{base}/action/{perm}/{target}")
        result = _status(response, role, view, perm)
        db.session.expire_all()
        active = db.session.get(BorrowerProfile, target).user.active
        assert active is ((perm == "activate") is result), f"{role}: {perm} left {active}"
        return result

    if view == "UserDBModelView" and perm in ("resetmypassword", "resetpasswords",
                                                "userinfoedit"):
        # FAB's own actions: allowed, each leads to its form.
        own = user(ACCOUNTS[role]).id
        response = client.post(f"/users/action/{perm}/{own}")
        if not _status(response, role, view, perm):
            return False
        target = {"resetmypassword": "/resetmypassword/form",
                  "resetpasswords": "/resetpassword/form",
                  "userinfoedit": "/userinfoeditview/form"}[perm]
        assert target in response.headers["Location"], (role, perm)
        return True

    if view == "RoleModelView" and perm == "copyrole":
        source, _exists = _throwaway(view, f"salin{tag}")
        name = db.session.get(type(env["app"].appbuilder.sm.find_role(PEMINJAM)),
                              source).name
        response = client.post("/roles/action_post",
                               data={"action": "copyrole", "rowid": [str(source)]})
        result = _status(response, role, view, perm)
        copied = env["app"].appbuilder.sm.find_role(f"{name} (salinan)") is not None
        assert copied is result, f"{role}: copyrole answered {response.status_code}"
        return result

    # The administrator's password form is for one user (a missing one is 404).
    form = f"{base}/form" + (f"?pk={env['user']}" if view == "ResetPasswordView" else "")
    if perm == "can_this_form_get":
        return _status(client.get(form), role, view, perm)
    if perm == "can_this_form_post":
        # Empty: the form is shown again with its errors and nothing changes.
        return _status(client.post(form, data={}), role, view, perm)

    url = {
        "can_list": f"{base}/list/",
        "can_show": f"{base}/show/{pk}",
        "can_add": f"{base}/add",
        "can_edit": f"{base}/edit/{pk}",
        "can_letter": f"{base}/letter/{pk}",
        # A PDF; the confirmation of a request not yet confirmed is a flash
        # and a redirect to the request's page.
        "can_disposition": f"{base}/disposition/{pk}",
        "can_confirmation": f"{base}/confirmation/{pk}",
        "can_userinfo": f"{base}/userinfo/",
        "can_chart": f"{base}/chart/",
        "can_index": f"{base}/",
        "can_download": f"{base}/download",
    }[perm]
    return _status(client.get(url), role, view, perm)


def _status(response, role, view, perm):
    code = response.status_code
    assert code in (200, 302, 403), (
        f"{role} {view}.{perm}: unexpected {code}\n{response.get_data(as_text=True)[:500]}")
    if code == 302:
        assert "/login" not in response.headers["Location"], (
            f"{role} {view}.{perm}: sent to the login page")
    return code != 403


def _menu_visible(env, role, name):
    html = env["dashboards"][role]
    item = _menu_items(env["app"])[name]
    if item.childs:
        toggles = re.findall(r'class="dropdown-toggle"[^>]*>(.*?)<b class="caret">',
                             html, flags=re.S)
        texts = {re.sub(r"\s+|&nbsp;", "", re.sub(r"<[^>]+>", "", t)) for t in toggles}
        label = re.sub(r"\s+", "", str(escape(env["menu_labels"][name])))
        return label in texts
    with env["app"].test_request_context("/"):
        url = item.get_url()
    return f'tabindex="-1" href="{url}"' in html


# ---------------------------------------------------------------- tests

def test_permission_document_is_current():
    path = os.path.join(PROJECT_DIR, "docs", "permissions.md")
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == permission_matrix_markdown(), (
            "docs/permissions.md is out of date: run "
            "`FLASK_DEBUG=1 flask --app app permissions-doc`")


def test_granted_names_are_registered(module_app):
    """Every view and menu named in GRANTS exists, with that permission."""
    views = {view.class_permission_name: view for view in module_app.appbuilder.baseviews}
    menus = set(_menu_items(module_app))
    problems = []
    for role, grants in GRANTS.items():
        for name, perms in grants.items():
            for perm in perms:
                if perm == "menu_access":
                    if name not in menus:
                        problems.append(f"{role}: no menu entry named {name!r}")
                elif name not in views:
                    problems.append(f"{role}: no view named {name!r}")
                elif perm not in views[name].base_permissions:
                    problems.append(f"{role}: {name} has no permission {perm!r}")
    assert not problems, "\n".join(problems)


def test_every_matrix_row_is_tried():
    """Each (view, permission) of GRANTS maps to something the tests can try."""
    for view, perm in matrix_rows():
        assert (perm == "menu_access" or view in ROUTES or (view, perm) in API_ROUTES
                or (view, perm) in API_POSTS or view == "SwaggerView"), (
            f"add a URL for {view}.{perm} to this test")


def test_app_views_are_in_the_matrix(module_app):
    """The app's own views all appear in GRANTS (else nobody can use them)."""
    granted = {view for views in GRANTS.values() for view in views}
    for view in ("LoanRequestView", "RoomView", "EquipmentView", "InstitutionView",
                 "LoanRequestApi", "AvailabilityView", "BorrowerAccountView",
                 "DamageReportView", "AboutSopView", "AnnualReportView"):
        assert view in granted
    assert {"AgendaView", "CalendarFeedView"} <= granted
    assert "LoanRegisterView" in granted


@pytest.mark.parametrize("role,view,perm,expected", KEY_EXPECTATIONS,
                         ids=[f"{r}-{v}-{p}" for r, v, p, _ in KEY_EXPECTATIONS])
def test_key_expectations(env, role, view, perm, expected):
    assert is_allowed(role, view, perm) is expected, "GRANTS disagrees with the design"
    assert try_permission(env, role, view, perm) is expected


@pytest.mark.parametrize("role", ALL_ROLES)
def test_matrix_over_http(env, role):
    """Each row of the matrix, as this role: allowed works, refused is a 403."""
    wrong = []
    for view, perm in matrix_rows():
        expected = is_allowed(role, view, perm)
        if try_permission(env, role, view, perm) is not expected:
            wrong.append(f"{view}.{perm}: expected {'allowed' if expected else '403'}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("url,method", [
    ("/loans/list/", "get"), ("/loans/add", "get"), ("/loans/show/1", "get"),
    ("/loans/edit/1", "get"), ("/loans/letter/1", "get"),
    ("/loans/disposition/1", "get"), ("/loans/confirmation/1", "get"),
    ("/loans/step/cancel/1", "get"), ("/loans/step/dispose/1", "post"),
    ("/loans/action_post", "post"), ("/tasks/", "get"),
    ("/reports/loan-register/", "get"), ("/reports/loan-register/?format=pdf", "get"),
    ("/loans/suggestion/1", "post"), ("/availability/", "get"),
    ("/agenda/", "get"), ("/calendar/", "get"), ("/calendar/renew", "post"),
    ("/calendar/revoke", "post"), ("/loans/ics/1", "get"),
    ("/loans/delete/1", "post"),
    ("/rooms/list/", "get"), ("/rooms/add", "get"), ("/equipment/list/", "get"),
    ("/institutions/list/", "get"), ("/users/list/", "get"), ("/users/userinfo/", "get"),
    ("/roles/list/", "get"), ("/resetmypassword/form", "get"),
    ("/userinfoeditview/form", "get"),
    ("/borrower-accounts/list/", "get"), ("/borrower-accounts/add", "get"),
    ("/borrower-accounts/action/activate/1", "post"),
    ("/reports/annual/", "get"), ("/reports/annual/download", "get"),
    ("/reports/annual/narratives", "post"),
    ("/damage/list/", "get"), ("/damage/add", "get"), ("/damage/show/1", "get"),
    ("/damage/step/1", "post"), ("/sop/", "get"),
    ("/notices/", "get"), ("/notices/open/1", "get"), ("/notices/read-all", "post"),
])
def test_anonymous_is_sent_to_login(module_app, url, method):
    response = getattr(module_app.test_client(), method)(url)
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


def test_anonymous_api_is_unauthorized(module_app):
    client = module_app.test_client()
    assert client.get("/api/v1/loans/").status_code == 401
    assert client.get(f"/api/v1/loans/{loans_of('peminjam1')[0].id}").status_code == 401


def test_anonymous_dashboard_has_no_menus(module_app):
    html = module_app.test_client().get("/").get_data(as_text=True)
    assert 'tabindex="-1" href="/loans/list/"' not in html
    assert 'tabindex="-1" href="/users/list/"' not in html


@pytest.mark.parametrize("role", ALL_ROLES)
def test_profile_page_offers_own_account_changes(env, role):
    """The profile page (navbar "Profil") links to changing one's own password
    and details: the only way there in the UI."""
    response = env["clients"][role].get("/users/userinfo/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    own = user(ACCOUNTS[role]).id
    assert f"/users/action/resetmypassword/{own}" in html
    assert f"/users/action/userinfoedit/{own}" in html
