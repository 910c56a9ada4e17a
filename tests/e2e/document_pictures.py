"""Pictures of the four printed documents for docs/documents.md.

    python tests/e2e/document_pictures.py [--keep DIRECTORY]

Builds a scratch database (the demo data plus requests with long names, many
sessions and every outcome, over the weeks around today), renders the
Surat Konfirmasi, the Lembar Disposisi, the Daftar Peminjaman and the Laporan
Tahunan as the app does, and writes pages of them to docs/*.png with
poppler's ``pdftoppm -png -r 60``. The office's values are filled in with
sample ones and a placeholder logo, to show a configured letterhead.
``--keep`` also leaves the PDFs in DIRECTORY. Not part of the test suite.
"""
import argparse
import io
import subprocess
import sys
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from helpers import submit_loan, take  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from shots import DOCS, demo_app  # noqa: E402

from app.documents import annual, confirmation, disposition, register  # noqa: E402
from app.documents.annual_data import annual_data  # noqa: E402
from app.documents.register_data import Selection  # noqa: E402
from app.domain import accounts, workflow  # noqa: E402
from app.domain.scheduling import rules  # noqa: E402
from app.domain.scheduling.settings import ScheduleSettings  # noqa: E402
from app.models import (  # noqa: E402
    DispositionInstruction,
    DispositionNature,
    LoanRequest,
)
from app.platform.extensions import db  # noqa: E402
from app.platform.timeutil import from_local, to_local, utcnow  # noqa: E402

LONG_INSTITUTION = ("Lembaga Penjaminan Mutu Pendidikan Provinsi Kalimantan Barat "
                    "bekerja sama dengan Fakultas Keguruan dan Ilmu Pendidikan "
                    "Universitas Tanjungpura")
OFFICE = {
    "DOCUMENT_PHONE": "(0561) 733041",
    "DOCUMENT_EMAIL": "diskominfo@pontianak.go.id",
    "DOCUMENT_WEBSITE": "diskominfo.pontianak.go.id",
    "CONFIRMATION_CLASSIFICATION": "000.5.3",
    "CONFIRMATION_UNIT": "Diskominfo-PKAI",
    "CONFIRMATION_COPIES": ["Kepala Dinas Komunikasi dan Informatika Kota Pontianak",
                            "Kepala Bidang Tata Kelola Pemerintahan Berbasis "
                            "Elektronik dan Telematika"],
    "DOCUMENT_SIGNATORIES": {
        "kasi": {"position": "Kepala Seksi Pengembangan Kebijakan dan Aplikasi "
                             "Informatika",
                 "name": "Contoh Nama Kepala Seksi, S.Kom., M.T.",
                 "rank": "Penata Tingkat I (III/d)", "nip": "198001012005012003"},
        "kabid": {"position": "Kepala Bidang Tata Kelola Pemerintahan Berbasis "
                              "Elektronik dan Telematika",
                  "name": "Contoh Nama Kepala Bidang, S.T., M.Si.",
                  "rank": "Pembina (IV/a)", "nip": "197503152000031004"},
        "adminpc": {"position": "Admin Pontive Center",
                    "name": "Contoh Nama Admin Pontive Center, A.Md.",
                    "rank": "Pengatur (II/c)", "nip": "199005202015021001"},
    },
}
DONE = ("dispose", "confirm", "schedule", "prepare", "complete")


def placeholder_logo(path):
    """A round placeholder where the city's arms would be."""
    image = Image.new("RGBA", (200, 240), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    pen.ellipse((8, 8, 192, 232), outline=(31, 59, 115), width=8)
    pen.text((100, 120), "LOGO", fill=(31, 59, 115), anchor="mm",
             font=ImageFont.load_default(size=40))
    image.save(path)


def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


def office_days_from(first, count):
    """``count`` office days from ``first`` on (weekends and holidays skipped)."""
    settings = ScheduleSettings.current()
    closed = rules.closed_days(first, first + timedelta(days=count * 3 + 30), settings)
    days, day = [], first
    while len(days) < count:
        if day.weekday() in settings.office_days and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def long_borrower():
    accounts.create_borrower(accounts.BorrowerInput(
        first_name="Yohana", last_name="Maria Sekar Ayuningtyas", username="lpmp1",
        email="lpmp1@example.org", password="Pontive#2026", position="Widyaiswara",
        phone="0561-222222", new_institution_name=LONG_INSTITUTION,
        new_institution_kind="lembaga"), active=True)
    db.session.commit()


def request(username, title, days, hours, steps, submitted, **step_arguments):
    """A request of ``username`` with a session on each of ``days``, taken
    through ``steps`` a few minutes apart from ``submitted`` (steps on the
    day itself wait for it)."""
    sessions = [(at(day, *hours[0]), at(day, *hours[1])) for day in days]
    loan = submit_loan(username, title=title, sessions=sessions, now=submitted)
    moment = submitted
    for action in steps:
        moment += timedelta(minutes=13)
        if action == "prepare":
            moment = max(moment, sessions[0][0] - timedelta(minutes=30))
        if action in ("complete", "mark_no_show"):
            moment = max(moment, sessions[-1][1])
        take(loan, action, now=moment, **step_arguments.get(action, {}))
        db.session.commit()
    return loan


def scenario(today):
    """Requests around today; returns (the letter's, the sheet's) requests."""
    long_borrower()
    week = office_days_from(today + timedelta(days=20), 14)
    lengthy = ("Pelatihan Sistem Pemerintahan Berbasis Elektronik bagi Operator "
               "Sekolah Dasar dan Menengah se-Kota Pontianak")
    dispose = {"instruction": DispositionInstruction.COORDINATE,
               "nature": DispositionNature.URGENT,
               "note": "Mohon dikoordinasikan dengan peminjam: pelatihan berlangsung "
                       "dua belas hari, pastikan tidak bentrok dengan agenda dinas.",
               "incoming_agenda_number": "000.5.2.3/1187/DISKOMINFO",
               "incoming_instruction": "Kabid TKPBET: tindak lanjuti sesuai SOP, "
                                       "laporkan hasilnya."}
    letter = request("lpmp1", lengthy, week[:12], ((8, 0), (15, 30)),
                     ("dispose", "confirm"), utcnow() - timedelta(hours=3),
                     dispose=dispose)
    later = office_days_from(today + timedelta(days=50), 16)
    sheet = request("lpmp1", "Lokakarya Penyusunan Modul Ajar Berbasis Proyek bagi "
                    "Guru Informatika", later[:8], ((8, 0), (12, 0)),
                    ("dispose", "propose_reschedule"), utcnow() - timedelta(hours=5),
                    dispose=dispose,
                    propose_reschedule={"sessions": [
                        (at(day, 13, 0), at(day, 15, 30)) for day in later[8:16]]})
    # The weeks before: what the register and the report list.
    past = office_days_from(today - timedelta(days=60), 30)
    outcomes = [DONE, DONE, DONE, ("dispose", "reject"), ("cancel",),
                DONE[:4] + ("mark_no_show",), DONE]
    titles = ["Rapat Koordinasi Satgas Smart City", "Sosialisasi Aplikasi Sekolah",
              "Bimbingan Teknis Operator Dapodik", "Seminar Keamanan Siber",
              "Rapat Persiapan Lomba Inovasi Daerah",
              "Kuliah Umum Transformasi Digital",
              "Pelatihan Desain Grafis untuk UMKM"]
    borrowers = ["peminjam1", "peminjam2", "lpmp1"]
    for number, day in enumerate(past):
        if day >= today - timedelta(days=1):
            break
        steps = outcomes[number % len(outcomes)]
        request(borrowers[number % 3], f"{titles[number % len(titles)]} {number + 1}",
                [day], ((9, 0), (11, 30)), steps, at(day, 7) - timedelta(days=6),
                complete={"actual_participants": 6 + number % 5},
                reject={"reason": "Ruang dipakai kegiatan Wali Kota pada hari itu."},
                cancel={"reason": "Kegiatan ditunda oleh panitia."})
    return letter, sheet


def pictures(pdf, prefix, pages, scratch):
    """Pages of ``pdf`` as docs/<name>: each named by its number (1-based,
    -1 the last) or by a text on it (the last page that has it)."""
    path = scratch / f"{prefix}.pdf"
    path.write_bytes(pdf)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    count = len(texts)
    for name, page in pages.items():
        if isinstance(page, str):
            page = max(n for n, text in enumerate(texts, 1) if page in text)
        page = count if page == -1 else page
        target = DOCS / name
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l",
                        str(page), "-singlefile", str(path),
                        str(target.with_suffix(""))], check=True)
        print(target, f"(page {page} of {count})")


def draw(scratch):
    """The scenario's documents as pictures (the PDFs in ``scratch``)."""
    today = to_local(utcnow()).date()
    letter, sheet = scenario(today)
    workflow.release_lapsed_holds()
    pictures(confirmation.render(confirmation.letter(letter)), "confirmation",
             {"confirmation.png": 1, "confirmation-page-2.png": 2}, scratch)
    pictures(disposition.render(disposition.sheet(db.session.get(LoanRequest, sheet.id))),
             "disposition", {"disposition.png": 1}, scratch)
    period = Selection(today - timedelta(days=62), today + timedelta(days=90))
    pictures(register.render(period), "register",
             {"register.png": 1, "register-many-sessions.png": "12 sesi, dari",
              "register-last-page.png": -1}, scratch)
    pictures(annual.render(annual_data(today.year)), "annual",
             {"annual-report-cover.png": 1, "annual-report-contents.png": 3,
              "annual-report-mutu-baku.png": "KEPATUHAN TERHADAP MUTU BAKU",
              "annual-report-appendix.png": -1},
             scratch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="leave the PDFs here")
    arguments = parser.parse_args()
    scratch = arguments.keep or Path(tempfile.mkdtemp(prefix="document-pictures-"))
    scratch.mkdir(parents=True, exist_ok=True)
    placeholder_logo(scratch / "logo.png")
    demo_app(scratch, lambda: draw(scratch), APP_BASE_URL="https://pontive.pontianak.go.id",
             DOCUMENT_LOGO=str(scratch / "logo.png"), **OFFICE)
    print("PDFs in", scratch)


if __name__ == "__main__":
    main()
