"""The Lembar Disposisi and the Surat Konfirmasi Peminjaman of one request,
and the public page that checks a confirmation letter.

Each PDF is downloaded as a user would and read back with pypdf. The sheet is
internal (staff only); the letter is the borrower's.
"""
import io
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from flask_babel import force_locale
from helpers import (
    api_token,
    loans_of,
    national_holidays,
    office_day,
    office_days,
    submit_loan,
    take,
    user,
    visible_text,
)
from pypdf import PdfReader

import config
from app.documents import confirmation
from app.domain import yearly_numbers
from app.domain.text_limits import STEP
from app.models import (
    DispositionInstruction,
    DispositionNature,
    LoanConfirmation,
    LoanRequest,
    LoanStatus,
    YearlyCounter,
)
from app.platform.extensions import db
from app.platform.formatting import (
    format_date,
    format_datetime,
    format_letter_date,
    format_session,
)
from app.platform.timeutil import from_local, utcnow

TITLE = "Rapat Rahasia Perencanaan Uji"
WIB = timezone(timedelta(hours=7))


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

def test_disposition_sheet_shows_the_dispositions(app, login_as):
    loan = confirmed_loan()
    dispose = loan.history[1]
    text = pdf_text(login_as("kasi").get(f"/loans/disposition/{loan.id}"))

    assert "LEMBAR DISPOSISI" in text
    assert "Halaman" not in text  # one page, always: no page number
    for value in (loan.institution.name, loan.letter_number, loan.subject,
                  loan.registration_number, TITLE,
                  indonesian(format_datetime, loan.created_at),
                  indonesian(format_session, *loan_session(loan))):
        assert value in text, value
    # The nature: the standard sheet's four, the chosen one ticked.
    assert re.search(r"Sifat\s+Sangat segera\s+X\s*Segera\s+Rahasia\s+Biasa", text)
    # "Dengan hormat harap": the standard presets, the Kabid's choice ticked.
    assert "Dengan hormat harap" in text
    assert ticked(text, "Koordinasi/konfirmasikan")
    for preset in ("Tanggapan dan saran", "Proses lebih lanjut", "Untuk diketahui",
                   "Proses sesuai ketentuan", "Arsip"):
        assert preset in text and not ticked(text, preset), preset
    # Who disposed to whom ("Kepada"), when (WIB), and the note.
    kabid = user("kabid").get_full_name()
    assert re.search(r"No Tanggal dan pukul Dari Kepada Dengan hormat harap Catatan "
                     r"Paraf 1 ", text), text
    assert re.search(rf"Kabid TKPBET {kabid} Kasi PK & AI", text), text
    assert indonesian(format_datetime, dispose.created_at) in text
    assert "Harap dikoordinasikan hari ini." in text
    # Confirming is the request's history, not a disposition.
    assert "Jadwal sudah dipastikan." not in text
    assert "Konfirmasi" not in text and "Dikonfirmasi" not in text
    assert "Paraf" in text


def test_a_confidential_disposition_is_ticked_rahasia(app, login_as):
    loan = confirmed_loan(nature=DispositionNature.CONFIDENTIAL)
    text = pdf_text(login_as("kabid").get(f"/loans/disposition/{loan.id}"))
    assert ticked(text, "Rahasia")
    assert not any(ticked(text, label) for label in ("Segera", "Biasa"))


def test_undisposed_request_gets_a_sheet_to_fill_in(app, login_as):
    loan = submit_loan("peminjam1", title=TITLE)
    text = pdf_text(login_as("kabid").get(f"/loans/disposition/{loan.id}"))
    assert "LEMBAR DISPOSISI" in text and loan.registration_number in text
    # Every box empty, the presets ready to tick by hand (in each blank row).
    assert not re.search(r"X\s*[A-Z]", text.split("Sifat", 1)[1])
    for label in ("Biasa", "Segera", "Rahasia", "Tanggapan dan saran", "Arsip"):
        assert label in text
    assert text.count("Koordinasi/konfirmasikan") == 2


def test_a_reschedule_shows_the_proposed_time(app, login_as):
    loan = submit_loan("peminjam1", title=TITLE, days_ahead=30)
    take(loan, "dispose")
    proposed = office_day(37)
    start = from_local(datetime.combine(proposed, time(13, 0)))
    end = from_local(datetime.combine(proposed, time(15, 30)))
    take(loan, "propose_reschedule", sessions=[(start, end)])
    db.session.commit()
    text = pdf_text(login_as("kasi").get(f"/loans/disposition/{loan.id}"))
    assert f"Usulan jadwal lain {indonesian(format_session, start, end)}" in text
    assert (f"(menunggu jawaban peminjam sampai "
            f"{indonesian(format_datetime, loan.hold_expires_at)})") in text
    assert indonesian(format_session, *loan_session(loan)) in text  # the schedule too
    assert "Usulkan jadwal lain" not in text  # the step itself is history


def test_the_sheet_fits_one_page_whatever_it_holds(app, login_as):
    """The most sessions a request may have, long names, a very long note:
    still one page; the sessions summarised, the note cut short."""
    days = office_days(30, config.BOOKING_MAX_SESSIONS)
    sessions = [(from_local(datetime.combine(day, time(8, 0))),
                 from_local(datetime.combine(day, time(15, 30)))) for day in days]
    loan = submit_loan("peminjam1", title="Pelatihan " + "Sangat Panjang " * 7,
                       sessions=sessions)
    loan.institution.name = "Lembaga Penjaminan Mutu Pendidikan " * 5
    note = ("Catatan panjang. " * 100)[:STEP["note"].max_chars]  # the longest allowed
    take(loan, "dispose", note=note)
    db.session.commit()
    response = login_as("kabid").get(f"/loans/disposition/{loan.id}")
    assert len(PdfReader(io.BytesIO(response.get_data())).pages) == 1
    text = pdf_text(response)
    first, last = sessions[0], sessions[-1]
    assert (f"{config.BOOKING_MAX_SESSIONS} sesi, dari "
            f"{indonesian(format_session, *first)} sampai dengan "
            f"{indonesian(format_session, *last)}") in text
    assert "… (selengkapnya di sistem peminjaman)" in text
    assert text.count("Catatan panjang.") < note.count("Catatan panjang.")


def test_configured_presets_are_printed(app, login_as):
    """The office's own presets, one only to tick by hand; a choice that is
    none of them is added, ticked."""
    app.config["DISPOSITION_PRESETS"] = ["response=Mohon tanggapan",
                                         "Hadiri dan laporkan"]
    loan = confirmed_loan(instruction=DispositionInstruction.FOR_INFORMATION)
    text = pdf_text(login_as("kabid").get(f"/loans/disposition/{loan.id}"))
    assert "Mohon tanggapan" in text and "Hadiri dan laporkan" in text
    assert ticked(text, "Untuk diketahui")
    assert "Arsip" not in text and "Proses lebih lanjut" not in text


def test_documents_are_indonesian_whatever_the_ui_language(app, login_as):
    loan = confirmed_loan()
    sheet = pdf_text(login_as_english(login_as("kasi")).get(
        f"/loans/disposition/{loan.id}"))
    letter = pdf_text(login_as_english(login_as("peminjam1")).get(
        f"/loans/confirmation/{loan.id}"))
    assert "LEMBAR DISPOSISI" in sheet and "Dengan hormat harap" in sheet
    assert "Hal : Konfirmasi Peminjaman Ruang Rapat Pontive Center" in letter
    for english in ("DISPOSITION", "With respect", "Following up", "Verification",
                    "Copies"):
        assert english not in sheet + letter


def login_as_english(client):
    client.get("/lang/en")
    return client


# ---------------------------------------------------------------- the confirmation

OFFICE = {"CONFIRMATION_CLASSIFICATION": "000.5.3", "CONFIRMATION_UNIT": "PK-AI",
          "CONFIRMATION_COPIES": ["Kepala Dinas Komunikasi dan Informatika",
                                  "Kepala Bidang TKPBET"]}
KASI = {"position": "Kepala Seksi Pengembangan Kebijakan dan Aplikasi Informatika",
        "name": "Rina Kartika, S.Kom.", "rank": "Penata Tingkat I (III/d)",
        "nip": "198001012005012003"}


def test_confirmation_letter(app, login_as):
    app.config.update(OFFICE)
    app.config["DOCUMENT_SIGNATORIES"] = {**app.config["DOCUMENT_SIGNATORIES"],
                                          "kasi": KASI}
    loan = confirmed_loan()
    client = login_as("peminjam1")
    response = client.get(f"/loans/confirmation/{loan.id}")
    text = pdf_text(response)

    [row] = issued(loan.id)
    assert len(row.code) >= 32 and confirmation.CODE_PATTERN.fullmatch(row.code)
    # klasifikasi/nomor urut/unit/tahun: the year's first letter.
    year = loan.history[-1].created_at.astimezone(WIB).year
    assert (row.year, row.serial) == (year, 1)
    assert f"Nomor : 000.5.3/1/PK-AI/{year} Sifat : Biasa Lampiran : – Hal :" in text
    assert f"Yth. Pimpinan {loan.institution.name}" in text
    assert indonesian(format_session, *loan_session(loan)) in text
    assert "Jumlah peserta : 10 orang" in text
    assert f"Kegiatan : {TITLE}" in text
    assert "tidak menyajikan makanan prasmanan" in text
    assert "segera melaporkan setiap kerusakan" in text
    assert "mengikuti arahan petugas Pontive Center" in text
    # Signed by the Kasi for the head of the Dinas, through the Kabid.
    assert ("a.n. Kepala Dinas Komunikasi dan Informatika Kepala Bidang Tata Kelola "
            "Pemerintahan Berbasis Elektronik dan Telematika u.b. Kepala Seksi "
            "Pengembangan Kebijakan dan Aplikasi Informatika, Rina Kartika, S.Kom. "
            "Penata Tingkat I (III/d) NIP. 19800101 200501 2 003") in text
    assert ("Tembusan: 1. Kepala Dinas Komunikasi dan Informatika "
            "2. Kepala Bidang TKPBET") in text
    # One page: no page number, no printing time.
    assert len(PdfReader(io.BytesIO(response.get_data())).pages) == 1
    assert "Halaman" not in text and "Dicetak" not in text
    # The code, and the page the QR code links to (printed under it).
    assert row.code in text
    assert f"http://localhost:5000/verify/{row.code}" in text  # APP_BASE_URL

    # Downloading again prints the same letter: one code per loan.
    again = pdf_text(login_as("kasi").get(f"/loans/confirmation/{loan.id}"))
    assert [r.code for r in issued(loan.id)] == [row.code]
    assert row.code in again and f"000.5.3/1/PK-AI/{year}" in again


def test_unset_office_values_print_as_dotted_lines(app, login_as):
    loan = confirmed_loan()
    text = pdf_text(login_as("kasi").get(f"/loans/confirmation/{loan.id}"))
    year = issued(loan.id)[0].year
    assert f"Nomor : ....../1/....../{year}" in text
    # Name, pangkat/golongan and NIP of the Kasi; one copy to fill in.
    assert ("Informatika, ................................ "
            "................................ NIP. ................................") \
        in text
    assert "Tembusan: ................................" in text


def test_no_copies_when_the_office_says_none(app, login_as):
    app.config["CONFIRMATION_COPIES"] = []
    loan = confirmed_loan()
    assert "Tembusan" not in pdf_text(login_as("kasi").get(
        f"/loans/confirmation/{loan.id}"))


def test_the_letter_is_dated_the_day_of_confirmation(app, login_as):
    """Confirmed days ago, downloaded today: the letter carries the day it
    was confirmed, on every download."""
    now = utcnow()
    submitted = now - timedelta(days=6)
    loan = submit_loan("peminjam1", title=TITLE, days_ahead=30, now=submitted)
    take(loan, "dispose", now=submitted + timedelta(hours=1))
    confirmed_at = submitted + timedelta(days=1)
    take(loan, "confirm", now=confirmed_at)
    db.session.commit()
    text = pdf_text(login_as("peminjam1").get(f"/loans/confirmation/{loan.id}"))
    dated = confirmed_at.astimezone(WIB).date()
    assert f"Pontianak, {indonesian(format_letter_date, dated)}" in text
    assert indonesian(format_letter_date, now) not in text.split("Nomor", 1)[0]
    assert issued(loan.id)[0].dated == dated


def test_letters_are_numbered_in_their_year(app, login_as):
    first, second = confirmed_loan(days_ahead=30), confirmed_loan(days_ahead=37)
    for loan in (second, first):  # downloaded in this order: numbered so
        login_as("peminjam1").get(f"/loans/confirmation/{loan.id}")
    assert issued(second.id)[0].serial == 1 and issued(first.id)[0].serial == 2
    # A letter confirmed in the next year starts that year's count again.
    next_year = datetime(issued(first.id)[0].year + 1, 1, 4, 9, tzinfo=WIB)
    day = next_year.date() + timedelta(days=8)
    while day.weekday() >= 5 or day in national_holidays(day, day):
        day += timedelta(days=1)
    later = submit_loan("peminjam1", title=TITLE, day=day,
                        now=next_year - timedelta(days=3))
    take(later, "dispose", now=next_year - timedelta(days=2))
    take(later, "confirm", now=next_year)
    db.session.commit()
    row = confirmation.issue(later)
    assert (row.year, row.serial, row.dated) == (next_year.year, 1, next_year.date())


def test_letters_are_numbered_by_the_yearly_counter_apart_from_requests(app):
    """The letters' numbers come from the same yearly counter as the
    registration numbers (app/domain/yearly_numbers.py), in a series of their
    own: the first letter of the year is 1 whatever the requests' numbers."""
    first, second = confirmed_loan(days_ahead=30), confirmed_loan(days_ahead=37)
    year = confirmation.issue(first).year
    counter = db.session.get(YearlyCounter, (yearly_numbers.CONFIRMATION_SERIES, year))
    assert counter.last == 1
    assert confirmation.issue(db.session.get(LoanRequest, second.id)).serial == 2
    requests = db.session.get(YearlyCounter, (yearly_numbers.LOAN_SERIES, year))
    assert requests.last >= 2


def test_a_long_letter_repeats_a_short_header_on_its_second_page(app, login_as):
    app.config.update(OFFICE)
    days = office_days(30, config.BOOKING_MAX_SESSIONS)
    sessions = [(from_local(datetime.combine(day, time(8, 0))),
                 from_local(datetime.combine(day, time(15, 30)))) for day in days]
    loan = submit_loan("peminjam1", title=TITLE, sessions=sessions)
    loan.institution.name = "Lembaga Penjaminan Mutu Pendidikan " * 5
    take(loan, "dispose")
    take(loan, "confirm")
    db.session.commit()
    response = login_as("peminjam1").get(f"/loans/confirmation/{loan.id}")
    pages = [" ".join(page.extract_text().split())
             for page in PdfReader(io.BytesIO(response.get_data())).pages]
    assert len(pages) == 2
    row = issued(loan.id)[0]
    number = f"000.5.3/{row.serial}/PK-AI/{row.year}"
    assert "- 2 -" not in pages[0] and "PEMERINTAH KOTA PONTIANAK" in pages[0]
    assert pages[1].startswith(
        f"- 2 - Lanjutan surat nomor {number} tanggal "
        f"{indonesian(format_letter_date, row.dated)}")
    assert "PEMERINTAH KOTA PONTIANAK" not in pages[1]
    # Every session is listed, the last with its number.
    assert (f"{config.BOOKING_MAX_SESSIONS}. "
            f"{indonesian(format_session, *sessions[-1])}") in " ".join(pages)
    # The closing sentence is never parted from the signature.
    assert "Demikian kami sampaikan" in pages[1]


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
    assert "Surat Konfirmasi (PDF)" not in visible_text(show)

    response = client.get(f"/loans/confirmation/{loan.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/loans/show/{loan.id}")
    page = visible_text(client.get(response.headers["Location"]))
    assert ("Surat konfirmasi tersedia setelah permohonan dikonfirmasi; status "
            "permohonan saat ini Diajukan.") in page
    assert issued(loan.id) == []


def test_confirmed_request_page_offers_the_documents(app, login_as):
    loan = confirmed_loan()
    for username, sheet in (("kasi", True), ("peminjam1", False)):
        page = login_as(username).get(f"/loans/show/{loan.id}").get_data(as_text=True)
        assert (f'href="/loans/disposition/{loan.id}"' in page) is sheet, username
        assert ("Lembar Disposisi (PDF)" in page) is sheet, username
        assert f'href="/loans/confirmation/{loan.id}"' in page, username


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


def test_the_disposition_sheet_is_internal(app, login_as, client):
    """A borrower gets no disposition sheet, not even of their own request
    (it holds the Kabid's notes): on the page, the documents and the API."""
    loan = confirmed_loan()
    for username in ("peminjam1", "peminjam2"):  # the owner and another
        response = login_as(username).get(f"/loans/disposition/{loan.id}")
        assert response.status_code in (403, 404), username
        assert not response.get_data().startswith(b"%PDF-")
        assert "Harap dikoordinasikan" not in response.get_data(as_text=True)
        response = client.get(f"/api/v1/loans/{loan.id}/disposition.pdf",
                              headers=api_token(client, username))
        assert response.status_code in (403, 404), username
        assert not response.get_data().startswith(b"%PDF-")
    staff = client.get(f"/api/v1/loans/{loan.id}/disposition.pdf",
                       headers=api_token(client, "kabid"))
    assert "Harap dikoordinasikan hari ini." in pdf_text(staff)


def test_borrower_gets_only_their_own_letter(app, login_as):
    loan = confirmed_loan()
    response = login_as("peminjam2").get(f"/loans/confirmation/{loan.id}")
    assert response.status_code == 404
    assert not response.get_data().startswith(b"%PDF-")
    assert TITLE not in response.get_data(as_text=True)
    assert issued(loan.id) == []
    owner = login_as("peminjam1")
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
    assert confirmation.letter_number(row) in text
    assert f"Tanggal surat {indonesian(format_date, row.dated)}" in text
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


# ---------------------------------------------------------------- the migration

def test_upgrade_numbers_the_letters_issued_before(app):
    """Migration 0011: a letter issued before keeps the date it was printed
    with (its first download, in WIB) and is numbered in its year."""
    import flask_migrate

    from app import MIGRATIONS_DIR

    first, second = confirmed_loan(days_ahead=30), confirmed_loan(days_ahead=37)
    rows = [confirmation.issue(first), confirmation.issue(second)]
    # 06.30 WIB on New Year's Day, and the evening before: two years.
    rows[0].issued_at = datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)
    rows[1].issued_at = datetime(2025, 12, 31, 10, 0, tzinfo=timezone.utc)
    codes = [row.code for row in rows]
    db.session.commit()
    db.session.close()
    flask_migrate.downgrade(directory=MIGRATIONS_DIR, revision="0006")
    flask_migrate.upgrade(directory=MIGRATIONS_DIR)
    found = {row.code: row for row in db.session.query(LoanConfirmation)}
    assert (found[codes[0]].year, found[codes[0]].serial,
            found[codes[0]].dated) == (2026, 1, datetime(2026, 1, 1).date())
    assert (found[codes[1]].year, found[codes[1]].serial,
            found[codes[1]].dated) == (2025, 1, datetime(2025, 12, 31).date())
    # Numbered from there on.
    row = confirmation.issue(confirmed_loan(days_ahead=44))
    assert row.serial == 1 + max(
        (other.serial for other in found.values() if other.year == row.year), default=0)
