"""A borrower sees and touches only their own requests, on every endpoint.

peminjam2 tries every page, action, download and API call with peminjam1's
request ids: each is refused (403/404) and peminjam1's requests are exactly as
before. Positive controls: peminjam1 uses the same endpoints on their own
requests, and staff (kasi) see everyone's.
"""
import hashlib

import pytest
from helpers import api_token, loans_of, visible_text

from app.domain import letters, workflow
from app.models import LoanRequest, LoanStatus
from app.platform.extensions import db

REFUSED = (403, 404)


def snapshot(username):
    """What must not change: each request's fields, history and letter on disk."""
    db.session.expire_all()
    rows = {}
    for loan in loans_of(username):
        path = letters.letter_path(loan.letter_file)
        rows[loan.id] = {
            "status": loan.status,
            "title": loan.title,
            "description": loan.description,
            "participants": loan.participants,
            "contact_phone": loan.contact_phone,
            "cancellation_reason": loan.cancellation_reason,
            "history": len(loan.history),
            "sessions": [(s.starts_at, s.ends_at) for s in loan.sessions],
            "letter_file": loan.letter_file,
            "letter_sha256": hashlib.sha256(open(path, "rb").read()).hexdigest()
            if path else None,
        }
    return rows


def edit_form(**changes):
    data = {
        "title": "Diubah oleh orang lain", "description": "x", "participants": "5",
        "letter_number": "999/X/2026", "letter_date": "2026-01-05",
        "subject": "Perihal lain", "contact_name": "Penyusup",
        "contact_phone": "0813-0000-0000",
    }
    data.update(changes)
    return data


# The attempts peminjam2 makes on one of peminjam1's requests.
def _show(c, loan, h):
    return c.get(f"/loans/show/{loan.id}")


def _edit_get(c, loan, h):
    return c.get(f"/loans/edit/{loan.id}")


def _edit_post(c, loan, h):
    return c.post(f"/loans/edit/{loan.id}", data=edit_form())


def _delete_post(c, loan, h):
    return c.post(f"/loans/delete/{loan.id}")


def _delete_get(c, loan, h):
    return c.get(f"/loans/delete/{loan.id}")


def _letter(c, loan, h):
    return c.get(f"/loans/letter/{loan.id}")


def _document(kind):
    def attempt(c, loan, h):
        return c.get(f"/loans/{kind}/{loan.id}")
    return attempt


def _ics(c, loan, h):
    return c.get(f"/loans/ics/{loan.id}")


def _step(action, method):
    # What the owner would send to take the step: a reason, a schedule...
    data = {"reason": "Dibatalkan oleh orang lain", "note": "x", "instruction":
            "follow_up", "nature": "biasa", "pledge_checked": "y",
            "actual_participants": "5", "sessions-start": "2030-01-07T09:00",
            "sessions-end": "2030-01-07T10:00"}

    def attempt(c, loan, h):
        url = f"/loans/step/{action}/{loan.id}"
        return c.post(url, data=data) if method == "post" else c.get(url)
    return attempt


def _suggestion(c, loan, h):
    return c.post(f"/loans/suggestion/{loan.id}", data={
        "start": "2030-01-07T09:00:00+07:00", "end": "2030-01-07T10:00:00+07:00"})


def _bulk_agenda(c, loan, h):
    return c.post("/loans/action_post",
                  data={"action": "schedule_selected", "rowid": [str(loan.id)]})


def _bulk_agenda_mixed(c, loan, h):
    # One of their own rows next to someone else's.
    own = loans_of("peminjam2")[0].id
    return c.post("/loans/action_post", data={
        "action": "schedule_selected", "rowid": [str(own), str(loan.id)]})


def _file_download(view):
    def attempt(c, loan, h):
        # FAB's generic file download serves UPLOAD_FOLDER by name.
        return c.get(f"/{view}/download/{loan.letter_file}")
    return attempt


def _api_show(c, loan, h):
    return c.get(f"/api/v1/loans/{loan.id}", headers=h)


def _api_put(c, loan, h):
    return c.put(f"/api/v1/loans/{loan.id}", json={"title": "Dibajak"}, headers=h)


def _api_delete(c, loan, h):
    return c.delete(f"/api/v1/loans/{loan.id}", headers=h)


ATTEMPTS = {
    "show": (_show, REFUSED),
    "edit-get": (_edit_get, REFUSED),
    "edit-post": (_edit_post, REFUSED),
    "delete-post": (_delete_post, REFUSED),
    "delete-get": (_delete_get, REFUSED + (405,)),  # deleting is POST only
    "letter": (_letter, REFUSED),
    "ics": (_ics, REFUSED),
    "disposition-sheet": (_document("disposition"), REFUSED),
    "confirmation-letter": (_document("confirmation"), REFUSED),
    **{f"step-{method}-{action}": (_step(action, method), REFUSED)
       for action in workflow.TRANSITIONS for method in ("get", "post")},
    "propose-suggestion": (_suggestion, REFUSED),
    "bulk-agenda": (_bulk_agenda, REFUSED),
    "bulk-agenda-mixed": (_bulk_agenda_mixed, REFUSED),
    "download-loans": (_file_download("loans"), REFUSED),
    "download-rooms": (_file_download("rooms"), REFUSED),
    "download-institutions": (_file_download("institutions"), REFUSED),
    "api-show": (_api_show, REFUSED),
    "api-put": (_api_put, REFUSED + (405,)),
    "api-delete": (_api_delete, REFUSED + (405,)),
}


@pytest.fixture(scope="module")
def intruder(module_app):
    """peminjam2's web client and API headers (shared: refusals change nothing)."""
    from helpers import login

    client = login(module_app.test_client(), "peminjam2")
    return client, api_token(client, "peminjam2")


@pytest.mark.parametrize("name", ATTEMPTS)
def test_other_borrowers_request_is_refused(module_app, intruder, name):
    attempt, refused = ATTEMPTS[name]
    client, headers = intruder
    before = snapshot("peminjam1")
    own_before = snapshot("peminjam2")
    victims = loans_of("peminjam1")
    assert victims, "demo data has requests of peminjam1"
    for loan in victims:
        response = attempt(client, loan, headers)
        assert response.status_code in refused, (
            f"{name} on request {loan.id} ({loan.status}): {response.status_code}")
        body = response.get_data()
        assert loan.title.encode() not in body
        assert not body.startswith(b"%PDF-")
    assert snapshot("peminjam1") == before
    assert snapshot("peminjam2") == own_before


def test_lists_show_only_own_requests(module_app, intruder):
    client, headers = intruder
    mine = loans_of("peminjam2")
    theirs = loans_of("peminjam1")

    page = visible_text(client.get("/loans/list/"))
    for loan in mine:
        assert loan.registration_number in page
    for loan in theirs:
        assert loan.registration_number not in page
        assert loan.title not in page

    # A search that matches only the other borrower's request finds nothing.
    search = client.get(f"/loans/list/?_flt_0_title={theirs[0].title}")
    assert search.status_code == 200
    assert theirs[0].registration_number not in visible_text(search)

    response = client.get("/api/v1/loans/?q=(page_size:100)", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(body["ids"]) == sorted(loan.id for loan in mine)
    assert body["count"] == len(mine)
    for loan in theirs:
        assert loan.registration_number not in response.get_data(as_text=True)

    # Filtering the API by the other borrower's id still finds nothing.
    def api_search(title):
        rison = f"(filters:!((col:title,opr:eq,value:'{title}')))"
        response = client.get("/api/v1/loans/", query_string={"q": rison},
                              headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["ids"]

    assert api_search(mine[0].title) == [mine[0].id]  # the filter works...
    assert api_search(theirs[0].title) == []  # ...but not across borrowers


# ---------------------------------------------------------------- positive controls

def test_borrower_uses_own_requests(login_as):
    client = login_as("peminjam1")
    headers = api_token(client, "peminjam1")
    mine = loans_of("peminjam1")
    for loan in mine:
        page = client.get(f"/loans/show/{loan.id}")
        assert page.status_code == 200
        assert loan.title in visible_text(page)

        letter = client.get(f"/loans/letter/{loan.id}")
        assert letter.status_code == 200
        assert letter.mimetype == "application/pdf"
        with open(letters.letter_path(loan.letter_file), "rb") as handle:
            assert letter.get_data() == handle.read()

        api = client.get(f"/api/v1/loans/{loan.id}", headers=headers)
        assert api.status_code == 200
        assert api.get_json()["result"]["registration_number"] == loan.registration_number

    listing = client.get("/api/v1/loans/?q=(page_size:100)", headers=headers).get_json()
    assert sorted(listing["ids"]) == sorted(loan.id for loan in mine)

    submitted = next(loan for loan in mine if loan.status == LoanStatus.SUBMITTED)
    edit = client.get(f"/loans/edit/{submitted.id}")
    assert edit.status_code == 200
    assert submitted.title in edit.get_data(as_text=True)


def test_borrower_cancels_own_request(login_as):
    client = login_as("peminjam1")
    loan = loans_of("peminjam1")[0]
    assert loan.status == LoanStatus.SUBMITTED
    history = len(loan.history)
    others = snapshot("peminjam2")

    response = client.post(f"/loans/step/cancel/{loan.id}",
                           data={"reason": "Acara diundur.", "sure": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/loans/show/{loan.id}")

    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == LoanStatus.CANCELLED
    assert loan.cancellation_reason == "Acara diundur."
    assert len(loan.history) == history + 1
    assert loan.history[-1].actor_id == loan.borrower_id
    assert snapshot("peminjam2") == others


def test_borrower_edits_own_submitted_request(login_as):
    client = login_as("peminjam1")
    loan = loans_of("peminjam1")[0]
    response = client.post(f"/loans/edit/{loan.id}", data=edit_form(
        title="Rapat Koordinasi (judul diperbaiki)", letter_date="2026-01-05"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LoanRequest, loan.id).title == "Rapat Koordinasi (judul diperbaiki)"


def test_staff_see_every_request(login_as):
    client = login_as("kasi")
    headers = api_token(client, "kasi")
    everyone = db.session.query(LoanRequest).all()
    assert {loan.borrower_id for loan in everyone} >= {
        loans_of("peminjam1")[0].borrower_id, loans_of("peminjam2")[0].borrower_id}

    page = visible_text(client.get("/loans/list/"))
    for loan in everyone:
        assert loan.registration_number in page
        assert client.get(f"/loans/show/{loan.id}").status_code == 200
        letter = client.get(f"/loans/letter/{loan.id}")
        assert letter.status_code == 200 and letter.get_data().startswith(b"%PDF-")

    listing = client.get("/api/v1/loans/?q=(page_size:100)", headers=headers).get_json()
    assert sorted(listing["ids"]) == sorted(loan.id for loan in everyone)
