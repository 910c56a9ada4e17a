"""Pages of the request list: each page holds the rows the database orders
there, every request once, whichever order the user picks; a borrower's
pages hold only their own."""
import re

import pytest
from helpers import submit_loan, user

from app.models import Institution, LoanRequest
from app.platform.extensions import db

SIZE = 4


def _ids(response):
    assert response.status_code == 200
    return list(dict.fromkeys(
        int(pk) for pk in re.findall(r'href="/loans/show/(\d+)"',
                                     response.get_data(as_text=True))))


def _walk(client, order=""):
    seen, page = [], 0
    while True:
        ids = _ids(client.get(f"/loans/list/?psize_LoanRequestView={SIZE}"
                              f"&page_LoanRequestView={page}{order}"))
        if not ids:
            return seen
        seen += ids
        page += 1


@pytest.fixture
def requests(app):
    for number in range(9):
        submit_loan("peminjam1" if number % 3 else "peminjam2",
                    title=f"Rapat {'ZYXWVUTSR'[number]}", days_ahead=20 + number)


@pytest.mark.parametrize("username", ["kasi", "peminjam1"])
@pytest.mark.parametrize("order,key,newest_first", [
    ("", lambda loan: (loan.created_at, loan.id), True),  # the default
    ("&_oc_LoanRequestView=title&_od_LoanRequestView=asc",
     lambda loan: (loan.title, loan.id), False),
])
def test_every_page_holds_the_next_rows_in_order(app, login_as, requests, username,
                                                  order, key, newest_first):
    loans = db.session.query(LoanRequest).all()
    if username == "peminjam1":
        loans = [loan for loan in loans if loan.borrower_id == user("peminjam1").id]
    expected = [loan.id for loan in sorted(loans, key=key, reverse=newest_first)]
    assert len(expected) > 2 * SIZE
    assert _walk(login_as(username), order) == expected


def test_staff_filter_the_list_by_institution(app, login_as, requests):
    client = login_as("kasi")
    page = client.get("/loans/list/").get_data(as_text=True)
    for institution in db.session.query(Institution):  # offered in the filter form
        assert f'value=\\"{institution.id}\\"' in page, institution.name
    loans = db.session.query(LoanRequest).all()
    institutions = {loan.institution_id for loan in loans}
    assert len(institutions) > 1
    for institution_id in institutions:
        shown = _walk(client, f"&_flt_0_institution={institution_id}")
        assert set(shown) == {loan.id for loan in loans
                              if loan.institution_id == institution_id}


@pytest.mark.parametrize("username", ["kasi", "peminjam1"])
def test_each_rows_buttons_open_that_row(app, login_as, requests, username):
    """The buttons of a row (drawn once a page, then given each row's key)
    lead to the request the row shows."""
    page = login_as(username).get(f"/loans/list/?psize_LoanRequestView={SIZE}")
    table = page.get_data(as_text=True).split("</thead>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert len(rows) == SIZE
    numbers = {loan.registration_number: loan.id for loan in db.session.query(LoanRequest)}
    for row in rows:
        shown = [number for number in numbers if f"<td>{number}</td>" in row]
        assert len(shown) == 1, row
        links = set(re.findall(r'href="/loans/(show|edit)/(\d+)"', row))
        kinds = {"show", "edit"} if username == "peminjam1" else {"show"}
        assert links == {(kind, str(numbers[shown[0]])) for kind in kinds}
