"""Hostile text in every text field of a request: HTML and scripts,
reportlab's paragraph markup, ampersands, very long words, Unicode.

It is stored as typed, shown escaped on every page, printed literally in
every PDF (reportlab's Paragraph would otherwise read "<b>" or "<para>" as
markup, or fail on an unclosed "<font"), and returned as typed by the API.
A NUL character gets a clear refusal, never a 500.
"""
import html
import io
import re

import pytest
from helpers import PASSWORD, loans_of, office_day, post_loan_form, visible_text
from pypdf import PdfReader
from test_api_loans import request_body
from test_loan_form import form

from app.documents import disposition as disposition_sheet
from app.domain.text_limits import LOAN_REQUEST, STEP
from app.models import LoanRequest, LoanStatus
from app.platform.extensions import db
from app.platform.timeutil import to_local

# Markup that a browser or reportlab would interpret if it were not escaped.
MARKUP = ('<script>alert("x")</script> <b>tebal</b> & <para>paragraf</para> '
          '<font color="red"> <img src=x onerror=alert(1)> O\'Neil &amp; "kutip"')
# Text beyond Latin-1: emoji, right-to-left Arabic, a combining accent.
UNICODE = "Rapat 🎉 مرحبا بكم e\u0301 ✓"
HOSTILE = f"{MARKUP} {UNICODE}"
SHORT = MARKUP[:119].strip()  # for the fields of at most 120 characters
# As long a word as a description may be (2,000 characters without a space).
LONG_WORD = ("Pontianak" * 300)[:LOAN_REQUEST["description"].max_chars]
LONG_NOTE = LONG_WORD[:STEP["note"].max_chars]


def api_token(client, username):
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def shown(response):
    """What a reader sees: the page's text with entities decoded."""
    assert response.status_code == 200, response.status_code
    return html.unescape(visible_text(response))


def assert_escaped(response, text=MARKUP):
    raw = response.get_data(as_text=True)
    assert "<script>alert(" not in raw and "<b>tebal</b>" not in raw
    assert "<img src=x" not in raw and "<para>" not in raw
    assert text in shown(response)


def pdf_text(response):
    """The PDF's text with all whitespace removed (lines wrap anywhere)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    return re.sub(r"\s+", "", " ".join(page.extract_text() for page in reader.pages))


def in_pdf(text, response):
    return re.sub(r"\s+", "", text) in pdf_text(response)


def _submit(borrower, **fields):
    response = post_loan_form(borrower, form(**fields))
    assert response.status_code == 302, visible_text(response)[-600:]
    loan_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return db.session.get(LoanRequest, loan_id)


def _step(client, action, loan, **data):
    response = client.post(f"/loans/step/{action}/{loan.id}", data=data)
    assert response.status_code == 302, visible_text(response)[-600:]


@pytest.fixture
def hostile_loan(app, login_as):
    """A request with hostile text in each field, disposed by the Kabid with a
    hostile instruction and confirmed by the Kasi with a hostile note."""
    borrower = login_as("peminjam1")
    loan = _submit(borrower, title=HOSTILE, subject=HOSTILE, description=HOSTILE,
                   letter_number=SHORT, contact_name=SHORT)
    _step(login_as("kabid"), "dispose", loan, instruction="follow_up",
          nature="biasa", note=HOSTILE)
    return loan


def test_stored_as_typed(hostile_loan):
    db.session.expire_all()
    loan = db.session.get(LoanRequest, hostile_loan.id)
    assert (loan.title, loan.subject, loan.description) == (HOSTILE,) * 3
    assert loan.letter_number == loan.contact_name == SHORT
    assert loan.history[-1].note == HOSTILE


def test_pages_show_it_escaped(app, hostile_loan, login_as):
    kasi = login_as("kasi")
    loan = hostile_loan
    day = to_local(loan.sessions[0].starts_at).date().isoformat()
    for client, path in [
        (login_as("peminjam1"), "/loans/list/"),
        (login_as("peminjam1"), f"/loans/show/{loan.id}"),
        (kasi, "/loans/list/"),
        (kasi, f"/loans/show/{loan.id}"),
        (kasi, f"/loans/step/confirm/{loan.id}"),
        (kasi, "/tasks/"),
        (kasi, "/"),
        (kasi, f"/agenda/?view=week&date={day}"),
        (login_as("peminjam1"), f"/agenda/?view=day&date={day}"),
    ]:
        response = client.get(path)
        assert_escaped(response, MARKUP)
        assert UNICODE in shown(response) or path in ("/tasks/", "/") or \
            path.startswith("/agenda"), path


def test_the_show_page_shows_every_field(hostile_loan, login_as):
    text = shown(login_as("kasi").get(f"/loans/show/{hostile_loan.id}"))
    assert text.count(HOSTILE) >= 3  # title, subject, description (and history)
    assert text.count(SHORT) >= 5  # letter number, contact, and the above


def test_documents_print_it_literally(app, hostile_loan, login_as):
    kasi = login_as("kasi")
    loan = hostile_loan
    disposition = kasi.get(f"/loans/disposition/{loan.id}")
    for text in (MARKUP, "<para>paragraf</para>", "&amp;"):
        assert in_pdf(text, disposition), text

    _step(kasi, "confirm", loan, pledge_checked="y", note=HOSTILE)
    confirmation = login_as("peminjam1").get(f"/loans/confirmation/{loan.id}")
    assert in_pdf(MARKUP, confirmation)

    day = to_local(loan.sessions[0].starts_at).date()
    register = kasi.get("/reports/loan-register/", query_string={
        "start": day.isoformat(), "end": day.isoformat(), "format": "pdf"})
    assert in_pdf(MARKUP[:60], register)

    response = kasi.post(f"/reports/annual/narratives?year={day.year}", data={
        "pendahuluan": HOSTILE, "kendala": MARKUP, "rekomendasi": "<font"})
    assert response.status_code == 302
    annual = kasi.get(f"/reports/annual/download?year={day.year}")
    assert in_pdf(MARKUP, annual) and in_pdf("<font", annual)


def test_a_long_word_breaks_no_page_nor_document(app, login_as):
    borrower = login_as("peminjam1")
    loan = _submit(borrower, title="Rapat kata panjang", description=LONG_WORD)
    kabid = login_as("kabid")
    _step(kabid, "dispose", loan, instruction="follow_up", nature="biasa",
          note=LONG_NOTE)
    assert LONG_WORD in shown(borrower.get(f"/loans/show/{loan.id}"))
    disposition = kabid.get(f"/loans/disposition/{loan.id}")
    # The sheet fits one page: the note is cut short (whole in the system).
    assert in_pdf(LONG_WORD[:disposition_sheet.NOTE_CHARS], disposition)


def test_the_api_returns_it_as_typed(app, hostile_loan):
    client = app.test_client()
    headers = api_token(client, "peminjam1")
    response = client.get(f"/api/v1/loans/{hostile_loan.id}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    result = response.get_json()["result"]
    assert result["title"] == HOSTILE


@pytest.mark.parametrize("field", ["title", "description", "contact_name"])
def test_a_nul_character_is_refused_clearly(app, login_as, field):
    borrower = login_as("peminjam1")
    before = db.session.query(LoanRequest).count()
    response = post_loan_form(borrower, form(**{field: "Rapat\x00Uji"}))
    assert response.status_code == 400
    assert "karakter NUL" in visible_text(response)
    db.session.expire_all()
    assert db.session.query(LoanRequest).count() == before


def test_a_nul_character_in_a_step_note_or_the_api_is_refused(app, login_as):
    loan = db.session.query(LoanRequest).filter_by(
        status=LoanStatus.SUBMITTED).first()
    history = len(loan.history)
    kabid = login_as("kabid")
    response = kabid.post(f"/loans/step/dispose/{loan.id}", data={
        "instruction": "follow_up", "nature": "biasa", "note": "a\x00b"})
    assert response.status_code == 400
    client = app.test_client()
    headers = api_token(client, "peminjam1")
    response = client.put(f"/api/v1/loans/{loan.id}", json={"title": "x\x00y"},
                          headers=headers)
    assert response.status_code == 400
    assert "NUL" in response.get_json()["message"]
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == LoanStatus.SUBMITTED and len(loan.history) == history



def _raw_json(value):
    """JSON text as a client writes it (a surrogate as its escape, \\ud800)."""
    import json

    return json.dumps(value, ensure_ascii=True)


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_half_a_surrogate_pair_in_json_is_refused_clearly(app, content_type):
    """``"x\\ud800"`` is valid JSON but no text a database can store: the
    login, a submission and a step answer 400 with a clear message and
    change nothing (the driver's UnicodeEncodeError was a 500)."""
    client = app.test_client()
    headers = api_token(client, "peminjam1")
    loan = loans_of("peminjam1")[0]
    before = (db.session.query(LoanRequest).count(), loan.status)
    new = request_body(office_day(30))
    for path, body, sent_headers in [
        ("/api/v1/security/login",
         {"username": "peminjam1\ud800", "password": PASSWORD, "provider": "db"}, {}),
        ("/api/v1/loans/", {**new, "title": "Rapat \ud800"}, headers),
        ("/api/v1/loans/", {**new, "catatan\udc00": 1}, headers),
        (f"/api/v1/loans/{loan.id}/cancel", {"reason": "Batal\ud800"}, headers),
    ]:
        if content_type != "application/json" and "security" in path:
            continue  # FAB's login reads JSON bodies only
        response = client.post(path, data=_raw_json(body), content_type=content_type,
                               headers=sent_headers)
        assert response.status_code == 400, (path, response.get_data(as_text=True))
        assert "karakter yang tidak sah" in response.get_json()["message"], path
    db.session.expire_all()
    assert (db.session.query(LoanRequest).count(),
            db.session.get(LoanRequest, loan.id).status) == before


def test_a_nul_character_in_json_of_any_content_type_is_refused(app):
    client = app.test_client()
    before = db.session.query(LoanRequest).count()
    body = request_body(office_day(30), title="Rapat\x00Uji")
    response = client.post("/api/v1/loans/", data=_raw_json(body),
                           content_type="text/plain",
                           headers=api_token(client, "peminjam1"))
    assert response.status_code == 400
    assert "karakter NUL" in response.get_json()["message"]
    assert db.session.query(LoanRequest).count() == before


def test_a_whole_surrogate_pair_is_an_ordinary_character(app):
    """An emoji written as its escaped pair is one character, stored as typed."""
    client = app.test_client()
    body = request_body(office_day(30), title="Rapat \U0001F389")
    assert "\\ud83c\\udf89" in _raw_json(body)
    response = client.post("/api/v1/loans/", data=_raw_json(body),
                           content_type="application/json",
                           headers=api_token(client, "peminjam1"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["result"]["title"] == "Rapat \U0001F389"
