"""Each page names itself in the browser tab; the request's page shows its
schedule (and any proposal) first and no empty rows; the edit button is
offered only where the domain lets the user edit (submission.may_edit)."""
import re
from datetime import datetime, time

import pytest
from helpers import free_office_day, login, submit_loan, take, visible_text

from app.platform.extensions import db
from app.platform.timeutil import from_local

APP_NAME = "Peminjaman Ruang Rapat Pontive Center"
SKIPPED = ("/lang/", "/logout", "/static/", "/api/", "/swagger", "/calendar/feed")


def _title(response):
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True),
                     re.S).group(1).strip()


@pytest.fixture(scope="module")
def requests_(module_app):
    """peminjam1's requests: one just submitted, one disposed, one with a
    reschedule proposal, one rejected."""
    loans = {}
    for offset, state in enumerate(("submitted", "disposed", "proposed", "rejected")):
        loans[state] = submit_loan("peminjam1", title=f"Rapat {state}",
                                   day=free_office_day(35 + 7 * offset))
    take(loans["disposed"], "dispose")
    take(loans["proposed"], "dispose")
    other = free_office_day(80)
    take(loans["proposed"], "propose_reschedule", sessions=(
        (from_local(datetime.combine(other, time(13))),
         from_local(datetime.combine(other, time(15)))),))
    take(loans["rejected"], "reject")
    db.session.commit()
    return {state: loan.id for state, loan in loans.items()}


@pytest.mark.parametrize("username", ["admin", "kasi", "adminpc", "peminjam1", None])
def test_every_page_has_its_own_title(module_app, requests_, username):
    client = login(module_app.test_client(), username) if username else (
        module_app.test_client())
    home = client.get("/")
    paths = sorted({path for path in re.findall(r'href="(/[^"#?]*)"',
                                                home.get_data(as_text=True))
                    if not path.startswith(SKIPPED)} | {"/", "/login/"})
    loan = requests_["submitted"]
    paths += [f"/loans/show/{loan}", f"/loans/edit/{loan}", "/loans/add",
              f"/loans/step/dispose/{loan}", "/rooms/show/1", "/register/"]
    titles = {}
    for path in dict.fromkeys(paths):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        title = _title(response)
        assert title.endswith(APP_NAME) and title != APP_NAME, (path, title)
        titles.setdefault(title, []).append(path)
    assert len(titles) >= (4 if username else 2)
    assert all(len(found) == 1 for found in titles.values()), [
        found for found in titles.items() if len(found[1]) > 1]


def test_the_request_page_names_the_request(module_app, requests_):
    client = login(module_app.test_client(), "peminjam1")
    response = client.get(f"/loans/show/{requests_['submitted']}")
    from app.models import LoanRequest

    number = db.session.get(LoanRequest, requests_["submitted"]).registration_number
    assert _title(response) == f"Permohonan Peminjaman {number} · {APP_NAME}"
    assert _title(client.get(f"/loans/edit/{requests_['submitted']}")).startswith(
        f"Ubah Permohonan Peminjaman {number}")


@pytest.mark.parametrize("username", ["peminjam1", "kasi"])
def test_the_schedule_and_the_proposal_come_first(module_app, requests_, username):
    client = login(module_app.test_client(), username)
    text = visible_text(client.get(f"/loans/show/{requests_['proposed']}"))
    details = text.index("Permohonan Nomor registrasi")  # the fieldsets' first
    schedule, proposal = text.index("Sesi # Jadwal"), text.index("Usulan jadwal ")
    assert schedule < proposal < details
    assert ("Jawab sebelum" if username == "peminjam1" else
            "Ditahan untuk peminjam sampai") in text[proposal:details]


def test_empty_rows_are_not_shown(module_app, requests_):
    client = login(module_app.test_client(), "peminjam1")
    text = visible_text(client.get(f"/loans/show/{requests_['submitted']}"))
    for label in ("Alasan penolakan", "Alasan pembatalan", "Keterangan"):
        assert f" {label} " not in text, label
    rejected = visible_text(client.get(f"/loans/show/{requests_['rejected']}"))
    assert "Alasan penolakan Jadwal bertepatan dengan kegiatan dinas." in rejected
    assert " Alasan pembatalan " not in rejected


def _edit_links(html):
    return set(map(int, re.findall(r'href="/loans/edit/(\d+)', html)))


def test_only_editable_rows_offer_the_edit_button(module_app, requests_):
    from app.models import LoanRequest, LoanStatus

    borrower = login(module_app.test_client(), "peminjam1")
    html = borrower.get("/loans/list/?psize_LoanRequestView=100").get_data(as_text=True)
    own_submitted = {loan.id for loan in db.session.query(LoanRequest).filter_by(
        status=LoanStatus.SUBMITTED, borrower_id=db.session.get(
            LoanRequest, requests_["submitted"]).borrower_id)}
    assert requests_["submitted"] in _edit_links(html)
    assert _edit_links(html) == own_submitted
    for state in ("disposed", "proposed", "rejected"):
        assert f'href="/loans/show/{requests_[state]}' in html
    # The request's own page: the button while it can be edited, none after.
    assert "Ubah permohonan ini" in visible_text(
        borrower.get(f"/loans/show/{requests_['submitted']}"))
    assert "Ubah permohonan ini" not in visible_text(
        borrower.get(f"/loans/show/{requests_['disposed']}"))
    # Staff never edit a borrower's request: no button on any row.
    staff = login(module_app.test_client(), "kasi")
    assert not _edit_links(staff.get("/loans/list/?psize_LoanRequestView=100")
                           .get_data(as_text=True))
    assert "Ubah permohonan ini" not in visible_text(
        staff.get(f"/loans/show/{requests_['submitted']}"))


def test_another_borrower_sees_neither_page_nor_button(module_app, requests_):
    other = login(module_app.test_client(), "peminjam2")
    assert other.get(f"/loans/show/{requests_['submitted']}").status_code == 404
    assert other.get(f"/loans/edit/{requests_['submitted']}").status_code == 404
    html = other.get("/loans/list/?psize_LoanRequestView=100").get_data(as_text=True)
    assert requests_["submitted"] not in _edit_links(html)
