"""The menu is rendered once per language and set of visible entries, and
each page still shows exactly the entries its user may see."""
import re

from flask import template_rendered
from helpers import user

from app.fab.navbar import MENU_TEMPLATE
from app.platform.extensions import db


def _menu(response):
    html = response.get_data(as_text=True)
    return re.search(r'<ul class="nav navbar-nav">(.*?)</ul>\s*<ul class="nav navbar-nav '
                     r'navbar-right">', html, re.S).group(1)


def test_the_menu_is_rendered_once_per_language_and_set_of_entries(app, login_as):
    renders = []

    def record(sender, template, context, **extra):
        if template.name == MENU_TEMPLATE:
            renders.append(template.name)

    template_rendered.connect(record, app)
    try:
        first, second = login_as("peminjam1"), login_as("peminjam2")
        menu = _menu(first.get("/sop/"))
        assert len(renders) == 1 and "Permohonan Peminjaman" in menu
        # Another page, another borrower: the same entries, kept.
        assert _menu(first.get("/tasks/")) == menu
        assert _menu(second.get("/sop/")) == menu
        assert len(renders) == 1
        # Staff see other entries: rendered for them once.
        staff = _menu(login_as("kasi").get("/sop/"))
        assert len(renders) == 2 and staff != menu and "Data Master" in staff
        # English is a menu of its own.
        first.get("/lang/en")
        english = _menu(first.get("/sop/"))
        assert len(renders) == 3 and "Loan requests" in english
    finally:
        template_rendered.disconnect(record, app)


def test_a_role_given_or_taken_changes_the_menu_on_the_next_page(app, login_as):
    client = login_as("peminjam1")
    assert "/damage/list/" not in _menu(client.get("/sop/"))
    account = user("peminjam1")
    account.roles.append(app.appbuilder.sm.find_role("Kasi PK & AI"))
    db.session.commit()
    assert "/damage/list/" in _menu(client.get("/sop/"))
    account.roles = [r for r in account.roles if r.name == "Peminjam"]
    db.session.commit()
    assert "/damage/list/" not in _menu(client.get("/sop/"))
