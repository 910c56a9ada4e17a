"""The Indonesian UI: a complete catalog, and pages that read Indonesian.

The catalog tests read translations/id; `flask --app app translations`
brings it up to date and lists what is left to translate.
"""
import ast
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from flask import session
from flask_babel import force_locale, refresh
from helpers import loans_of, login, visible_text

from app.ops.catalog import (
    compiled_differences,
    extract,
    read_catalog,
    read_compiled,
    untranslated,
)
from app.platform.formatting import format_datetime

APP_DIR = Path(__file__).resolve().parent.parent / "app"


# --- The catalog ---------------------------------------------------------------

def test_every_msgid_is_translated():
    missing = untranslated(read_catalog("id"), extract())
    assert not missing, (
        f"{len(missing)} msgids have no Indonesian translation (run "
        "`flask --app app translations` and translate them in "
        "translations/id/LC_MESSAGES/messages.po):\n"
        + "\n".join(f"  {msgid!r}" for msgid in missing)
    )


def test_catalog_has_no_fuzzy_entries():
    fuzzy = [m.id for m in read_catalog("id") if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries in the Indonesian catalog: {fuzzy}"


def test_compiled_catalog_matches_the_po_file():
    differences = compiled_differences(read_catalog("id"), read_compiled("id"))
    assert not differences, (
        "messages.mo is out of date for these msgids (run "
        f"`flask --app app translations`): {differences}"
    )


PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"\{[^{}]*\}")


def _placeholders(text, python_format):
    found = BRACES.findall(text)
    if python_format:
        found += PERCENT.findall(text)
    return sorted(found)


def _pairs(message):
    """(msgid, translation) pairs of a message, plural forms included."""
    if isinstance(message.id, (list, tuple)):
        plural = message.id[-1]
        return [(message.id[0] if index == 0 and len(message.string) > 1 else plural,
                 string) for index, string in enumerate(message.string)]
    return [(message.id, message.string)]


def test_translations_keep_the_placeholders():
    broken = []
    for message in read_catalog("id"):
        if not message.id or not message.string:
            continue
        # Babel flags %-formatted msgids; others may hold a literal "%".
        python_format = message.python_format or "python-format" in message.flags
        for msgid, string in _pairs(message):
            if _placeholders(msgid, python_format) != _placeholders(string, python_format):
                broken.append(f"{msgid!r} -> {string!r}")
    assert not broken, "translations that change placeholders:\n" + "\n".join(broken)


GETTEXT_NAMES = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext",
                 "pgettext", "lazy_pgettext", "npgettext"}


def _called_name(node):
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def test_no_message_is_hidden_in_an_f_string():
    """Babel does not extract gettext() calls written inside f-strings."""
    hidden = []
    for path in sorted(APP_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fstring in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
            for node in ast.walk(fstring):
                if isinstance(node, ast.Call) and _called_name(node) in GETTEXT_NAMES:
                    hidden.append(f"{path.relative_to(APP_DIR.parent)}:{node.lineno}")
    assert not hidden, f"gettext() inside f-strings (not extracted): {hidden}"


# --- Pages ---------------------------------------------------------------------

# English UI words that are not Indonesian words too (case-sensitive, whole
# words). "Status", "Detail", "Email", "OK", "Admin" are Indonesian as well;
# "English" is the name of the other language in the language menu.
ENGLISH = [
    "List", "Add", "Edit", "Delete", "Search", "Record", "Records", "Actions",
    "Action", "Logout", "Login", "Log in", "Sign in", "Save", "Back", "Show",
    "Filter", "Submit", "Cancel", "Select", "Yes", "True", "False", "None",
    "Dashboard", "Welcome", "Not found", "Not Found", "Access denied", "Error",
    "Submitted", "Disposed", "Confirmed", "Scheduled", "Completed", "Rejected",
    "Cancelled", "Loan request", "Loan requests", "Loans", "Room", "Rooms",
    "Equipment", "Institution", "Institutions", "Borrower", "Master data",
    "Registration number", "Letter", "Schedule", "Session", "Sessions",
    "History", "Step", "Time", "Note", "Notes", "Name", "Description", "Kind",
    "Activity", "Participants", "Contact", "Phone", "Address", "Location",
    "Capacity", "Condition", "Quantity", "Good", "Download", "Remove", "Starts",
    "Ends", "Profile", "User", "Users", "Role", "Roles", "Password", "Username",
    "Groups", "Security", "Statistics", "Created", "Changed", "Page", "Number",
    "Request", "My requests", "Government", "Agency",
    "the", "and", "of", "to", "is", "your", "please",
]
ENGLISH_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(word) for word in ENGLISH) + r")(?![\w-])"
)

COMMON_ID = ["Pemerintah Kota Pontianak", "Dinas Komunikasi dan Informatika"]
SIGNED_IN_ID = COMMON_ID + ["Keluar", "Profil", "Permohonan Peminjaman"]

# (path, Indonesian texts the page must show); "{loan}" is a request of the
# borrower signed in, or of peminjam1 for staff.
DASHBOARD = ("/", ["Dasbor", "Selamat datang", "Diajukan", "Lihat semua permohonan"])
LOAN_LIST = ("/loans/list/", ["Cari", "Jumlah Data", "Nomor registrasi", "Jadwal",
                              "pukul", "Diajukan pada"])
LOAN_SHOW = ("/loans/show/{loan}", ["Nomor registrasi", "Perihal", "Nomor surat",
                                    "Riwayat", "Sesi", "Unduh surat permohonan",
                                    "Lembar Disposisi (PDF)", "pukul", "WIB"])
# A borrower's view of their request: no disposition sheet (staff only).
BORROWER_LOAN_SHOW = (LOAN_SHOW[0], [text for text in LOAN_SHOW[1]
                                     if text != "Lembar Disposisi (PDF)"])
ROOM_LIST = ("/rooms/list/", ["Ruang", "Kapasitas (orang)", "Dapat dipinjam"])
EQUIPMENT_LIST = ("/equipment/list/", ["Peralatan", "Kondisi", "Baik"])
INSTITUTION_LIST = ("/institutions/list/", ["Instansi", "Jenis",
                                            "Organisasi Perangkat Daerah (OPD)"])
NOT_FOUND = ("/loans/show/999999", ["Tidak Ditemukan", "Kembali ke dasbor"])
LOAN_REGISTER = ("/reports/loan-register/", ["Laporan", "Daftar Peminjaman", "Dari",
                                             "Sampai", "Semua status", "Jenis instansi",
                                             "Semua jenis", "Unduh PDF", "Unduh Excel"])
ABOUT_SOP = ("/sop/", ["Tentang SOP", "Identitas", "Dasar Hukum", "Kualifikasi Pelaksana",
                       "Peralatan/Perlengkapan", "Peringatan", "Pencatatan dan Pendataan",
                       "Langkah dan waktu standar", "15 menit", "30 menit"])
DAMAGE_PAGES = [
    ("/damage/list/", ["Kerusakan Perlengkapan"]),
    ("/damage/add", ["Laporkan kerusakan", "Peralatan", "Apa yang rusak", "Simpan"]),
]
STAFF_PAGES = [DASHBOARD, LOAN_REGISTER, LOAN_LIST, LOAN_SHOW, ROOM_LIST, EQUIPMENT_LIST,
               INSTITUTION_LIST, NOT_FOUND, ABOUT_SOP] + DAMAGE_PAGES
# Borrower accounts: the Kasi's and the admins' (the Kabid gets a 403).
ACCOUNT_PAGES = [
    ("/borrower-accounts/list/", ["Akun Peminjam", "Nama Depan", "Nama Pengguna",
                                  "Aktif", "Email terverifikasi", "Belum", "Ya"]),
    ("/borrower-accounts/add", ["Tambah Akun Peminjam", "Data diri", "Jabatan",
                                "Telepon", "Instansi lain (belum ada di daftar)",
                                "Jenis instansi baru", "Ulangi kata sandi", "Simpan"]),
]

# The annual report: staff choose the year; the Kabid and the Kasi write its
# narrative sections, the admins read them.
ANNUAL_REPORT = ("/reports/annual/", ["Laporan Tahunan", "Tahun", "Tampilkan", "Unduh PDF",
                                      "Bagian naratif tahun", "Pendahuluan", "Kendala",
                                      "Rekomendasi"])

PAGES = {
    "peminjam1": [
        (DASHBOARD[0], DASHBOARD[1] + ["Permohonan Saya", "Ajukan Permohonan Peminjaman"]),
        LOAN_LIST,
        (BORROWER_LOAN_SHOW[0], BORROWER_LOAN_SHOW[1] + ["Batalkan permohonan"]),
        ("/loans/add", ["Ajukan Permohonan Peminjaman", "Jenis", "Peminjaman ruang",
                        "Kunjungan", "Mulai", "Selesai", "Tambah sesi",
                        "Surat permohonan (PDF)",
                        "Pernyataan tidak menyajikan makanan prasmanan", "Simpan"]),
        ROOM_LIST,
        NOT_FOUND,
        ABOUT_SOP,
    ],
    "peminjam2": [DASHBOARD, LOAN_LIST, BORROWER_LOAN_SHOW, ROOM_LIST, ABOUT_SOP],
    "kabid": STAFF_PAGES + [ANNUAL_REPORT],
    "kasi": STAFF_PAGES + ACCOUNT_PAGES + [ANNUAL_REPORT],
    "adminpc": STAFF_PAGES + ACCOUNT_PAGES + [ANNUAL_REPORT],
    "admin": STAFF_PAGES + ACCOUNT_PAGES + [
        ANNUAL_REPORT,
        ("/users/list/", ["Daftar Pengguna", "Nama Pengguna", "Aktif?", "Ya", "Peran"]),
        ("/users/add", ["Tambah Pengguna", "Kata Sandi",
                        "Peran pengguna dalam aplikasi"]),
        ("/roles/list/", ["Daftar Peran", "Hak Akses", "Salin Peran"]),
    ],
}
# Every role has the agenda and the calendar subscription.
AGENDA_PAGES = [
    ("/agenda/", ["Agenda", "Bulan", "Minggu", "Hari ini", "Semua ruang", "Tanggal",
                  "Langganan Kalender"]),
    ("/agenda/?view=week", ["Agenda", "Bulan", "Minggu", "Hari", "Sen", "Min"]),
    ("/calendar/", ["Langganan Kalender", "Buat alamat kalender saya",
                    "Cara berlangganan"]),
]
CASES = [(user, path, expected) for user, pages in PAGES.items()
         for path, expected in pages + AGENDA_PAGES]


def _english_words(text):
    return sorted(set(ENGLISH_PATTERN.findall(text)))


@pytest.fixture(scope="module")
def loan_ids(module_app):
    return {username: loans_of(username)[0].id for username in ("peminjam1", "peminjam2")}


def _url(path, username, loan_ids):
    return path.format(loan=loan_ids.get(username, loan_ids["peminjam1"]))


@pytest.fixture(scope="module")
def clients(module_app):
    """One signed-in client per demo account, shared by the module's tests."""
    return {username: login(module_app.test_client(), username) for username in PAGES}


@pytest.mark.parametrize("username,path,expected", CASES,
                         ids=[f"{u}:{p}" for u, p, _ in CASES])
def test_pages_are_in_indonesian(clients, loan_ids, username, path, expected):
    response = clients[username].get(_url(path, username, loan_ids))
    assert response.status_code == (404 if path == NOT_FOUND[0] else 200)
    text = visible_text(response)
    assert _english_words(text) == [], text
    missing = [word for word in SIGNED_IN_ID + expected if word not in text]
    assert not missing, f"missing {missing} in: {text}"


@pytest.mark.parametrize("path,expected", [
    ("/login/", ["Masuk", "Nama Pengguna", "Kata Sandi"]),
    ("/", ["Peminjaman Ruang Rapat Pontive Center", "Masuk", "Daftar sebagai peminjam"]),
    ("/register/", ["Daftar sebagai peminjam", "Data diri", "Nama Depan", "Jabatan",
                    "Instansi lain (belum ada di daftar)", "Kata Sandi",
                    "Ulangi kata sandi", "Daftar", "Sudah punya akun?"]),
])
def test_anonymous_pages_are_in_indonesian(module_app, path, expected):
    response = module_app.test_client().get(path)
    assert response.status_code == 200
    text = visible_text(response)
    assert _english_words(text) == [], text
    missing = [word for word in COMMON_ID + expected if word not in text]
    assert not missing, f"missing {missing} in: {text}"


def test_verification_pages_are_in_indonesian(module_app):
    """The public check of a confirmation letter: a genuine code, an unknown one."""
    from app.models import LoanConfirmation, LoanStatus
    from app.platform.extensions import db

    loan = next(loan for loan in loans_of("peminjam1")
                if loan.status == LoanStatus.SCHEDULED)
    staff = login(module_app.test_client(), "kasi")
    assert staff.get(f"/loans/confirmation/{loan.id}").status_code == 200
    code = db.session.query(LoanConfirmation).filter_by(loan_id=loan.id).one().code
    client = module_app.test_client()
    for path, status, expected in [
        (f"/verify/{code}", 200, ["Pemeriksaan Keaslian Surat Konfirmasi", "Asli.",
                                  "Nomor surat", "Tanggal surat", "Instansi", "Ruang",
                                  "Sesi", "pukul", "WIB"]),
        ("/verify/kodeYangTidakPernahDiterbitkan", 404,
         ["Surat tidak ditemukan", "Tidak asli."]),
    ]:
        response = client.get(path)
        assert response.status_code == status
        text = visible_text(response)
        assert _english_words(text) == [], text
        missing = [word for word in COMMON_ID + expected if word not in text]
        assert not missing, f"missing {missing} in: {text}"


ENGLISH_PAGES = [
    ("peminjam1", "/", ["Dashboard", "Welcome", "My requests", "Submitted",
                        "Submit a loan request", "Logout"]),
    ("peminjam1", "/loans/list/", ["Loan requests", "Search", "Registration number",
                                   "Submitted at"]),
    ("peminjam1", "/loans/show/{loan}", ["Registration number", "Letter number",
                                         "History", "Cancel request", " at "]),
    ("peminjam1", "/loans/add", ["Submit a loan request", "Starts", "Ends",
                                 "Add a session", "No buffet pledge", "Save"]),
    ("peminjam1", "/loans/show/999999", ["Not found", "Back to the dashboard"]),
    ("adminpc", "/equipment/list/", ["Equipment", "Condition", "Good", "Report damage"]),
    ("adminpc", "/damage/list/", ["Equipment damage"]),
    ("kasi", "/institutions/list/", ["Institutions", "Kind",
                                     "Regional government agency (OPD)"]),
    ("admin", "/users/list/", ["List Users", "User Name", "Is Active?", "Yes"]),
    ("peminjam2", "/agenda/?view=week", ["Agenda", "Month", "Week", "Day", "Today",
                                         "All rooms", "Calendar subscription", "Mon"]),
    ("kasi", "/calendar/", ["Calendar subscription", "How to subscribe"]),
]
# Indonesian UI words that must not appear once the user chose English.
INDONESIAN = ["Keluar", "Cari", "Dasbor", "Tambah", "Kembali", "Simpan", "Diajukan",
              "pukul", "Sesi", "Riwayat", "Instansi", "Peralatan", "Ya"]
INDONESIAN_PATTERN = re.compile(r"(?<!\w)(" + "|".join(INDONESIAN) + r")(?!\w)")


@pytest.mark.parametrize("username,path,expected", ENGLISH_PAGES,
                         ids=[f"{u}:{p}" for u, p, _ in ENGLISH_PAGES])
def test_english_can_be_chosen(module_app, loan_ids, username, path, expected):
    url = _url(path, username, loan_ids)
    client = login(module_app.test_client(), username)
    assert client.get("/lang/en").status_code == 302
    response = client.get(url)
    text = visible_text(response)
    missing = [word for word in expected if word not in text]
    assert not missing, f"missing {missing} in: {text}"
    assert sorted(set(INDONESIAN_PATTERN.findall(text))) == [], text
    # And back to Indonesian.
    client.get("/lang/id")
    assert "Keluar" in visible_text(client.get(url))


# --- Dates ---------------------------------------------------------------------

MOMENT = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
INDONESIAN_TIME = "Jumat, 27 November 2026 pukul 09.00 WIB"
ENGLISH_TIME = "Friday, 27 November 2026 at 09:00 WIB"


def test_datetime_is_indonesian_by_default(app):
    with app.test_request_context():
        assert format_datetime(MOMENT) == INDONESIAN_TIME


@pytest.mark.parametrize("locale,expected", [("id", INDONESIAN_TIME),
                                             ("en", ENGLISH_TIME)])
def test_datetime_follows_the_session_locale(app, locale, expected):
    with app.test_request_context():
        session["locale"] = locale
        refresh()
        assert format_datetime(MOMENT) == expected


@pytest.mark.parametrize("locale,expected", [("id", INDONESIAN_TIME),
                                             ("en", ENGLISH_TIME)])
def test_datetime_with_forced_locale(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert format_datetime(MOMENT) == expected
