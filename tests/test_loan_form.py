"""The borrower's submission form at /loans/add, as a browser posts it."""
import io
import os
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from flask_babel import gettext
from helpers import (
    field_block,
    field_errors,
    loans_of,
    make_pdf,
    office_day,
    pdf_upload,
    post_loan_form,
    stored_counts,
    visible_text,
    with_changes,
)
from markupsafe import escape

from app.domain import letters, loan_fields
from app.domain.scheduling import rules
from app.models import Equipment, Room
from app.platform.extensions import db

GENERATED_NAME = re.compile(r"^[0-9a-f]{32}\.pdf$")
DAY = office_day(21)


def local(day, hour, minute=0):
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def form(**changes):
    """A complete, valid submission; ``changes`` replace or (None) drop fields."""
    room = db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()
    equipment = db.session.query(Equipment).filter_by(room_id=room.id).order_by(
        Equipment.id).limit(2).all()
    data = {
        "kind": "peminjaman",
        "room": str(room.id),
        "title": "Rapat Evaluasi Program Sekolah Penggerak",
        "description": "Evaluasi semester ganjil bersama kepala sekolah.",
        "participants": "25",
        "equipment_wanted": [str(e.id) for e in equipment],
        "sessions-start": [local(DAY, 9)],
        "sessions-end": [local(DAY, 12)],
        "letter_number": "400.3/123/Disdikbud/2026",
        "letter_date": (DAY - timedelta(days=20)).isoformat(),
        "subject": "Permohonan Peminjaman Ruang Rapat Pontive Center",
        "letter": pdf_upload(),
        "contact_name": "Rina Wulandari",
        "contact_phone": "0812-5555-0101",
        "no_buffet_pledge": "y",
    }
    return with_changes(data, changes)


def upload_files(app):
    """The letters stored (not those kept for a retry, in a folder of their own)."""
    folder = app.config["UPLOAD_FOLDER"]
    return ({entry.name for entry in os.scandir(folder) if entry.is_file()}
            if os.path.isdir(folder) else set())








def message(app, text, **values):
    """``text`` as the user reads it (the app's language)."""
    with app.test_request_context("/"):
        return str(text) if not isinstance(text, str) else gettext(text, **values)


@pytest.fixture
def app(module_app):
    """One app for the module: every test compares before and after, so the
    requests other tests added do not matter."""
    return module_app


@pytest.fixture
def borrower(login_as):
    return login_as("peminjam1")




# ---------------------------------------------------------------- valid input

def test_form_page_has_every_field(borrower):
    response = borrower.get("/loans/add")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    for name in ("kind", "room", "title", "participants", "letter_number", "letter_date",
                 "subject", "letter", "contact_name", "contact_phone",
                 "no_buffet_pledge"):
        assert f'name="{name}"' in html, name
    assert 'type="datetime-local"' in html and 'name="sessions-start"' in html


def test_valid_submission_is_stored(app, borrower):
    before = {loan.id for loan in loans_of("peminjam1")}
    files_before = upload_files(app)
    letter = make_pdf("Surat Disdikbud")

    response = post_loan_form(borrower, form(letter=(io.BytesIO(letter), "surat-disdikbud.pdf")))

    assert response.status_code == 302
    new = [loan for loan in loans_of("peminjam1") if loan.id not in before]
    assert len(new) == 1
    loan = new[0]
    assert response.headers["Location"].endswith(f"/loans/show/{loan.id}")

    assert loan.status == "submitted"
    assert re.fullmatch(r"PC/\d{4}/\d{5}", loan.registration_number)
    assert loan.title == "Rapat Evaluasi Program Sekolah Penggerak"
    assert loan.participants == 25
    assert loan.no_buffet_pledge is True
    assert len(loan.equipment_wanted) == 2

    # 09:00-12:00 WIB (UTC+7) is stored as 02:00-05:00 UTC.
    assert [(s.starts_at, s.ends_at) for s in loan.sessions] == [(
        datetime.combine(DAY, time(2, 0), tzinfo=timezone.utc),
        datetime.combine(DAY, time(5, 0), tzinfo=timezone.utc),
    )]
    assert [(h.action, h.from_status, h.to_status) for h in loan.history] == [
        ("submit", None, "submitted")]

    assert GENERATED_NAME.match(loan.letter_file)
    assert upload_files(app) - files_before == {loan.letter_file}
    with open(os.path.join(app.config["UPLOAD_FOLDER"], loan.letter_file), "rb") as f:
        assert f.read() == letter
    assert loan.letter_original_name == "surat-disdikbud.pdf"

    page = borrower.get(response.headers["Location"])
    assert page.status_code == 200
    text = visible_text(page)
    assert loan.registration_number in text
    assert "09.00" in text and "WIB" in text  # shown back in local time


def test_several_sessions(borrower):
    next_day = DAY + timedelta(days=1)
    while next_day.weekday() >= 5:
        next_day += timedelta(days=1)
    before = {loan.id for loan in loans_of("peminjam1")}
    response = post_loan_form(borrower, form(**{
        "sessions-start": [local(next_day, 8), local(DAY, 9, 30)],
        "sessions-end": [local(next_day, 15), local(DAY, 15, 30)],
    }))
    assert response.status_code == 302
    loan = next(loan for loan in loans_of("peminjam1") if loan.id not in before)
    starts = [s.starts_at for s in loan.sessions]
    assert starts == sorted(starts) and len(starts) == 2
    assert starts[0] == datetime.combine(DAY, time(2, 30), tzinfo=timezone.utc)


# ---------------------------------------------------------------- invalid input

INVALID = {
    "no title": ({"title": ""}, "title"),
    "blank title": ({"title": "   "}, "title"),
    "no subject": ({"subject": ""}, "subject"),
    "no letter number": ({"letter_number": ""}, "letter_number"),
    "no letter date": ({"letter_date": ""}, "letter_date"),
    "bad letter date": ({"letter_date": "31-02-2026"}, "letter_date"),
    "no contact name": ({"contact_name": ""}, "contact_name"),
    "no contact phone": ({"contact_phone": ""}, "contact_phone"),
    "no room": ({"room": ""}, "room"),
    "unknown kind": ({"kind": "pesta"}, "kind"),
    "participants 0": ({"participants": "0"}, "participants"),
    "participants -3": ({"participants": "-3"}, "participants"),
    "participants abc": ({"participants": "abc"}, "participants"),
    "participants empty": ({"participants": ""}, "participants"),
    "no pledge": ({"no_buffet_pledge": None}, "no_buffet_pledge"),
    "no letter": ({"letter": None}, "letter"),
    "no session": ({"sessions-start": None, "sessions-end": None}, "sessions"),
    "empty session row": ({"sessions-start": [""], "sessions-end": [""]}, "sessions"),
    "end before start": ({"sessions-start": [local(DAY, 12)],
                          "sessions-end": [local(DAY, 9)]}, "sessions"),
    "end equals start": ({"sessions-start": [local(DAY, 9)],
                          "sessions-end": [local(DAY, 9)]}, "sessions"),
    "start only": ({"sessions-start": [local(DAY, 9)], "sessions-end": [""]},
                   "sessions"),
    "not a time": ({"sessions-start": ["besok pagi"], "sessions-end": [local(DAY, 9)]},
                   "sessions"),
    "before the calendar": ({"sessions-start": ["0001-01-01T00:00"],
                             "sessions-end": ["0001-01-01T01:00"]}, "sessions"),
    "participants overflow": ({"participants": "99999999999999999999"},
                              "participants"),
    "participants beyond any room": ({"participants": "10001"}, "participants"),
    "title too long": ({"title": "x" * 256}, "title"),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_input_is_shown_inline_and_kept(app, borrower, case):
    changes, field = INVALID[case]
    before, files_before = stored_counts(), upload_files(app)

    response = post_loan_form(borrower, form(**changes))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_errors(html, field).strip(), f"no error shown at {field}"
    assert stored_counts() == before
    assert upload_files(app) == files_before
    # What the borrower typed is still there.
    if field != "title":
        assert 'value="Rapat Evaluasi Program Sekolah Penggerak"' in field_block(
            html, "title")
    if field != "contact_phone":
        assert 'value="0812-5555-0101"' in field_block(html, "contact_phone")
    if field != "sessions":
        assert f'value="{local(DAY, 9)}"' in field_block(html, "sessions")


def test_empty_form_shows_every_missing_field(app, borrower):
    before, files_before = stored_counts(), upload_files(app)
    response = borrower.post("/loans/add", data={}, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for field in ("title", "participants", "sessions", "letter_number", "subject",
                  "letter", "contact_name", "contact_phone", "no_buffet_pledge"):
        assert field_errors(html, field).strip(), f"no error shown at {field}"
    assert stored_counts() == before and upload_files(app) == files_before


def test_room_that_cannot_be_booked_is_refused(app, borrower):
    closed = Room(name="Ruang Tutup (uji)", capacity=10, is_active=False)
    db.session.add(closed)
    db.session.commit()
    page = borrower.get("/loans/add").get_data(as_text=True)
    assert "Ruang Tutup (uji)" not in field_block(page, "room")

    before = stored_counts()
    response = post_loan_form(borrower, form(room=str(closed.id)))
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True), "room").strip()
    assert stored_counts() == before


def test_invalid_messages_are_the_rules_messages(app, borrower):
    """The inline texts are the domain rules' own (translated) messages."""
    cases = [
        ({"participants": "-3"}, "participants",
         loan_fields.participants_error(-3)),
        ({"no_buffet_pledge": None}, "no_buffet_pledge", loan_fields.pledge_error(False)),
        ({"sessions-start": [local(DAY, 12)], "sessions-end": [local(DAY, 9)]},
         "sessions", rules.session_error(
             datetime.combine(DAY, time(12)), datetime.combine(DAY, time(9)))),
    ]
    for changes, field, text in cases:
        html = post_loan_form(borrower, form(**changes)).get_data(as_text=True)
        expected = message(app, text)
        assert str(escape(expected)) in field_errors(html, field), (field, expected)


# ---------------------------------------------------------------- the letter

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


def truncated_pdf():
    data = make_pdf()
    return data[: len(data) // 3]


BAD_LETTERS = {
    "png named .pdf": lambda: PNG,
    "text named .pdf": lambda: "Ini surat, sungguh.\n".encode() * 20,
    "html named .pdf": lambda: b"<html><body>%PDF-1.4</body></html>",
    "truncated pdf": truncated_pdf,
    "pdf header only": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "pdf garbage": lambda: b"%PDF-1.4\n" + os.urandom(2048),
    "empty file": lambda: b"",
}


@pytest.mark.parametrize("case", BAD_LETTERS)
def test_bad_letter_is_refused(app, borrower, case):
    before, files_before = stored_counts(), upload_files(app)
    response = post_loan_form(borrower, form(letter=(io.BytesIO(BAD_LETTERS[case]()), "surat.pdf")))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_errors(html, "letter").strip(), "no message at the letter field"
    assert stored_counts() == before
    assert upload_files(app) == files_before
    assert 'value="Rapat Evaluasi Program Sekolah Penggerak"' in html


def test_letter_size_limit(app, borrower, monkeypatch):
    letter = make_pdf()
    before, files_before = stored_counts(), upload_files(app)
    monkeypatch.setitem(app.config, "LETTER_MAX_BYTES", len(letter) - 1)

    response = post_loan_form(borrower, form(letter=(io.BytesIO(letter), "surat.pdf")))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with app.test_request_context("/"):
        expected = str(letters.letter_error(letter))
    assert str(escape(expected)) in field_errors(html, "letter")
    assert stored_counts() == before and upload_files(app) == files_before

    # Exactly at the limit is accepted.
    monkeypatch.setitem(app.config, "LETTER_MAX_BYTES", len(letter))
    response = post_loan_form(borrower, form(letter=(io.BytesIO(letter), "surat.pdf")))
    assert response.status_code == 302
    assert stored_counts()[0] == before[0] + 1


def test_hostile_file_name_is_not_used(app, borrower, tmp_path):
    files_before = upload_files(app)
    before = {loan.id for loan in loans_of("peminjam1")}
    response = post_loan_form(borrower, form(letter=(io.BytesIO(make_pdf()), "../../etc/passwd.pdf")))
    assert response.status_code == 302
    loan = next(loan for loan in loans_of("peminjam1") if loan.id not in before)
    assert GENERATED_NAME.match(loan.letter_file)
    assert upload_files(app) - files_before == {loan.letter_file}
    upload_folder = app.config["UPLOAD_FOLDER"]
    for place in (os.path.join(upload_folder, "..", "..", "etc", "passwd.pdf"),
                  os.path.join(upload_folder, "..", "etc", "passwd.pdf"),
                  tmp_path / "etc" / "passwd.pdf"):
        assert not os.path.exists(place)
    download = borrower.get(f"/loans/letter/{loan.id}")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert "passwd" not in disposition and ".." not in disposition


@pytest.mark.parametrize("csrf", [False, True], ids=["tests", "csrf-on-as-in-production"])
def test_oversized_request_body_gets_the_form_back_with_the_limit(app, borrower,
                                                                  monkeypatch, csrf):
    """Nothing of such a body can be read: the form comes back (never the
    bare 413 page) with the letter's limit at its field (test_nothing_lost.py
    has the rest)."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    # With CSRF on (production), the token check is what reads the body first.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", csrf)
    before, files_before = stored_counts(), upload_files(app)
    big = make_pdf() + b"%" + b"x" * (128 * 1024)
    response = post_loan_form(borrower, form(letter=(io.BytesIO(big), "surat.pdf")))

    assert response.status_code == 413
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'name="title"' in html and 'name="sessions-start"' in html
    with app.test_request_context("/"):
        expected = str(letters.too_large())
    assert str(escape(expected)) in field_errors(html, "letter")
    assert "Traceback" not in html and "werkzeug" not in html.lower()
    assert "Request Entity Too Large" not in html
    assert stored_counts() == before and upload_files(app) == files_before


def test_staff_posting_too_much_get_the_friendly_413_page(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    big = make_pdf() + b"%" + b"x" * (128 * 1024)
    response = post_loan_form(login_as("kasi"), form(letter=(io.BytesIO(big), "s.pdf")))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    with app.test_request_context("/"):
        title = gettext("File too large")
    assert str(escape(title)) in html and 'name="title"' not in html


# ---------------------------------------------------------------- who may submit

@pytest.mark.parametrize("username", ["kasi", "kabid", "adminpc", "admin"])
def test_only_borrowers_submit(app, login_as, username):
    client = login_as(username)
    before, files_before = stored_counts(), upload_files(app)
    assert client.get("/loans/add").status_code == 403
    assert post_loan_form(client, form()).status_code == 403
    assert stored_counts() == before and upload_files(app) == files_before


def test_second_borrower_submits_for_own_account(login_as):
    client = login_as("peminjam2")
    before = {loan.id for loan in loans_of("peminjam2")}
    others = len(loans_of("peminjam1"))
    assert post_loan_form(client, form(title="Seminar Data Kota")).status_code == 302
    new = [loan for loan in loans_of("peminjam2") if loan.id not in before]
    assert [loan.title for loan in new] == ["Seminar Data Kota"]
    assert len(loans_of("peminjam1")) == others


def test_expired_form_token_gets_the_form_back_with_its_input(app, borrower,
                                                             monkeypatch):
    """With CSRF on (as in production), a form whose token is missing or
    expired comes back with what was typed and a fresh token, and nothing is
    stored."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before, files_before = stored_counts(), upload_files(app)
    response = post_loan_form(borrower, form(csrf_token="kedaluwarsa"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Formulir telah kedaluwarsa" in visible_text(response)
    assert 'value="Rapat Evaluasi Program Sekolah Penggerak"' in field_block(html, "title")
    assert f'value="{local(DAY, 9)}"' in field_block(html, "sessions")
    assert "Traceback" not in html and "CSRF" not in html
    assert stored_counts() == before and upload_files(app) == files_before
