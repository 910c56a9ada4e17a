"""The seam to Flask-AppBuilder (app/fab/): for each of its modules, a test
that fails if an upgrade of FAB (or Flask, WTForms, SQLAlchemy) changes the
behaviour the module relies on, beside a test of the module's own behaviour.

When one of these fails after an upgrade, read the module's docstring ("Relies
on: ..."), check the new FAB does what it says, adapt the module, then the
test.
"""
import hashlib
import inspect
import os
import re

import flask_appbuilder
import jsonschema
import pytest
from flask_appbuilder import ModelView, urltools
from flask_appbuilder import api as fab_api
from flask_appbuilder.actions import ActionItem
from flask_appbuilder.baseviews import BaseCRUDView
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.menu import MenuItem
from flask_appbuilder.models.filters import BaseFilter, Filters, map_args_filter
from flask_appbuilder.models.sqla import filters as fab_filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security import views as fab_security_views
from flask_appbuilder.security.forms import (
    LoginForm_db,
    ResetPasswordForm,
    UserInfoEdit,
)
from flask_appbuilder.security.manager import BaseSecurityManager
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_wtf import FlaskForm, csrf
from helpers import login, user, visible_text
from jinja2 import nodes
from wtforms import IntegerField
from wtforms.validators import DataRequired, NumberRange

import app as app_package
from app.fab import forms, input_guard, rison_schema, search_filters, url_arguments
from app.fab.forms import CatalogTranslations, PanelForm
from app.fab.interface import EagerInterface, LeanFilters
from app.fab.model_view import SafeEndpoints, ScopedModelView
from app.fab.permission_cache import PermissionCacheMixin
from app.fab.security_manager import SecurityManager
from app.fab.template_loader import FAB_TEMPLATES, OVERRIDES
from app.models import ClosedDate, DamageReport, Equipment, Institution
from app.platform.extensions import db
from app.security.roles import ALL_ROLES, GRANTS, granted_pairs


def params(function):
    return list(inspect.signature(function).parameters)


# ---------------------------------------------------------------- forms

def _app_forms():
    found, todo = [], [FlaskForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("app."):
            found.append(cls)
    return found


def test_forms_fab_builds_its_forms_on_dynamic_form(module_app):
    for form in (LoginForm_db, ResetPasswordForm, UserInfoEdit):
        assert issubclass(form, DynamicForm)
    view = next(v for v in module_app.appbuilder.baseviews
                if v.__class__.__name__ == "RoomView")
    assert issubclass(view.add_form, DynamicForm)  # FAB's generated form


def test_forms_wtforms_asks_meta_for_its_translations(module_app):
    """WTForms builds a form's meta from its bases' ``Meta`` and asks it
    for the object that translates its messages."""
    assert "get_translations" in vars(FlaskForm.Meta)
    with module_app.test_request_context("/"):
        for form in (LoginForm_db(), PanelForm()):
            assert isinstance(form.meta.get_translations(form), CatalogTranslations)


def test_forms_every_form_of_the_app_is_a_panel_form(module_app):
    """The app's forms are PanelForms, or FAB's DynamicForm (for FAB's own
    form views, which call its ``refresh``), which gets the same ``Meta``."""
    forms_of_app = _app_forms()
    assert len(forms_of_app) >= 5
    assert DynamicForm.Meta is PanelForm.Meta
    assert [f.__name__ for f in forms_of_app
            if not issubclass(f, (PanelForm, DynamicForm))] == []


def test_forms_speak_indonesian(module_app):
    class Sample(DynamicForm):
        count = IntegerField("n", [DataRequired(), NumberRange(min=1, max=9)])

    with module_app.test_request_context("/", method="POST", data={"count": "12"}):
        form = Sample()
        form.validate()
        assert form.count.errors == ["Angka harus bernilai antara 1 dan 9."]
    assert forms.PanelForm.Meta is forms.CatalogMeta is DynamicForm.Meta


# ---------------------------------------------------------------- input guard

def test_input_guard_runs_before_csrf(module_app):
    """Flask runs before_request functions in the order they were registered."""
    functions = module_app.before_request_funcs[None]
    assert functions[0] is input_guard.refuse_bad_input
    assert any(getattr(f, "__name__", "") == "csrf_protect" for f in functions[1:])
    assert inspect.getsource(csrf.CSRFProtect.init_app).count("before_request") >= 1


def test_input_guard_refuses_a_nul(module_app):
    client = login(module_app.test_client(), "kasi")
    response = client.post("/closed-dates/add", data={"day": "2031-01-02",
                                                       "reason": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in visible_text(response)


# ---------------------------------------------------------------- templates

def _fab_source(name):
    with open(os.path.join(FAB_TEMPLATES, name), encoding="utf-8") as handle:
        return handle.read()


def _parsed(module_app, name, root=FAB_TEMPLATES):
    with open(os.path.join(root, name), encoding="utf-8") as handle:
        return module_app.jinja_env.parse(handle.read())


def _blocks(module_app, name, root=FAB_TEMPLATES):
    parsed = _parsed(module_app, name, root)
    return {block.name for block in parsed.find_all(nodes.Block)}


# FAB's templates the app replaces whole: when FAB changes one, compare it
# with the app's copy (app/fab/templates/<name>) and carry the change over.
REPLACED_WHOLE = {
    "appbuilder/general/confirm.html":
        "b40fa102c061f75bc43de5b65b90f4858d1b5fe8d223ad49c99c0e894125c062",
    "appbuilder/swagger/swagger.html":
        "47c3a0a0f542150036db2c7ab622373eaa7aa3dde4777ae921b95b08a7e35aef",
    "appbuilder/init.html":
        "63cd58ec542d996fa33839b677cbe2c089da35a0085222ad01b2bfcb8a119cb8",
    "appbuilder/navbar.html":
        "140e7b7ef55a8b66b8adfa25bec7703fb07ad4ffc6c9f2e374e1f2914744de07",
    "appbuilder/navbar_right.html":
        "0a7b39c996f2f3a1e425e9cc811c1a6c1bdc1aa34d2dc792aa10084e654bd4b8",
    "appbuilder/general/widgets/roles/show.html":
        "3d84311595cea9f6c0440b8f2cd8d995a7c25e8ec16c79e8da1c516961ea2428",
}


@pytest.mark.parametrize("name", REPLACED_WHOLE)
def test_templates_replaced_whole_are_unchanged_in_fab(name):
    digest = hashlib.sha256(_fab_source(name).encode("utf-8")).hexdigest()
    assert digest == REPLACED_WHOLE[name], f"FAB changed {name}"
    assert os.path.exists(os.path.join(OVERRIDES, name))


def test_templates_every_override_is_known():
    overrides = {os.path.relpath(os.path.join(root, f), OVERRIDES)
                 for root, _dirs, files in os.walk(OVERRIDES) for f in files}
    extended = {"appbuilder/general/widgets/list.html",
                "appbuilder/general/widgets/roles/list.html",
                "appbuilder/navbar_menu.html"}
    assert overrides == set(REPLACED_WHOLE) | extended | {
        "fab_texts.html", "pontive_fab/rows.html", "pontive_fab/show.html"}
    for name in set(REPLACED_WHOLE) | extended:
        assert os.path.exists(os.path.join(FAB_TEMPLATES, name)), name


def test_templates_extended_blocks_exist_in_fab(module_app):
    """The blocks the app's templates override are FAB's."""
    extends = {
        # app's template: (FAB's template it extends, blocks it overrides)
        (OVERRIDES, "appbuilder/general/widgets/list.html"):
            "appbuilder/general/widgets/list.html",
        (OVERRIDES, "appbuilder/general/widgets/roles/list.html"):
            "appbuilder/general/widgets/roles/list.html",
        (os.path.join(os.path.dirname(app_package.__file__), "web", "templates"),
         "pontive/login.html"): "appbuilder/general/security/login_db.html",
    }
    for (root, name), fab_name in extends.items():
        assert _blocks(module_app, name, root) <= _blocks(module_app, fab_name), name
    # pontive/base.html extends baselayout.html, itself init.html's child
    base = _blocks(module_app, "pontive/base.html", os.path.join(
        os.path.dirname(app_package.__file__), "web", "templates"))
    assert base <= (_blocks(module_app, "appbuilder/baselayout.html")
                    | _blocks(module_app, "appbuilder/init.html"))


def test_templates_the_base_layouts_body_is_fabs_with_landmarks(module_app):
    """pontive/base.html redraws baselayout.html's body block: FAB's body
    includes the same templates and has the same inner blocks."""
    body = next(block for block in _parsed(module_app, "appbuilder/baselayout.html")
                .find_all(nodes.Block) if block.name == "body")
    includes = {node.template.value for node in body.find_all(nodes.Include)}
    assert includes == {"appbuilder/general/confirm.html", "appbuilder/general/alert.html",
                        "appbuilder/navbar.html", "appbuilder/flash.html",
                        "appbuilder/footer.html"}  # the app draws its own footer
    inner = {block.name for block in body.find_all(nodes.Block)}
    assert inner == {"navbar", "messages", "content", "footer"}


def test_templates_pages_name_their_language_and_landmarks(module_app):
    client = login(module_app.test_client(), "peminjam1")
    page = client.get("/sop/").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert 'role="header"' not in page
    assert '<main id="pontive-main"' in page and '<header class="top">' in page
    assert '<a class="sr-only sr-only-focusable pontive-skip-link" href="#pontive-main">' \
           'Langsung ke isi halaman</a>' in page
    client.get("/lang/en")
    assert '<html lang="en">' in client.get("/sop/").get_data(as_text=True)


def test_templates_fab_macros_the_app_calls(module_app):
    macros = {macro.name: [arg.name for arg in macro.args]
              for macro in _parsed(module_app, "appbuilder/general/lib.html").find_all(
                  nodes.Macro)}
    assert macros["btn_crud"] == ["can_show", "can_edit", "can_delete", "pk",
                                  "modelview_name", "filters"]
    assert macros["render_pagination"] == ["page", "page_size", "count",
                                           "modelview_name"]
    assert macros["render_field"][0] == "field" and len(macros["render_field"]) == 5
    assert macros["panel_begin"][0] == "title" and macros["panel_end"] == []
    assert macros["render_action_links"] == ["actions", "pk", "modelview_name"]
    assert "csp_nonce()" in _fab_source("appbuilder/baselib.html")  # headers.py


def test_templates_fab_includes_the_menus_the_app_replaces():
    navbar = _fab_source("appbuilder/navbar.html")
    assert "{% include 'appbuilder/navbar_menu.html' %}" in navbar
    assert "{% include 'appbuilder/navbar_right.html' %}" in navbar
    assert "is_menu_visible" in _fab_source("appbuilder/navbar_menu.html")
    roles = _fab_source("appbuilder/general/widgets/roles/list.html")
    assert "appbuilder.sm.builtin_roles.get(item['name'])" in roles


def test_navbar_the_bell_is_counted_with_the_signed_in_user(app):
    """Flask-Login loads the user once per request through the app's loader
    (app/fab/revocable_sessions.py), before FAB's navbar_right.html draws the
    bell: the unread count comes with that statement, none reads it apart."""
    from helpers import Statements, submit_loan, take

    client = login(app.test_client(), "peminjam1")
    loan = submit_loan("peminjam1")
    take(loan, "dispose")
    db.session.commit()
    with Statements() as statements:
        html = client.get("/sop/").get_data(as_text=True)
    unread = db.session.execute(db.text(
        "SELECT count(*) FROM notice WHERE user_id = :id AND read_at IS NULL"),
        {"id": user("peminjam1").id}).scalar()
    assert unread >= 1
    assert f'<span class="badge pontive-bell-count">{unread}</span>' in html
    reading = [s for s in statements if "FROM notice" in s]
    assert len(reading) == 1 and "FROM ab_user" in reading[0]


def _table(response):
    html = response.get_data(as_text=True)
    table = html[html.index('<table class="table table-bordered table-hover">'):]
    table = re.sub(r'nonce="[^"]*"', "", table[:table.index("</table>")])
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", table))


def test_templates_the_list_rows_are_fabs_rows(module_app, tmp_path):
    """The list widget draws each row's buttons once a page and puts the row's
    key in: the rows are what FAB's own widget draws."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    client = login(module_app.test_client(), "admin")
    ours = _table(client.get("/equipment/list/"))
    plain = tmp_path / "appbuilder" / "general" / "widgets"
    plain.mkdir(parents=True)
    (plain / "list.html").write_text(
        "{% extends 'fab/appbuilder/general/widgets/list.html' %}")
    env = module_app.jinja_env
    loader = env.loader
    env.loader = ChoiceLoader([FileSystemLoader(str(tmp_path)), loader])
    env.cache.clear()
    try:
        fabs = _table(client.get("/equipment/list/"))
    finally:
        env.loader = loader
        env.cache.clear()
    assert ours.count("/equipment/show/") >= 5
    assert ours == fabs


# ---------------------------------------------------------------- scripts

def test_scripts_fab_hard_codes_the_texts_the_app_translates():
    static = os.path.join(os.path.dirname(flask_appbuilder.__file__), "static",
                          "appbuilder", "js")
    with open(os.path.join(static, "ab.js"), encoding="utf-8") as handle:
        ab = handle.read()
    with open(os.path.join(static, "ab_actions.js"), encoding="utf-8") as handle:
        actions = handle.read()
    assert 'placeholder: "Select"' in ab and "function ab_alert(" in ab
    assert "ab_alert('No row selected')" in actions


def test_scripts_the_page_carries_the_translations(module_app):
    page = login(module_app.test_client(), "peminjam1").get("/sop/").get_data(
        as_text=True)
    assert '"No row selected": "Tidak ada data yang dipilih"' in page
    assert '"Select": "Pilih"' in page
    assert '/static/pontive-fab/fab_texts.js' in page
    assert module_app.test_client().get(
        "/static/pontive-fab/fab_texts.js").status_code == 200


def test_date_picker_fab_makes_pickers_without_a_language():
    """ab.js makes the pickers when the page is ready, naming neither a
    language nor a first day, with bootstrap-datepicker 1.x's registry."""
    static = os.path.join(os.path.dirname(flask_appbuilder.__file__), "static",
                          "appbuilder", "js")
    with open(os.path.join(static, "ab.js"), encoding="utf-8") as handle:
        ab = handle.read()
    with open(os.path.join(static, "bootstrap-datepicker",
                           "bootstrap-datepicker.min.js"), encoding="utf-8") as handle:
        picker = handle.read()
    calls = re.findall(r"\$\('\.appbuilder_date(?:time)?'\)\.datepicker\(\{(.*?)\}\)",
                       ab, re.S)
    assert len(calls) == 2
    assert not any("language" in call or "weekStart" in call for call in calls)
    assert "Datepicker for Bootstrap v1." in picker
    assert 'language:"en"' in picker and "weekStart:0" in picker
    assert "dates={en:{days:" in picker


def test_date_picker_the_page_carries_its_languages_names(module_app):
    client = login(module_app.test_client(), "peminjam1")
    page = client.get("/loans/add").get_data(as_text=True)
    assert 'class="input-group date appbuilder_date"' in page
    assert 'window.PONTIVE_DATEPICKER = {"code": "id", "dates": {' in page
    assert '"days": ["Minggu", "Senin", ' in page
    assert '"daysMin": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"]' in page
    assert '"weekStart": 1' in page
    client.get("/lang/en")
    page = client.get("/loans/add").get_data(as_text=True)
    assert '"code": "en"' in page and '"months": ["January", ' in page


# ---------------------------------------------------------------- model views

def test_model_view_endpoints_fab_exposes():
    for name in ("action", "action_post", "delete"):
        assert hasattr(getattr(ModelView, name), "_urls"), name
    assert params(ModelView.get_action_permission_name) == ["self", "name"]
    assert params(ModelView._deserialize_pk_if_composite) == ["self", "pk"]
    assert params(BaseCRUDView._get_add_widget)[:2] == ["self", "form"]
    assert params(BaseCRUDView._get_show_widget)[:5] == [
        "self", "pk", "item", "widgets", "actions"]
    assert params(BaseCRUDView._get_edit_widget)[:2] == ["self", "form"]
    assert params(ActionItem.__init__) == ["self", "name", "text", "confirmation",
                                           "icon", "multiple", "single", "func"]
    assert params(SQLAInterface.get)[:3] == ["self", "id", "filters"]


def test_model_view_every_model_view_has_the_safe_endpoints(module_app):
    views = [v for v in module_app.appbuilder.baseviews
             if isinstance(v, BaseCRUDView)
             and f"{v.endpoint}.action" in module_app.view_functions]
    assert len(views) >= 12
    for view in views:
        for name in ("action", "action_post", "delete"):
            assert getattr(type(view), name) is getattr(SafeEndpoints, name), (
                view, name)
        assert isinstance(view._base_filters, Filters)
    for rule in module_app.url_map.iter_rules():
        if rule.endpoint.rpartition(".")[2] in ("action", "action_post", "delete"):
            assert rule.methods & {"GET", "HEAD"} == set(), rule
    assert all(issubclass(type(v), ScopedModelView) for v in views
               if type(v).__module__.startswith("app.web"))


def test_model_view_fabs_widget_helpers_it_names(module_app):
    """``show_page_widgets`` hands FAB its fieldsets; a view's ``row_editable``
    reaches the list widget as ``editable_pks`` from the page's keys, the
    rows read from the session without a statement."""
    from flask_appbuilder.baseviews import BaseCRUDView
    from helpers import Statements

    assert params(BaseCRUDView._get_show_widget) == [
        "self", "pk", "item", "widgets", "actions", "show_fieldsets"]
    assert params(BaseCRUDView._get_list_widget)[:2] == ["self", "filters"]
    view = next(v for v in module_app.appbuilder.baseviews
                if v.__class__.__name__ == "LoanRequestView")
    with module_app.test_request_context():
        from flask import g

        g.user = user("peminjam1")
        assert g.user.roles  # loaded, as they are when a request's access is checked
        filters = view._filters.copy()
        with Statements() as statements:
            widget = view._get_list_widget(filters=filters)["list"]
        args = widget.template_args
        assert len(statements) == 2  # the count and the page
        assert args["editable_pks"] <= set(args["pks"])
        loan = db.session.get(view.datamodel.obj, args["pks"][0])
        shown = view.show_page_widgets(loan, fieldsets=[("X", {"fields": ["title"]})])
        assert shown["show"].template_args["fieldsets"] == [("X", {"fields": ["title"]})]


# ---------------------------------------------------------------- interface

def test_interface_fab_methods_it_wraps():
    assert params(SQLAInterface.query) == [
        "self", "filters", "order_column", "order_direction", "page", "page_size",
        "select_columns", "outer_default_load"]
    assert params(SQLAInterface.apply_all) == [
        "self", "query", "filters", "order_column", "order_direction", "page",
        "page_size", "select_columns", "outer_default_load"]
    assert params(SQLAInterface.get_order_columns_list) == ["self", "list_columns"]
    assert params(SQLAInterface.get_related_obj) == ["self", "col_name", "value"]
    assert params(Filters.__init__) == ["self", "filter_converter", "datamodel",
                                        "search_columns", "search_filters"]
    assert params(SQLAInterface.apply_order_by)[:4] == [
        "self", "query", "order_column", "order_direction"]


def test_interface_lean_filters_copy_as_fabs_do(module_app):
    datamodel = EagerInterface(Institution)
    lean = datamodel.get_filters(["name", "kind"])
    plain = Filters(datamodel.filter_converter_class, datamodel, ["name", "kind"])
    lean.add_filter_index("name", 2, "Dinas")
    plain.add_filter_index("name", 2, "Dinas")
    assert isinstance(lean, LeanFilters)
    joined = (lean.get_joined_filters(lean), plain.get_joined_filters(plain))
    for ours, fabs in ((lean.copy(), plain.copy()), joined):
        assert set(vars(fabs)) <= set(vars(ours))
        assert [type(f) for f in ours.filters] == [type(f) for f in fabs.filters]
        assert ours.values == fabs.values


def test_interface_sorts_by_columns_only(module_app):
    datamodel = EagerInterface(Institution)
    assert "kind_label" in SQLAInterface(Institution).get_order_columns_list(
        ["name", "kind_label"])
    assert datamodel.get_order_columns_list(["name", "kind_label"]) == ["name"]
    # A view offers a property only with the key it sorts by.
    for view in module_app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        for column in getattr(view, "order_columns", None) or ():
            assert (column in datamodel.list_columns or "." in column
                    or column in getattr(datamodel, "sort_keys", {})), (view, column)


# ---------------------------------------------------------------- search filters

def test_search_filters_fabs_converter_and_registry():
    table = fab_filters.SQLAFilterConverter.conversion_table
    assert all(isinstance(check, str) and isinstance(found, list)
               for check, found in table)
    ours = dict(search_filters.FilterConverter.conversion_table)
    assert list(ours)[:3] == ["is_choice", "is_schedule", "is_office_time"]
    assert list(ours)[3:] == [check for check, _ in table]
    for check, found in table:
        replaced = [search_filters.LITERAL.get(f, f) for f in found]
        assert ours[check] == (replaced if check in search_filters.TEXT_CHECKS
                               else found)
    assert set(search_filters.LITERAL) <= set(table[[c for c, _ in table].index(
        "is_string")][1])
    assert params(fab_filters.get_field_setup_query) == ["query", "model",
                                                         "column_name"]
    # FAB's registry of operators, which the REST API reads for every column:
    # the app's filters register FAB's class they stand for, never their own.
    assert params(BaseFilter.__init__) == ["self", "column_name", "datamodel",
                                           "is_related_view"]
    datamodel = EagerInterface(DamageReport)
    fab_filters.FilterContains("description", datamodel)
    assert map_args_filter["ct"] is fab_filters.FilterContains
    registered = dict(map_args_filter)
    map_args_filter.clear()
    try:
        search_filters.OfficeTimeEqual("reported_at", datamodel)
        search_filters.LITERAL[fab_filters.FilterContains]("description", datamodel)
        assert map_args_filter == {"eq": fab_filters.FilterEqual,
                                   "ct": fab_filters.FilterContains}
    finally:
        map_args_filter.update(registered)


def test_search_filters_a_day_in_office_time(module_app):
    from app.domain import equipment_care
    from app.platform.timeutil import to_local

    client = login(module_app.test_client(), "kasi")
    item = db.session.query(Equipment).order_by(Equipment.id).first()
    report = equipment_care.report_damage(item, user("kasi"), "Kabel longgar 50%")
    db.session.commit()
    day = to_local(report.reported_at).date().isoformat()
    shown = visible_text(client.get("/damage/list/", query_string={
        "_flt_0_reported_at": day}))
    assert "Kabel longgar 50%" in shown
    hidden = visible_text(client.get("/damage/list/", query_string={
        "_flt_0_reported_at": "2001-01-01"}))
    assert "Kabel longgar 50%" not in hidden


def test_search_filters_text_is_matched_as_typed(module_app):
    """ "%" and "_" are no wildcards, and a trailing backslash no error."""
    from datetime import date

    db.session.add_all([ClosedDate(day=date(2033, 3, 1), reason="Potongan 50% hari"),
                        ClosedDate(day=date(2033, 3, 2), reason="Potongan 500 hari")])
    db.session.commit()
    client = login(module_app.test_client(), "kasi")

    def found(value, index=2):  # 2: "Contains"
        return visible_text(client.get("/closed-dates/list/", query_string={
            f"_flt_{index}_reason": value}))

    assert "Potongan 50% hari" in found("50%")
    assert "Potongan 500 hari" not in found("50%")
    assert "Potongan 500 hari" not in found("Potongan 5_0")
    assert "Potongan 50% hari" in found("potongan 50", index=0)  # starts with
    assert client.get("/closed-dates/list/", query_string={
        "_flt_1_reason": "hari\\"}).status_code == 200


def test_search_filters_choices_by_label_and_schedules_by_day(module_app):
    """A choice column gets FAB's "equal"/"not equal" only (its search field
    a select of labels); a schedule relation filters by the day its
    sessions start, in office time; neither is an operator of the REST API."""
    from app.models import LoanRequest, LoanSession, LoanStatus

    datamodel = EagerInterface(LoanRequest, choices={"status": LoanStatus},
                               schedules={"sessions": LoanSession.starts_at})
    found = datamodel.get_filters(["status", "kind", "sessions"]).get_search_filters()
    assert [type(f) for f in found["status"]] == [fab_filters.FilterEqual,
                                                  fab_filters.FilterNotEqual]
    assert type(found["kind"][0]) is search_filters.LITERAL[fab_filters.FilterStartsWith]
    assert [type(f) for f in found["sessions"]] == [search_filters.ScheduleFrom,
                                                    search_filters.ScheduleUntil]
    assert search_filters.ScheduleFrom.arg_name not in map_args_filter
    assert not datamodel.is_choice("kind") and datamodel.is_choice("status")
    query = db.session.query(LoanRequest)
    day = found["sessions"][0].apply(query, "2026-11-16")
    assert "loan_session.starts_at >=" in str(day)
    assert found["sessions"][1].apply(query, "16/11/2026") is query  # not a day


def test_interface_applies_filters_as_fab_and_a_schedules_bounds_together(module_app):
    """``apply_filters`` is FAB's ``Filters.apply_all`` (a list of values
    applied one by one) but for a schedule: its two bounds are one EXISTS."""
    from app.models import LoanRequest, LoanSession

    datamodel = EagerInterface(LoanRequest, schedules={"sessions": LoanSession.starts_at})
    query = db.session.query(LoanRequest)
    fabs = Filters(datamodel.filter_converter_class, datamodel, ["title", "sessions"])
    fabs.add_filter_index("title", 2, ["Rapat", "Dinas"])
    fabs.add_filter_index("participants", 1, "5")
    assert str(datamodel.apply_filters(query, fabs)) == str(fabs.apply_all(query))
    assert str(SQLAInterface.apply_filters(datamodel, query, fabs)) == str(
        datamodel.apply_filters(query, fabs))
    fabs.add_filter_index("sessions", 0, "2026-11-16")
    fabs.add_filter_index("sessions", 1, "2026-11-20")
    fabs.add_filter_index("sessions", 1, "not a day")  # ignored, as FAB's would be
    together = str(datamodel.apply_filters(query, fabs))
    assert together.count("EXISTS") == 1
    assert together.count("loan_session.starts_at >=") == 1
    assert together.count("loan_session.starts_at <") == 1
    assert params(SQLAInterface.apply_filters) == ["self", "query", "filters"]


def test_interface_sorts_a_shown_column_by_its_key(module_app):
    """A ``sort_keys`` column orders by its expression, then by the key (FAB's
    ``apply_order_by`` is called for the page and for a later page's keys)."""
    from app.models import LoanRequest, LoanStatus

    datamodel = EagerInterface(LoanRequest, sort_keys={
        "status_label": LoanStatus.sort_key(LoanRequest.status)})
    query = db.session.query(LoanRequest)
    ordered = str(datamodel.apply_order_by(query, "status_label", "desc"))
    assert "ORDER BY CASE loan_request.status" in ordered
    assert ordered.rstrip().endswith("DESC, loan_request.id DESC")
    plain = str(datamodel.apply_order_by(query, "title", "asc"))
    assert "ORDER BY loan_request.title ASC" in plain
    count, rows = datamodel.query(order_column="status_label", order_direction="asc",
                                  page=1, page_size=2)
    ranks = [LoanStatus.codes().index(row.status) for row in rows]
    assert count >= 3 and ranks == sorted(ranks)


# ---------------------------------------------------------------- url arguments

def test_url_arguments_fabs_grammar(module_app):
    args = {"page_RoomView": "2", "psize_RoomView": "5", "_oc_RoomView": "name",
            "_od_RoomView": "asc", "_flt_3_name": "Ruang"}
    with module_app.test_request_context("/rooms/list/", query_string=args):
        assert urltools.get_page_args() == {"RoomView": 2}
        assert urltools.get_page_size_args() == {"RoomView": 5}
        assert urltools.get_order_args() == {"RoomView": ("name", "asc")}
        datamodel = EagerInterface(Institution)
        found = Filters(datamodel.filter_converter_class, datamodel, ["name"])
        urltools.get_filter_args(found)
        assert [(f.column_name, v) for f, v in found.get_filters_values()] == [
            ("name", ["Ruang"])]
        for key in args:
            assert sum(bool(p.search(key)) for p in (
                url_arguments.PAGE, url_arguments.PAGE_SIZE,
                url_arguments.ORDER_COLUMN, url_arguments.FILTER)) == (
                0 if key.startswith("_od_") else 1), key
    source = inspect.getsource(urltools)
    assert '"page_(.*)"' in source and '"psize_(.*)"' in source
    assert '"_oc_(.*)"' in source and r'r"_flt_(\d)_(.*)"' in source


def test_url_arguments_filters_are_indexed_as_the_converter_lists_them(module_app):
    view = next(v for v in module_app.appbuilder.baseviews
                if v.__class__.__name__ == "InstitutionView")
    fabs = view.datamodel.get_filters(view.search_columns).get_search_filters()
    for column in view.search_columns:
        assert [type(f) for f in url_arguments._column_filters(view, column)] == [
            type(f) for f in fabs[column]]


# ---------------------------------------------------------------- security

def test_security_manager_pages_fab_lets_the_app_choose():
    for name in ("userdbmodelview", "rolemodelview", "groupmodelview",
                 "permissionmodelview", "viewmenumodelview",
                 "permissionviewmodelview", "authdbview", "userstatschartview",
                 "security_api"):
        assert hasattr(BaseSecurityManager, name), name
    source = inspect.getsource(BaseSecurityManager.register_views) + inspect.getsource(
        FabSecurityManager.register_views)
    assert "if self.userstatschartview:" in source
    init = inspect.getsource(FabSecurityManager.__init__)
    assert "self.rolemodelview.datamodel = SQLAInterface" in init
    assert params(FabSecurityManager.auth_user_db) == ["self", "username", "password"]
    assert fab_security_views.RoleModelView.copy_role._action[0] == "copyrole"
    assert {"username", "email"} <= set(
        fab_security_views.UserModelView.description_columns)


def test_security_manager_fabs_pages_use_the_apps_interface(module_app):
    sm = module_app.appbuilder.sm
    assert isinstance(sm, SecurityManager)
    for view in (sm.userdbmodelview, sm.rolemodelview, sm.groupmodelview,
                 sm.permissionmodelview, sm.viewmenumodelview,
                 sm.permissionviewmodelview):
        assert isinstance(view.datamodel, EagerInterface), view


def test_role_permissions_menu_and_actions_shape(module_app):
    assert params(MenuItem.__init__) == ["self", "name", "href", "icon", "label",
                                         "childs", "baseview", "cond"]
    items = module_app.appbuilder.menu.get_list()
    assert any(item.childs and item.childs[0].baseview is not None for item in items)
    view = next(v for v in module_app.appbuilder.baseviews
                if v.__class__.__name__ == "BorrowerAccountView")
    assert str(view.actions["activate"].text) == "Aktifkan"  # its label, translated


# ---------------------------------------------------------------- permission cache

def test_permission_cache_fabs_private_methods_keep_their_shape():
    assert params(FabSecurityManager._has_view_access) == [
        "self", "user", "permission_name", "view_name"]
    assert params(FabSecurityManager._get_user_permission_view_menus) == [
        "self", "user", "permission_name", "view_menus_name"]
    assert params(FabSecurityManager.is_item_public) == [
        "self", "permission_name", "view_name"]
    assert params(FabSecurityManager.load_user) == ["self", "pk"]
    assert params(FabSecurityManager.get_user_roles) == ["self", "user"]


def test_permission_cache_fab_calls_what_it_overrides(module_app, monkeypatch):
    sm = module_app.appbuilder.sm
    calls = []
    for name in ("_has_view_access", "_get_user_permission_view_menus"):
        original = getattr(sm, name)
        monkeypatch.setattr(sm, name, lambda *a, _o=original, _n=name, **k: (
            calls.append(_n), _o(*a, **k))[1])
    client = login(module_app.test_client(), "kasi")
    assert client.get("/sop/").status_code == 200
    assert {"_has_view_access", "_get_user_permission_view_menus"} <= set(calls)
    assert issubclass(SecurityManager, PermissionCacheMixin)


def test_permission_cache_grants_agree_with_fab_roles(module_app):
    """The roles are answered from GRANTS; FAB would match FAB_ROLES' patterns."""
    sm = module_app.appbuilder.sm
    views = {view for grants in GRANTS.values() for view in grants}
    views |= {v.class_permission_name for v in module_app.appbuilder.baseviews}
    views |= {"LoanRequestViewAdmin", "Loan", ""}
    permissions = {p for grants in GRANTS.values() for found in grants.values()
                   for p in found}
    permissions |= {"can_list_all", "can_", "menu_access_x"}
    for role_name in ALL_ROLES:
        role = sm.find_role(role_name)
        wrong = [(p, v) for v in views for p in permissions
                 if FabSecurityManager._has_access_builtin_roles(sm, role, p, v)
                 is not (p in GRANTS[role_name].get(v, ()))]
        assert not wrong, (role_name, wrong[:5])
    assert sm.get_user_permissions(user("kasi")) == granted_pairs("Kasi PK & AI")


# ---------------------------------------------------------------- rison schema

def test_rison_schema_fab_validates_through_its_jsonschema(module_app):
    source = inspect.getsource(fab_api)
    assert "import jsonschema" in source
    assert "jsonschema.validate(instance=kwargs[\"rison\"], schema=schema)" in source
    assert "except jsonschema.ValidationError" in source
    assert isinstance(fab_api.jsonschema, rison_schema._KeptValidators)


def test_rison_schema_same_error_as_jsonschema():
    from flask_appbuilder.api.schemas import get_list_schema

    kept = rison_schema._KeptValidators()
    bad = {"page": "zero", "page_size": 20}
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate(bad, get_list_schema)
    with pytest.raises(jsonschema.ValidationError) as ours:
        kept.validate(instance=bad, schema=get_list_schema)
    assert ours.value.message == theirs.value.message
    kept.validate(instance={"page": 0, "page_size": 20}, schema=get_list_schema)


def test_rison_schema_api_still_refuses_bad_arguments(module_app):
    client = module_app.test_client()
    token = client.post("/api/v1/security/login", json={
        "username": "kasi", "password": "Pontive#2026", "provider": "db",
    }).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/loans/?q=(page:zero)", headers=headers
                      ).status_code == 400
    assert client.get("/api/v1/loans/?q=(page:0,page_size:5)", headers=headers
                      ).status_code == 200


# ---------------------------------------------------------------- template gettext

TRANSLATED = (
    "{{ _('Back') }}|{{ _('Request %(number)s has been submitted.', number=n) }}|"
    "{{ ngettext('%(num)d day', '%(num)d days', 3) }}|{% trans %}Back{% endtrans %}")


def _rendered(app, with_ours, locale=None):
    from flask import render_template_string
    from flask_babel import force_locale

    processors = app.template_context_processors[None]
    ours = next(p for p in processors if p.__name__ == "catalogue_of_the_page")
    if not with_ours:
        processors.remove(ours)
    try:
        with app.test_request_context("/"):
            if locale is None:
                return render_template_string(TRANSLATED, n="<b>1</b>")
            with force_locale(locale):
                return render_template_string(TRANSLATED, n="<b>1</b>")
    finally:
        if not with_ours:
            processors.append(ours)


def test_template_gettext_answers_as_flask_babels(module_app):
    """app/fab/template_gettext.py: a template translates, escapes and
    formats as with Flask-Babel's functions, in the language of the moment
    it is rendered."""
    ours = _rendered(module_app, True)
    assert ours == _rendered(module_app, False)
    assert ours.startswith("Kembali|") and "&lt;b&gt;1&lt;/b&gt;" in ours
    english = _rendered(module_app, True, "en")
    assert english == _rendered(module_app, False, "en")
    assert english.startswith("Back|")


def test_template_gettext_is_resolved_from_the_context_first(module_app):
    """Jinja's ``_``, ``gettext`` and ``{% trans %}`` take the context's
    functions before the environment's; Flask-Babel's are newstyle and read
    ``get_translations()``."""
    import flask_babel

    from app.fab.template_gettext import newstyle

    class Marked:
        def ugettext(self, text):
            return "»" + text

        def ungettext(self, singular, plural, n):
            return "»" + (singular if n == 1 else plural)

    template = module_app.jinja_env.from_string(TRANSLATED)
    with module_app.test_request_context("/"):
        marked = template.render(n="x", **newstyle(Marked()))
    assert marked == "»Back|»Request x has been submitted.|»3 days|»Back"
    assert module_app.jinja_env.newstyle_gettext
    source = inspect.getsource(flask_babel.Babel.init_app)
    assert "gettext=lambda s: get_translations().ugettext(s)" in source
    assert "ngettext=lambda s, p, n: get_translations().ungettext(s, p, n)" in source
