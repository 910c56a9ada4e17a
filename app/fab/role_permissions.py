"""What a role may do, in words, for Flask-AppBuilder's role pages.

FAB's role list and page print a role defined in ``FAB_ROLES`` as its raw
pattern pairs (``[['^AnnualReportView$', '^can_index$'], ...]``). Here each
view a role may use becomes one line, the view named as its menu entry is
("Permohonan Peminjaman: lihat daftar, lihat rincian, tambah"), and the menu
entries it sees one more line ("Menu: Peminjaman, ...").

Relies on: ``appbuilder.menu`` items carrying their ``name``, ``label``,
``childs`` and ``baseview`` (whose ``class_permission_name`` is the view's
permission name), and each view's ``actions`` (an ``@action``'s
permission is its name, its ``text`` the label FAB shows).
"""
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

MENU = "menu_access"

PERMISSION_LABELS = {
    "can_list": _l("view the list"),
    "can_show": _l("view details"),
    "can_add": _l("add"),
    "can_edit": _l("edit"),
    "can_delete": _l("delete"),
    "can_index": _l("open"),
    "can_get": _l("read"),
    "can_info": _l("read the fields' description"),
    "can_post": _l("submit"),
    "can_put": _l("change"),
    "can_step": _l("take SOP steps"),
    "can_letter": _l("download the request letter"),
    "can_post_letter": _l("send the request letter"),
    "can_disposition": _l("download the disposition sheet"),
    "can_confirmation": _l("download the confirmation letter"),
    "can_download": _l("download"),
    "can_narratives": _l("write the narrative sections"),
    "can_register": _l("download the loan register"),
    "can_annual_report": _l("download the annual report"),
    "can_userinfo": _l("view own profile"),
    "can_this_form_get": _l("open the form"),
    "can_this_form_post": _l("send the form"),
}

# Views without a menu entry of their own.
VIEW_LABELS = {
    "LoanRequestApi": _l("Loan requests (REST API)"),
    "RoomApi": _l("Rooms (REST API)"),
    "AvailabilityApi": _l("Room availability (REST API)"),
    "DocumentApi": _l("Documents (REST API)"),
    "OpenApi": _l("REST API description (OpenAPI)"),
    "SwaggerView": _l("REST API page (Swagger)"),
    "UserInfoEditView": _l("Own profile"),
    "ResetMyPasswordView": _l("Own password"),
    "ResetPasswordView": _l("Other users' passwords"),
}


def _menu_labels(appbuilder):
    """({menu entry name: label}, {view permission name: its entry's label})."""
    entries, views = {}, {}

    def walk(items):
        for item in items:
            if item.name == "-":
                continue
            label = entries[item.name] = str(item.label or item.name)
            if item.baseview is not None:
                views.setdefault(item.baseview.class_permission_name, label)
            walk(item.childs or ())

    walk(appbuilder.menu.get_list())
    return entries, views


def _action_labels(appbuilder):
    """{(view permission name, action name): the action's label}."""
    return {(view.class_permission_name, name): str(item.text)
            for view in appbuilder.baseviews
            for name, item in getattr(view, "actions", {}).items()}


_ORDER = {name: number for number, name in enumerate(PERMISSION_LABELS)}


def _in_order(permissions):
    return sorted(set(permissions) - {MENU},
                  key=lambda name: (_ORDER.get(name, len(_ORDER)), name))


def _permission_label(permission, view, actions):
    label = PERMISSION_LABELS.get(permission) or actions.get((view, permission))
    if label is None:
        return permission.removeprefix("can_").replace("_", " ")
    return str(label)


def describe(pairs):
    """Lines in words for the (permission, view) ``pairs`` of one role: one
    per view, by its label, and one of the menu entries."""
    appbuilder = current_app.appbuilder
    entries, views = _menu_labels(appbuilder)
    actions = _action_labels(appbuilder)
    granted = {}
    for permission, view in pairs:
        granted.setdefault(view, []).append(permission)
    menus = sorted(entries.get(view, view) for view, permissions in granted.items()
                   if MENU in permissions)
    lines = sorted(
        gettext("%(view)s: %(permissions)s",
                view=views.get(view) or str(VIEW_LABELS.get(view, view)),
                permissions=", ".join(_permission_label(p, view, actions)
                                      for p in _in_order(permissions)))
        for view, permissions in granted.items() if set(permissions) - {MENU})
    if menus:
        lines.append(gettext("Menu: %(entries)s", entries=", ".join(menus)))
    return lines
