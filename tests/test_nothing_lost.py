"""Nothing typed is lost (issue 17.3): a refused form keeps the chosen PDF
for the retry, tied to the borrower's session and said beside the field; the
letter's limit is stated and checked before sending; a body too large and a
stale CSRF token get the form back, never a bare error page."""
import io
import os
import re

import pytest
from helpers import (
    field_block,
    field_errors,
    loans_of,
    login,
    make_pdf,
    post_loan_form,
    stored_counts,
    visible_text,
)
from test_loan_form import form, upload_files

from app.domain import letters

KEPT_TOKEN = re.compile(r'name="letter_kept" value="([0-9a-f]{32})"')


@pytest.fixture
def borrower(login_as):
    return login_as("peminjam1")


def kept_files(app):
    folder = os.path.join(app.config["UPLOAD_FOLDER"], letters.KEPT_FOLDER)
    return os.listdir(folder) if os.path.isdir(folder) else []


def refused_with_letter(client, letter, name="surat-disdikbud.pdf", **changes):
    response = post_loan_form(client, form(title="", letter=(io.BytesIO(letter), name),
                                           **changes))
    assert response.status_code == 200
    return response


def test_a_refused_form_keeps_the_letter_for_the_retry(app, borrower):
    letter = make_pdf("Surat yang disimpan")
    before = {loan.id for loan in loans_of("peminjam1")}
    response = refused_with_letter(borrower, letter)
    html = response.get_data(as_text=True)
    assert field_errors(html, "title")
    beside = field_block(html, "letter")
    assert "Surat “surat-disdikbud.pdf” yang telah Anda pilih disimpan" in beside
    token, = KEPT_TOKEN.findall(beside)
    assert len(kept_files(app)) == 1

    # Sent again without choosing the file: the kept one is the request's.
    response = post_loan_form(borrower, form(letter=None, letter_kept=token))
    assert response.status_code == 302, field_errors(response.get_data(as_text=True),
                                                     "letter")
    loan, = [loan for loan in loans_of("peminjam1") if loan.id not in before]
    with open(letters.letter_path(loan.letter_file), "rb") as handle:
        assert handle.read() == letter
    assert loan.letter_original_name == "surat-disdikbud.pdf"
    assert kept_files(app) == []  # not kept once used


def test_another_file_chosen_on_the_retry_replaces_the_kept_one(app, borrower):
    token, = KEPT_TOKEN.findall(refused_with_letter(borrower, make_pdf("lama"))
                                .get_data(as_text=True))
    newer = make_pdf("baru")
    before = {loan.id for loan in loans_of("peminjam1")}
    response = post_loan_form(borrower, form(letter=(io.BytesIO(newer), "baru.pdf"),
                                             letter_kept=token))
    assert response.status_code == 302
    loan, = [loan for loan in loans_of("peminjam1") if loan.id not in before]
    with open(letters.letter_path(loan.letter_file), "rb") as handle:
        assert handle.read() == newer


def test_a_bad_letter_is_not_kept(app, borrower):
    response = refused_with_letter(borrower, b"bukan pdf sama sekali")
    html = response.get_data(as_text=True)
    assert field_errors(html, "letter")
    assert not KEPT_TOKEN.findall(html) and kept_files(app) == []


def test_the_kept_letter_is_only_the_sessions_own(app, login_as, client):
    token, = KEPT_TOKEN.findall(refused_with_letter(login_as("peminjam1"), make_pdf())
                                .get_data(as_text=True))
    before, files_before = stored_counts(), upload_files(app)
    # Another borrower naming the token reads nothing of it.
    other = login_as("peminjam2")
    response = post_loan_form(other, form(letter=None, letter_kept=token))
    assert response.status_code == 200
    assert "Lampirkan surat permohonan" in field_errors(response.get_data(as_text=True),
                                                        "letter")
    # Nor does the same borrower in another session.
    again = login(app.test_client(), "peminjam1")
    response = post_loan_form(again, form(letter=None, letter_kept=token))
    assert response.status_code == 200
    assert "Lampirkan surat permohonan" in field_errors(response.get_data(as_text=True),
                                                        "letter")
    assert stored_counts() == before and upload_files(app) == files_before
    assert len(kept_files(app)) == 1  # still there for its own session


def test_the_letter_field_states_and_checks_its_limit(app, borrower, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_MAX_BYTES", 3 * 1024 * 1024)
    html = borrower.get("/loans/add").get_data(as_text=True)
    beside = field_block(html, "letter")
    assert "paling besar 3 MB" in beside
    assert f'data-max-bytes="{3 * 1024 * 1024}"' in beside
    assert 'accept=".pdf,application/pdf"' in beside
    assert "Berkas ini terlalu besar: surat paling besar 3 MB" in beside


def test_a_stale_token_keeps_the_letter_too(app, borrower, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    letter = make_pdf("Surat saat token kedaluwarsa")
    before = stored_counts()
    response = post_loan_form(borrower, form(csrf_token="kedaluwarsa",
                                             letter=(io.BytesIO(letter), "surat.pdf")))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Formulir telah kedaluwarsa" in visible_text(response)
    token, = KEPT_TOKEN.findall(field_block(html, "letter"))
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert fresh and fresh.group(1) != "kedaluwarsa"
    assert stored_counts() == before

    # Sent again with the fresh token: accepted with the kept letter.
    ids = {loan.id for loan in loans_of("peminjam1")}
    response = post_loan_form(borrower, form(letter=None, letter_kept=token,
                                             csrf_token=fresh.group(1)))
    assert response.status_code == 302
    loan, = [loan for loan in loans_of("peminjam1") if loan.id not in ids]
    with open(letters.letter_path(loan.letter_file), "rb") as handle:
        assert handle.read() == letter
