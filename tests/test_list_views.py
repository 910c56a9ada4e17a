"""No list of the panel answers its sorting, paging or filtering with a 500.

The lists are discovered from the views Flask-AppBuilder registered (a new
list is walked without being named here); each is walked as every role that
may see it: every column it offers to sort, in both directions and on a later
page, and every search filter with all of its operations, given ordinary and
hostile values. A bad value gets the 400 page, never a stack trace.
"""
import pytest
from flask import url_for
from flask_appbuilder.baseviews import BaseCRUDView
from helpers import login, visible_text

from app.models import BorrowerProfile
from app.platform.extensions import db

# One account of each role, and nobody signed in.
USERS = ("admin", "kabid", "kasi", "adminpc", "peminjam1", None)

# Typed by hand, mistyped, or sent by a script on purpose.
VALUES = [
    "", "1", "-1", "99999999999999999999", "1.5", "2026-11-16", "2026-02-30",
    "16/11/2026", "2026-11-16 09:00", "y", "%_\\", "'; DROP TABLE loan_request; --",
    "Pontianak ü 日本", "a" * 600,
]
PAGING = [{"page_{view}": "1", "psize_{view}": "1"},
          {"page_{view}": "999999", "psize_{view}": "100"}]


def list_views(app):
    """Every registered view with a list page: (name, its list's path)."""
    with app.test_request_context():
        views = [(view.__class__.__name__, url_for(f"{view.endpoint}.list"))
                 for view in app.appbuilder.baseviews
                 if isinstance(view, BaseCRUDView)
                 and f"{view.endpoint}.list" in app.view_functions]
    return sorted(views)


def view_named(app, name):
    return next(view for view in app.appbuilder.baseviews
                if view.__class__.__name__ == name)


def search_filters(view):
    """{column: [filter, ...]} as the view's search form offers them."""
    return view.datamodel.get_filters(view.search_columns).get_search_filters()


def walk(view, name):
    """Every (query string) the list of ``view`` is asked with."""
    for column in view.order_columns:
        for direction in ("asc", "desc"):
            order = {f"_oc_{name}": column, f"_od_{name}": direction}
            yield order
            for paging in PAGING:
                yield {**order, **{k.format(view=name): v for k, v in paging.items()}}
    for column, filters in search_filters(view).items():
        # Each operation of the column at once: they are applied together, and
        # whether a value is refused depends on the column, not the operation.
        for value in VALUES:
            yield {f"_flt_{index}_{column}": value for index in range(len(filters))}


@pytest.fixture(scope="module")
def clients(module_app):
    return {username: (login(module_app.test_client(), username) if username
                       else module_app.test_client())
            for username in USERS}


def test_the_walk_finds_the_panels_lists(module_app):
    names = {name for name, _ in list_views(module_app)}
    assert {"LoanRequestView", "BorrowerAccountView", "DamageReportView",
            "UserDBModelView", "RoleModelView", "ClosedDateView"} <= names


@pytest.mark.parametrize("username", USERS)
def test_no_list_answers_sorting_paging_or_filters_with_a_500(module_app, clients,
                                                               username):
    client, walked, failures = clients[username], 0, []
    for name, path in list_views(module_app):
        if client.get(path).status_code != 200:
            continue  # a list this role may not see
        walked += 1
        for arguments in walk(view_named(module_app, name), name):
            response = client.get(path, query_string=arguments)
            if response.status_code not in (200, 400):
                failures.append((path, arguments, response.status_code))
    assert walked or username is None
    assert not failures, failures[:20]


def _first_names_in_order(client, direction):
    names = []
    for page in range(db.session.query(BorrowerProfile).count()):
        html = visible_text(client.get("/borrower-accounts/list/", query_string={
            "_oc_BorrowerAccountView": "user.first_name",
            "_od_BorrowerAccountView": direction,
            "page_BorrowerAccountView": page, "psize_BorrowerAccountView": 1}))
        names.append(next(profile.user.first_name
                          for profile in db.session.query(BorrowerProfile)
                          if f" {profile.user.username} " in html))
    return names


def test_borrower_accounts_sort_by_a_related_column_on_every_page(module_app, clients):
    """It was a 500 from the second page on ("no such column: ab_user.first_name")."""
    client = clients["kasi"]
    every = sorted(profile.user.first_name
                   for profile in db.session.query(BorrowerProfile))
    assert len(every) >= 2
    assert _first_names_in_order(client, "asc") == every
    assert _first_names_in_order(client, "desc") == every[::-1]
