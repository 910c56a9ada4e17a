"""The action and delete endpoints of every model view, Flask-AppBuilder's
security pages included (app/fab/model_view.py): an unknown action is a 404,
an action posted the way it takes no rows a 400, a missing permission a 403,
GET a 405; and FAB's own actions work when posted as FAB's pages post them.
"""
import html

import pytest
from flask_appbuilder.baseviews import BaseCRUDView
from helpers import PASSWORD, login, submit_loan, take, user, visible_text

from app.platform.extensions import db
from app.security.roles import GRANTS, KASI

pytestmark = pytest.mark.date_sensitive

USERS = ("admin", "kabid", "kasi", "adminpc", "peminjam1")


def model_views(app):
    """Every registered view with action endpoints: (name, view, route base)."""
    return sorted((view.__class__.__name__, view, view.route_base)
                  for view in app.appbuilder.baseviews
                  if isinstance(view, BaseCRUDView)
                  and f"{view.endpoint}.action" in app.view_functions)


@pytest.fixture(scope="module")
def clients(module_app):
    found = {name: login(module_app.test_client(), name) for name in USERS}
    found[None] = module_app.test_client()
    return found


def test_the_walk_finds_fabs_security_pages_too(module_app):
    names = {name for name, _, _ in model_views(module_app)}
    assert {"LoanRequestView", "RoomView", "UserDBModelView", "RoleModelView",
            "UserGroupModelView", "PermissionViewModelView"} <= names


@pytest.mark.parametrize("username", USERS)
def test_an_unknown_action_is_not_found_on_every_view(module_app, clients, username):
    client, wrong = clients[username], []
    for name, _view, base in model_views(module_app):
        for response in (client.post(f"{base}/action/no_such_action/1"),
                         client.post(f"{base}/action_post",
                                     data={"action": "no_such_action", "rowid": ["1"]}),
                         client.post(f"{base}/action_post")):
            if response.status_code != 404:
                wrong.append((name, response.request.path, response.status_code))
    assert not wrong, wrong


def test_someone_not_signed_in_is_sent_to_log_in(module_app, clients):
    for _name, _view, base in model_views(module_app):
        for response in (clients[None].post(f"{base}/action/no_such_action/1"),
                         clients[None].post(f"{base}/action_post",
                                            data={"action": "activate"})):
            assert response.status_code == 302, base
            assert "/login/" in response.headers["Location"]


def test_gets_on_state_changing_endpoints_are_not_allowed(module_app, clients):
    for _name, view, base in model_views(module_app):
        for path in (f"{base}/delete/1", f"{base}/action/no_such_action/1",
                     *(f"{base}/action/{action}/1" for action in view.actions)):
            assert clients["admin"].get(path).status_code == 405, path


def test_each_action_posted_the_way_it_takes_no_rows_is_a_400(module_app, clients):
    """As the role allowed to take it; FAB handed one row to a list action
    and a list to a one-row action (500s)."""
    takers = {"RoleModelView": "admin", "UserDBModelView": "admin",
              "LoanRequestView": "adminpc", "BorrowerAccountView": "kasi"}
    tried = 0
    for name, view, base in model_views(module_app):
        for action_name, item in view.actions.items():
            client = clients[takers[name]]
            if not item.single:
                response = client.post(f"{base}/action/{action_name}/1")
                assert response.status_code == 400, (name, action_name)
                tried += 1
            if not item.multiple:
                response = client.post(f"{base}/action_post",
                                       data={"action": action_name, "rowid": ["1"]})
                assert response.status_code == 400, (name, action_name)
                tried += 1
    assert tried >= 4  # copyrole; resetpasswords, resetmypassword, userinfoedit


def test_an_action_without_its_permission_is_refused(module_app, clients):
    response = clients["kabid"].post("/roles/action_post",
                                     data={"action": "copyrole", "rowid": ["1"]})
    assert response.status_code == 403
    response = clients["peminjam1"].post("/loans/action_post", data={
        "action": "schedule_selected", "rowid": ["1"]})
    assert response.status_code == 403


def test_an_action_reaches_only_rows_the_user_may_see(app, login_as):
    """A borrower given the bulk agenda action (a stored role) still cannot
    take it on another borrower's request: the rows go through the view's
    base filters, as its show page does (FAB fetched them without)."""
    sm = app.appbuilder.sm
    role = sm.add_role("Peminjam dengan agenda", permissions=[
        sm.add_permission_view_menu("schedule_selected", "LoanRequestView")])
    borrower = user("peminjam1")
    borrower.roles.append(role)
    db.session.commit()
    theirs = submit_loan("peminjam2", title="Bukan milik peminjam1")
    take(theirs, "dispose")
    take(theirs, "confirm")
    db.session.commit()
    client = login_as("peminjam1")
    response = client.post("/loans/action_post", data={
        "action": "schedule_selected", "rowid": [str(theirs.id)]})
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == "confirmed"


# ------------------------------------------------------------ FAB's own actions


def _role_pairs(role):
    return {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}


def _grant_pairs(role_name):
    return {(permission, view) for view, permissions in GRANTS[role_name].items()
            for permission in permissions}


def test_copy_role_as_the_role_list_posts_it(app, login_as):
    admin = login_as("admin")
    sm = app.appbuilder.sm
    page = admin.get("/roles/list/").get_data(as_text=True)
    kasi = sm.find_role(KASI)
    assert f'name="rowid" value="{kasi.id}"' in page  # offered for every role

    response = admin.post("/roles/action_post",
                          data={"action": "copyrole", "rowid": [str(kasi.id)]})
    assert response.status_code == 302
    copy = sm.find_role("Kasi PK & AI (salinan)")
    assert copy is not None
    # A role of FAB_ROLES is copied with its permissions, as stored rows.
    assert _role_pairs(copy) == _grant_pairs(KASI)
    assert "Disalin: Kasi PK & AI → Kasi PK & AI (salinan)." in html.unescape(
        visible_text(admin.get("/roles/list/")))

    # A second copy gets a name of its own; a stored role is copied as it is.
    admin.post("/roles/action_post", data={"action": "copyrole",
                                           "rowid": [str(kasi.id), str(copy.id)]})
    second = sm.find_role("Kasi PK & AI (salinan 2)")
    copy_of_copy = sm.find_role("Kasi PK & AI (salinan) (salinan)")
    assert second is not None and copy_of_copy is not None
    assert _role_pairs(copy_of_copy) == _role_pairs(copy)

    # Someone given the copy may do what the Kasi may.
    sm.add_user(username="salinan", first_name="Pemegang", last_name="Salinan",
                email="salinan@example.id", role=copy, password=PASSWORD)
    db.session.commit()
    holder = login_as("salinan")
    assert holder.get("/borrower-accounts/list/").status_code == 200
    assert holder.get("/users/list/").status_code == 403


def test_copy_role_on_one_row_changes_nothing(app, login_as):
    roles = db.session.query(app.appbuilder.sm.role_model).count()
    kasi = app.appbuilder.sm.find_role(KASI)
    response = login_as("admin").post(f"/roles/action/copyrole/{kasi.id}")
    assert response.status_code == 400
    assert db.session.query(app.appbuilder.sm.role_model).count() == roles


def test_reset_a_password_as_the_user_page_posts_it(app, login_as):
    admin = login_as("admin")
    target = user("peminjam2")
    assert f"/users/action/resetpasswords/{target.id}" in admin.get(
        f"/users/show/{target.id}").get_data(as_text=True)
    response = admin.post(f"/users/action/resetpasswords/{target.id}")
    assert response.status_code == 302
    form = response.headers["Location"]
    assert admin.get(form).status_code == 200
    new = "Sandi#Baru2027"
    assert admin.post(form, data={"password": new, "conf_password": new}
                      ).status_code == 302
    login(app.test_client(), "peminjam2", new)


def test_reset_passwords_on_a_list_changes_nothing(app, login_as):
    target = user("peminjam2")
    before = target.password
    response = login_as("admin").post("/users/action_post", data={
        "action": "resetpasswords", "rowid": [str(target.id)]})
    assert response.status_code == 400
    db.session.refresh(target)
    assert target.password == before
