"""The Lembar Disposisi and the Surat Konfirmasi Peminjaman of one request,
and the public page that checks a confirmation letter.

Each PDF is downloaded as a user would and read back with pypdf.
"""
import io
import re

import pytest
from flask_babel import force_locale
from helpers import loans_of, submit_loan, take, user, visible_text
from pypdf import PdfReader

from app.documents import confirmation
from app.models import (
    DispositionInstruction,
    DispositionNature,
    LoanConfirmation,
    LoanRequest,
    LoanStatus,
)
from app.platform.extensions import db
from app.platform.formatting import format_datetime, format_session

TITLE = "Rapat Rahasia Perencanaan Uji"


def pdf_text(response):
    """The PDF's text on one line (what a reader library finds)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.get_data()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def ticked(text, label):
    """Whether the box before ``label`` holds the X."""
    return re.search(rf"X\s*{re.escape(label)}", text) is not None


def indonesian(format_function, *values):
    with force_locale("id"):
        return format_function(*values)


def confirmed_loan(days_ahead=30, **dispose):
    """A request of peminjam1, disposed (urgent, "Koordinasikan") and confirmed."""
    loan = submit_loan("peminjam1", title=TITLE, days_ahead=days_ahead)
    take(loan, "dispose", **{"instruction": DispositionInstruction.COORDINATE,
                             "nature": DispositionNature.URGENT,
                             "note": "Harap dikoordinasikan hari ini.", **dispose})
    take(loan, "confirm", note="Jadwal sudah dipastikan.")
    db.session.commit()
    return loan


def loan_session(loan):
    session = loan.sessions[0]
    return session.starts_at, session.ends_at


def issued(loan_id):
    return db.session.query(LoanConfirmation).filter_by(loan_id=loan_id).all()


# ---------------------------------------------------------------- Lembar Disposisi

def test_disposition_sheet_shows_the_chain(app, login_as):
    loan = confirmed_loan()
    dispose, confirm = loan.history[1], loan.history[2]
    text = pdf_text(login_as("kasi").get(f"/loans/disposition/{loan.id}"))

    assert "LEMBAR DISPOSISI" in text
    assert "Halaman 1 dari 1" in text
    for value in (loan.institution.name, loan.letter_number, loan.subject,
                  loan.registration_number, TITLE,
                  indonesian(format_datetime, loan.created_at),
                  indonesian(format_session, *loan_session(loan))):
        assert value in text, value
    # The nature and the instruction: the chosen box ticked, the others not.
    assert ticked(text, "Segera")
    assert not ticked(text, "Biasa") and not ticked(text, "Sangat segera")
    assert ticked(text, "Koordinasikan")
    assert not any(ticked(text, label) for label in (
        "Tindak lanjuti", "Untuk diketahui", "Proses sesuai ketentuan"))
    assert "Catatan: Harap dikoordinasikan hari ini." in text
    # Who disposed to whom, and when (WIB).
    kabid, kasi = user("kabid").get_full_name(), user("kasi").get_full_name()
    assert re.search(rf"Kabid TKPBET {kabid} Kasi PK & AI", text), text
    assert re.search(rf"Kasi PK & AI {kasi} Admin Pontive Center", text), text
    assert indonesian(format_datetime, dispose.created_at) in text
    assert indonesian(format_datetime, confirm.created_at) in text
    assert "Konfirmasi (Dikonfirmasi) Jadwal sudah dipastikan." in text
    assert "Paraf" in text


def test_undisposed_request_gets_a_sheet_to_fill_in(app, login_as):
    loan = submit_loan("peminjam1", title=TITLE)
    text = pdf_text(login_as("kabid").get(f"/loans/disposition/{loan.id}"))
    assert "LEMBAR DISPOSISI" in text and loan.registration_number in text
    # Every box empty, the presets ready to tick by hand.
    assert not re.search(r"X\s*[A-Z]", text.split("Sifat", 1)[1])
    for label in ("Biasa", "Segera", "Tindak lanjuti", "Koordinasikan", "Catatan:"):
        assert label in text


def test_documents_are_indonesian_whatever_the_ui_language(app, login_as):
    loan = confirmed_loan()
    client = login_as("peminjam1")
    client.get("/lang/en")
    sheet = pdf_text(client.get(f"/loans/disposition/{loan.id}"))
    letter = pdf_text(client.get(f"/loans/confirmation/{loan.id}"))
    assert "LEMBAR DISPOSISI" in sheet and "Tindak lanjuti" in sheet
    assert "Hal : Konfirmasi Peminjaman Ruang Rapat Pontive Center" in letter
    for english in ("DISPOSITION", "Forwarded", "Following up", "Verification"):
        assert english not in sheet + letter


# ---------------------------------------------------------------- the confirmation

def test_confirmation_letter(app, login_as):
    loan = confirmed_loan()
    client = login_as("peminjam1")
    text = pdf_text(client.get(f"/loans/confirmation/{loan.id}"))

    [row] = issued(loan.id)
    assert len(row.code) >= 32 and confirmation.CODE_PATTERN.fullmatch(row.code)
    assert f"Nomor : KONF/{loan.registration_number}" in text
    assert f"Yth. Pimpinan {loan.institution.name}" in text
    assert indonesian(format_session, *loan_session(loan)) in text
    assert "Jumlah peserta : 10 orang" in text
    assert f"Kegiatan : {TITLE}" in text
    assert "tidak menyajikan makanan prasmanan" in text
    assert "segera melaporkan setiap kerusakan" in text
    assert "mengikuti arahan petugas Pontive Center" in text
    assert "Kepala Seksi Pengembangan Kebijakan dan Aplikasi Informatika" in text
    # The code, and the page the QR code links to (printed under it).
    assert row.code in text
    assert f"http://localhost:5000/verify/{row.code}" in text  # APP_BASE_URL

    # Downloading again prints the same letter: one code per loan.
    again = pdf_text(login_as("kasi").get(f"/loans/confirmation/{loan.id}"))
    assert [r.code for r in issued(loan.id)] == [row.code]
    assert row.code in again


def test_codes_are_random_and_long(app):
    first, second = confirmed_loan(days_ahead=30), confirmed_loan(days_ahead=37)
    codes = {confirmation.issue(first).code, confirmation.issue(second).code}
    assert len(codes) == 2
    assert all(len(code) == 32 for code in codes)


def test_two_first_downloads_at_once_keep_one_code(app, monkeypatch):
    """Another download issued the letter between the look-up and the insert:
    the insert fails on the unique loan, and that other code stands."""
    loan = confirmed_loan()
    first = confirmation.issue(loan)
    real, calls = confirmation._issued, []

    def stale_first(loan_id):  # the first look-up still finds nothing
        calls.append(loan_id)
        return None if len(calls) == 1 else real(loan_id)

    monkeypatch.setattr(confirmation, "_issued", stale_first)
    second = confirmation.issue(db.session.get(LoanRequest, loan.id))
    assert second.code == first.code
    assert [row.code for row in issued(loan.id)] == [first.code]


def test_letter_outside_a_request_links_to_app_base_url(app):
    loan = confirmed_loan()
    app.config["APP_BASE_URL"] = "https://pontive.pontianak.go.id"
    letter = confirmation.letter(loan)
    assert letter.verify_url == f"https://pontive.pontianak.go.id/verify/{letter.code}"
    app.config["APP_BASE_URL"] = "https://example.go.id/pontive/"
    assert confirmation.verify_url("abc") == "https://example.go.id/pontive/verify/abc"
    text = " ".join(" ".join(
        page.extract_text() for page in PdfReader(
            io.BytesIO(confirmation.render(letter))).pages).split())
    assert letter.verify_url in text


def test_confirmation_before_confirmed_is_refused_with_a_message(app, login_as):
    loan = submit_loan("peminjam1", title=TITLE)
    client = login_as("peminjam1")
    show = client.get(f"/loans/show/{loan.id}")
    assert "Lembar Disposisi (PDF)" in visible_text(show)
    assert "Surat Konfirmasi (PDF)" not in visible_text(show)

    response = client.get(f"/loans/confirmation/{loan.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/loans/show/{loan.id}")
    page = visible_text(client.get(response.headers["Location"]))
    assert ("Surat konfirmasi tersedia setelah permohonan dikonfirmasi; status "
            "permohonan saat ini Diajukan.") in page
    assert issued(loan.id) == []


def test_confirmed_request_page_offers_both(app, login_as):
    loan = confirmed_loan()
    page = login_as("peminjam1").get(f"/loans/show/{loan.id}").get_data(as_text=True)
    assert f'href="/loans/disposition/{loan.id}"' in page
    assert f'href="/loans/confirmation/{loan.id}"' in page


# ---------------------------------------------------------------- who may download

@pytest.mark.parametrize("username", ["admin", "kabid", "kasi", "adminpc"])
def test_staff_download_both_for_any_request(app, login_as, username):
    loan = next(loan for loan in loans_of("peminjam2")
                if loan.status == LoanStatus.COMPLETED)
    client = login_as(username)
    assert loan.registration_number in pdf_text(
        client.get(f"/loans/disposition/{loan.id}"))
    assert loan.registration_number in pdf_text(
        client.get(f"/loans/confirmation/{loan.id}"))


def test_borrower_gets_only_their_own(app, login_as):
    loan = confirmed_loan()
    intruder = login_as("peminjam2")
    for kind in ("disposition", "confirmation"):
        response = intruder.get(f"/loans/{kind}/{loan.id}")
        assert response.status_code == 404
        assert not response.get_data().startswith(b"%PDF-")
        assert TITLE not in response.get_data(as_text=True)
    assert issued(loan.id) == []
    owner = login_as("peminjam1")
    assert TITLE in pdf_text(owner.get(f"/loans/disposition/{loan.id}"))
    assert TITLE in pdf_text(owner.get(f"/loans/confirmation/{loan.id}"))


def test_anonymous_is_sent_to_login(app, client):
    loan = confirmed_loan()
    for kind in ("disposition", "confirmation"):
        response = client.get(f"/loans/{kind}/{loan.id}")
        assert response.status_code == 302
        assert "/login/" in response.headers["Location"]
    assert issued(loan.id) == []


# ---------------------------------------------------------------- /verify/<code>

def test_verify_page_shows_only_that_the_letter_is_genuine(app, login_as, client):
    loan = confirmed_loan()
    login_as("peminjam1").get(f"/loans/confirmation/{loan.id}")
    [row] = issued(loan.id)

    response = client.get(f"/verify/{row.code}")  # anonymous
    assert response.status_code == 200
    text = visible_text(response)
    assert "Asli." in text and "berlaku" in text and "tidak berlaku" not in text
    assert f"KONF/{loan.registration_number}" in text
    assert loan.institution.name in text
    assert loan.room.name in text
    assert indonesian(format_session, *loan_session(loan)) in text
    borrower = user("peminjam1")
    for private in (borrower.get_full_name(), borrower.first_name, borrower.email,
                    loan.contact_name, loan.contact_phone, TITLE, loan.letter_number,
                    loan.subject, "Dikonfirmasi"):
        assert private not in text, private


def test_cancelled_request_letter_is_no_longer_valid(app, login_as, client):
    loan = confirmed_loan()
    owner = login_as("peminjam1")
    owner.get(f"/loans/confirmation/{loan.id}")
    [row] = issued(loan.id)
    take(db.session.get(LoanRequest, loan.id), "cancel", "peminjam1",
         reason="Acara ditunda.")
    db.session.commit()

    text = visible_text(client.get(f"/verify/{row.code}"))
    assert "Asli, tetapi tidak berlaku lagi." in text
    assert "Dibatalkan" in text
    assert "Acara ditunda." not in text
    # The borrower can no longer download it either.
    response = owner.get(f"/loans/confirmation/{loan.id}")
    assert response.status_code == 302
    assert "status permohonan saat ini Dibatalkan" in visible_text(
        owner.get(response.headers["Location"]))


@pytest.mark.parametrize("code", [
    "tidakAdaKodeSepertiIni_0123456789abcdef",  # the shape of a code, never issued
    "x", "a" * 1000, "%00", '"><img src=x onerror=alert(1)>',
])
def test_unknown_code_is_not_genuine(app, client, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    text = visible_text(response)
    assert "Surat tidak ditemukan" in text and "Tidak asli." in text
    assert "<img" not in response.get_data(as_text=True)
