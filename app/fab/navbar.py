"""Flask-AppBuilder's menu, rendered once per language and set of visible
entries instead of on every page.

The menu is the same for everyone who may see the same entries: its
template only checks each entry's ``menu_access``, translates the labels
and builds the links. Rendering it cost about two fifths of every page's
layout (bench/run.py). Each page still asks who may see which entry (the
answers come from the permission cache, app/fab/permission_cache.py);
only the HTML is kept, so a changed role shows from the next page on.

Relies on: FAB's ``navbar.html`` including ``appbuilder/navbar_menu.html``
(replaced here by app/fab/templates/appbuilder/navbar_menu.html) with the
``menu`` in its context; FAB's menu template showing an entry when its
``is_menu_visible`` filter (``has_access("menu_access", name)``) allows it,
and depending on nothing else of the user; menu items carrying ``name`` and
``childs``.

The bell beside the user menu (app/fab/templates/appbuilder/navbar_right.html)
shows the signed-in user's unread notices, for those whose role has the
notice page: counted by the statement that loads the user on each request
(app/fab/revocable_sessions.py), so it costs no statement of its own. It
relies on FAB's ``navbar.html`` including ``appbuilder/navbar_right.html``
on every page, after Flask-Login has loaded the user.
"""
from flask import current_app, g, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

# app/fab/templates/appbuilder/navbar_menu.html replaces FAB's menu and
# renders the original, found under "fab/" (app/fab/template_loader.py).
MENU_TEMPLATE = "fab/appbuilder/navbar_menu.html"
_CACHE = "pontive_menus"
_MAX_KEPT = 256  # languages x kinds of role: a handful in practice


def _entry_names(menu):
    for item in menu.get_list():
        yield item.name
        for child in item.childs or ():
            if child and child.name != "-":
                yield child.name


def cached_menu(menu):
    visible = frozenset(current_app.appbuilder.sm.get_user_menu_access(
        list(_entry_names(menu))))
    key = (str(get_locale()), request.script_root, visible)
    menus = current_app.extensions[_CACHE]
    html = menus.get(key)
    if html is None:
        if len(menus) >= _MAX_KEPT:
            menus.clear()
        html = menus[key] = Markup(render_template(MENU_TEMPLATE, menu=menu))
    return html


def unread_notices():
    """The signed-in user's unread notices, or None when they have no bell."""
    if not current_app.appbuilder.sm.has_access("can_index", "NoticeView"):
        return None
    return g.get("unread_notices", 0)


def register(app):
    app.extensions[_CACHE] = {}
    app.jinja_env.globals["cached_menu"] = cached_menu
    app.jinja_env.globals["unread_notices"] = unread_notices
