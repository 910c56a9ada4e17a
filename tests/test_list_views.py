"""No list of the panel answers its sorting, paging or filtering with a 500.

The lists are discovered from the views Flask-AppBuilder registered (a new
list is walked without being named here); each is walked as every role that
may see it: every column it offers to sort, in both directions and on a later
page, and every search filter with all of its operations, given ordinary and
hostile values. A bad value gets the 400 page, never a stack trace.
"""
import re
from datetime import datetime, time, timedelta

import pytest
from flask import url_for
from flask_appbuilder.baseviews import BaseCRUDView
from helpers import (
    free_office_day,
    loans_of,
    login,
    submit_loan,
    take,
    today,
    user,
    visible_text,
)

from app.models import BorrowerProfile, InstitutionKind, LoanRequest, LoanStatus
from app.platform.extensions import db
from app.platform.timeutil import from_local

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


# ------------------------------------------------------------ in Indonesian

def _rows(response):
    """The list's rows, each as the texts of its cells."""
    html = response.get_data(as_text=True)
    table = html[html.index('<table class="table table-bordered table-hover">'):]
    table = table[:table.index("</table>")]
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
             for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table, flags=re.S)[1:]]


def _loans_page(client, **arguments):
    return client.get("/loans/list/", query_string={"psize_LoanRequestView": "100",
                                                    **arguments})


def _numbers(response):
    return [loan.registration_number for loan in db.session.query(LoanRequest)
            if f" {loan.registration_number} " in visible_text(response)]


def _options(html, name):
    """(value, label) of the options of the search field ``name`` (FAB's
    search widget holds the fields as JSON, for its script to copy)."""
    html = html.replace("\\u003c", "<").replace("\\u003e", ">").replace('\\"', '"')
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, flags=re.S)
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>',
                      select.group(0))


@pytest.fixture(scope="module")
def two_schedules(module_app):
    """Two requests of peminjam1 on different office days, a week apart: the
    first confirmed, the second just submitted."""
    first_day = free_office_day(40)
    second_day = free_office_day((first_day - today()).days + 7)
    loans = {day: submit_loan("peminjam1", title=title, day=day)
             for day, title in ((first_day, "Rapat jadwal pertama"),
                                (second_day, "Rapat jadwal kedua"))}
    for action in ("dispose", "confirm"):
        take(loans[first_day], action)
    db.session.commit()
    return loans


def test_the_status_filter_is_a_choice_of_indonesian_labels(module_app, clients,
                                                            two_schedules):
    client = clients["kasi"]
    html = client.get("/loans/list/").get_data(as_text=True)
    assert ("confirmed", "Dikonfirmasi") in _options(html, "status")
    assert ("kunjungan", "Kunjungan") in _options(html, "kind")
    assert "Sama dengan" in html  # the status's operations: equal, not equal
    confirmed = {loan.registration_number for loan in db.session.query(LoanRequest)
                 .filter_by(status=LoanStatus.CONFIRMED)}
    assert confirmed
    found = _loans_page(client, _flt_0_status="confirmed")
    assert set(_numbers(found)) == confirmed
    assert {row[-2] for row in _rows(found)} == {"Dikonfirmasi"}
    others = _loans_page(client, _flt_1_status="confirmed")
    assert "Dikonfirmasi" not in {row[-2] for row in _rows(others)}


def test_the_room_and_institution_filters_choose_by_name(module_app, clients):
    client = clients["kasi"]
    html = client.get("/loans/list/").get_data(as_text=True)
    loan = db.session.query(LoanRequest).order_by(LoanRequest.id).first()
    assert (str(loan.room_id), loan.room.name) in _options(html, "room")
    assert (str(loan.institution_id), loan.institution.name) in _options(
        html, "institution")
    by_room = _numbers(_loans_page(client, _flt_0_room=str(loan.room_id)))
    assert loan.registration_number in by_room
    assert set(by_room) == {other.registration_number for other in db.session.query(
        LoanRequest).filter_by(room_id=loan.room_id)}
    by_institution = _numbers(_loans_page(
        client, _flt_0_institution=str(loan.institution_id)))
    assert set(by_institution) == {other.registration_number for other in db.session
                                   .query(LoanRequest)
                                   .filter_by(institution_id=loan.institution_id)}


def test_a_borrower_filters_only_their_own_requests(module_app, clients, two_schedules):
    """Choosing a status another borrower's request has shows none of theirs."""
    someone_else = db.session.query(LoanRequest).filter(
        LoanRequest.borrower_id != user("peminjam1").id).first()
    shown = _numbers(_loans_page(clients["peminjam1"], _flt_0_status=someone_else.status,
                                 _flt_0_room=str(someone_else.room_id)))
    assert someone_else.registration_number not in shown
    assert set(shown) <= {loan.registration_number for loan in loans_of("peminjam1")}


@pytest.mark.parametrize("username", ["kasi", "peminjam1"])
def test_the_schedule_filter_takes_a_range_of_days(module_app, clients, two_schedules,
                                                    username):
    (first_day, first), (second_day, second) = sorted(two_schedules.items())
    client = clients[username]

    def shown(**arguments):
        return set(_numbers(_loans_page(client, **arguments))) & {
            first.registration_number, second.registration_number}

    assert shown(_flt_0_sessions=first_day.isoformat(),
                 _flt_1_sessions=first_day.isoformat()) == {first.registration_number}
    assert shown(_flt_0_sessions=second_day.isoformat()) == {second.registration_number}
    assert shown(_flt_1_sessions=(second_day - timedelta(days=1)).isoformat()) == {
        first.registration_number}
    assert shown(_flt_0_sessions=first_day.isoformat(),
                 _flt_1_sessions=second_day.isoformat()) == {
        first.registration_number, second.registration_number}
    assert "Mulai pada atau sesudah" in client.get("/loans/list/").get_data(
        as_text=True)


def test_a_range_needs_one_session_starting_within_it(module_app, clients):
    """Sessions on two days a fortnight apart: a period between them finds
    nothing, though one session starts after its first day and the other
    before its last."""
    first = free_office_day(60)
    last = free_office_day((first - today()).days + 14)
    loan = submit_loan("peminjam1", title="Pelatihan dua sesi", sessions=[
        (from_local(datetime.combine(day, time(9))),
         from_local(datetime.combine(day, time(11)))) for day in (first, last)])
    between = first + timedelta(days=7)

    def found(since, until):
        return loan.registration_number in _numbers(_loans_page(
            clients["kasi"], _flt_0_sessions=since.isoformat(),
            _flt_1_sessions=until.isoformat()))

    assert not found(between - timedelta(days=2), between + timedelta(days=2))
    assert found(first, first) and found(last, last)
    assert found(first - timedelta(days=3), last + timedelta(days=3))


def _sorted_by(client, column, direction="asc"):
    return _rows(_loans_page(client, _oc_LoanRequestView=column,
                             _od_LoanRequestView=direction))


def test_the_request_list_sorts_by_every_shown_column(module_app, clients,
                                                      two_schedules):
    client = clients["kasi"]
    html = client.get("/loans/list/").get_data(as_text=True)
    for column in ("registration_number", "title", "institution", "schedule_summary",
                   "status_label", "created_at"):
        assert f"_oc_LoanRequestView={column}" in html, column
    with module_app.test_request_context(headers={"Accept-Language": "id"}):
        ranks = {str(LoanStatus.label(code)): rank
                 for rank, code in enumerate(LoanStatus.codes())}
    statuses = [row[-2] for row in _sorted_by(client, "status_label")]
    assert len(set(statuses)) >= 3
    assert statuses == sorted(statuses, key=ranks.get)
    assert [row[-2] for row in _sorted_by(client, "status_label", "desc")] == sorted(
        statuses, key=ranks.get, reverse=True)
    institutions = [row[-4] for row in _sorted_by(client, "institution")]
    assert institutions == sorted(institutions, key=str.casefold)
    # By the first session: the later of two requests comes later.
    rows = [row[-6] for row in _sorted_by(client, "schedule_summary")]
    (_, first), (_, second) = sorted(two_schedules.items())
    assert rows.index(first.registration_number) < rows.index(
        second.registration_number)


@pytest.mark.parametrize("path, column, code, label", [
    ("/institutions/list/", "kind", "sekolah", "Sekolah"),
    ("/equipment/list/", "condition", "good", "Baik"),
    ("/damage/list/", "status", "in_repair", "Sedang Diperbaiki"),
])
def test_master_data_choices_are_searched_by_label(module_app, clients, path, column,
                                                   code, label):
    client = clients["admin"]
    assert (code, label) in _options(client.get(path).get_data(as_text=True), column)
    assert client.get(path, query_string={f"_flt_0_{column}": code}).status_code == 200


def test_institutions_sort_by_kind_in_the_listed_order(module_app, clients):
    kinds = [row[-3] for row in _rows(clients["admin"].get(
        "/institutions/list/", query_string={"_oc_InstitutionView": "kind_label",
                                             "_od_InstitutionView": "asc",
                                             "psize_InstitutionView": "100"}))]
    with module_app.test_request_context():
        order = [str(label) for label in InstitutionKind.labels().values()]
    assert len(set(kinds)) >= 2
    assert kinds == sorted(kinds, key=order.index)


@pytest.mark.parametrize("path, column", [
    ("/loans/list/", "sessions"), ("/damage/list/", "reported_at"),
    ("/closed-dates/list/", "day"),
])
def test_day_filters_are_the_browsers_date_input(module_app, clients, path, column):
    """Its value is ISO whatever the language (FAB's datepicker copy emptied
    a typed ISO day)."""
    html = clients["admin"].get(path).get_data(as_text=True)
    html = html.replace("\\u003c", "<").replace("\\u003e", ">").replace('\\"', '"')
    field = re.search(rf'<input[^>]*name="{column}"[^>]*>', html).group(0)
    assert 'type="date"' in field
