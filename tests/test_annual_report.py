"""The Laporan Tahunan: a year of loans made through the SOP, the PDF
downloaded by staff, and its printed figures checked against what this test
counts itself from its own scenario."""
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

import pypdf
import pytest
from helpers import login, submit_loan, take, user

from app.documents import annual
from app.domain import equipment_care, workflow
from app.domain.equipment_care import EquipmentCheck
from app.models import DamageReport, DamageStatus, Room
from app.platform.extensions import db
from app.platform.timeutil import from_local

YEAR = 2025
EMPTY_YEAR = 2023


def wib(month, day, hour, minute=0, year=YEAR):
    return from_local(datetime(year, month, day, hour, minute))


@dataclass
class Step:
    action: str
    at: datetime
    timed: str | None = None  # the mutu baku step it ends, if any
    username: str | None = None
    arguments: dict = field(default_factory=dict)


@dataclass
class Loan:
    title: str
    borrower: str
    submitted: datetime
    sessions: list
    steps: list
    status: str

    @property
    def sessions_held(self):
        """The schedule the request ends with: an accepted proposal replaces it."""
        if any(step.action == "accept_reschedule" for step in self.steps):
            proposals = [s for s in self.steps if s.action == "propose_reschedule"]
            return proposals[-1].arguments["sessions"]
        return self.sessions


KINDS = {"peminjam1": "opd", "peminjam2": "universitas", "sekolah1": "sekolah"}
DAMAGED_PROJECTOR = "Proyektor tidak menyala"
DAMAGED_AC = "AC bocor"

# A year of requests, each step at a time of its own in WIB (office days and
# hours; holidays are switched off for the module).
SCENARIO = [
    Loan("Rapat Januari", "peminjam1", wib(1, 6, 8), [(wib(1, 13, 9), wib(1, 13, 12))], [
        Step("dispose", wib(1, 6, 8, 10), "disposition"),
        Step("confirm", wib(1, 6, 8, 40), "coordination"),
        Step("schedule", wib(1, 6, 9, 0), "agenda"),
        Step("prepare", wib(1, 13, 8, 50), "preparation",
             arguments={"damaged": {"Proyektor": DAMAGED_PROJECTOR}}),
        Step("complete", wib(1, 13, 12, 0)),
        Step("repair", wib(1, 15, 8, 50), arguments={"item": "Proyektor"}),
    ], "completed"),
    Loan("Pelatihan Februari", "peminjam2", wib(2, 3, 8),
         [(wib(2, 10, 13), wib(2, 10, 15, 30)), (wib(2, 11, 8), wib(2, 11, 10))], [
        Step("dispose", wib(2, 3, 8, 5), "disposition"),
        Step("confirm", wib(2, 3, 8, 15), "coordination"),
        Step("schedule", wib(2, 3, 9, 0), "agenda"),
        Step("prepare", wib(2, 10, 12, 50), "preparation"),
        Step("complete", wib(2, 11, 10, 0)),
    ], "completed"),
    Loan("Seminar Maret", "peminjam1", wib(3, 3, 8), [(wib(3, 17, 9), wib(3, 17, 11))], [
        Step("reject", wib(3, 3, 8, 20), "disposition", username="kabid",
             arguments={"reason": "Ruang dipakai kegiatan Wali Kota"}),
    ], "rejected"),
    Loan("Rapat Maret", "peminjam2", wib(3, 3, 9), [(wib(3, 18, 13), wib(3, 18, 15))], [
        Step("cancel", wib(3, 4, 10), arguments={"reason": "Kegiatan ditunda"}),
    ], "cancelled"),
    # Two requests for the same slot: one is held, the other rejected.
    Loan("Lomba Sekolah", "sekolah1", wib(4, 1, 8), [(wib(4, 15, 9), wib(4, 15, 12))], [
        Step("dispose", wib(4, 1, 8, 10), "disposition"),
        Step("confirm", wib(4, 1, 8, 20), "coordination"),
        Step("schedule", wib(4, 1, 9, 10), "agenda"),
        Step("prepare", wib(4, 15, 8, 40), "preparation",
             arguments={"damaged": {"AC": DAMAGED_AC}}),
        Step("complete", wib(4, 15, 12, 0)),
    ], "completed"),
    Loan("Rapat April", "peminjam1", wib(4, 1, 8, 15), [(wib(4, 15, 9), wib(4, 15, 12))], [
        Step("dispose", wib(4, 1, 8, 30), "disposition"),
        Step("reject", wib(4, 1, 8, 45), "coordination",
             arguments={"reason": "Bentrok dengan permohonan lain"}),
    ], "rejected"),
    Loan("Diskusi Mei", "peminjam2", wib(5, 5, 8), [(wib(5, 19, 9), wib(5, 19, 11))], [
        Step("dispose", wib(5, 5, 8, 10), "disposition"),
        Step("propose_reschedule", wib(5, 5, 8, 20), "coordination",
             arguments={"sessions": [(wib(5, 20, 13), wib(5, 20, 15))]}),
        Step("accept_reschedule", wib(5, 5, 10, 0)),
        Step("schedule", wib(5, 5, 10, 20), "agenda"),
        Step("prepare", wib(5, 20, 12, 50), "preparation"),
        Step("complete", wib(5, 20, 15, 0)),
    ], "completed"),
    Loan("Rapat Komite", "sekolah1", wib(6, 2, 8), [(wib(6, 16, 9), wib(6, 16, 10))], [
        Step("dispose", wib(6, 2, 8, 5), "disposition"),
        Step("propose_reschedule", wib(6, 2, 8, 30), "coordination",
             arguments={"sessions": [(wib(6, 17, 9), wib(6, 17, 10))]}),
        Step("decline_reschedule", wib(6, 2, 9, 0),
             arguments={"reason": "Jadwal baru tidak sesuai"}),
        # Declining returns it to the Kasi; the borrower then cancels it.
        Step("cancel", wib(6, 2, 9, 10), arguments={"reason": "Jadwal baru tidak sesuai"}),
    ], "cancelled"),
    Loan("Sosialisasi Juli", "peminjam1", wib(7, 1, 8), [(wib(7, 15, 9), wib(7, 15, 10))], [
        Step("dispose", wib(7, 1, 8, 10), "disposition"),
        Step("propose_reschedule", wib(7, 1, 8, 20), "coordination",
             arguments={"sessions": [(wib(7, 16, 9), wib(7, 16, 10))]}),
        # The hold of 48 office hours runs out on Wednesday 8 July at 13.50.
        Step("lapse", wib(7, 8, 14, 0)),
        Step("confirm", wib(7, 8, 14, 10), "coordination"),
    ], "confirmed"),
    Loan("Rapat Agustus", "peminjam2", wib(8, 4, 8), [(wib(8, 18, 13), wib(8, 18, 14))], [
        Step("dispose", wib(8, 4, 8, 10), "disposition"),
        Step("confirm", wib(8, 4, 8, 20), "coordination"),
        Step("schedule", wib(8, 4, 8, 40), "agenda"),
        Step("mark_no_show", wib(8, 18, 14, 30)),
    ], "no_show"),
]
# Held in the year before, and one whose event falls in the next year: not
# loans of YEAR, though the second's disposition is a step taken in YEAR.
OTHER_YEARS = [
    Loan("Rapat Desember Lalu", "peminjam1", wib(12, 2, 8, year=YEAR - 1),
         [(wib(12, 16, 9, year=YEAR - 1), wib(12, 16, 10, year=YEAR - 1))], [
        Step("dispose", wib(12, 2, 8, 10, year=YEAR - 1)),
        Step("confirm", wib(12, 2, 8, 20, year=YEAR - 1)),
    ], "confirmed"),
    Loan("Rapat Awal Tahun Depan", "peminjam2", wib(12, 22, 8),
         [(wib(1, 5, 9, year=YEAR + 1), wib(1, 5, 10, year=YEAR + 1))], [
        Step("dispose", wib(12, 22, 8, 10), "disposition"),
    ], "disposed"),
]


def _add_school_borrower():
    from app.domain import accounts

    accounts.create_borrower(accounts.BorrowerInput(
        first_name="Siti", last_name="Aminah", username="sekolah1",
        email="sekolah1@example.org", password="Pontive#2026", position="Guru",
        phone="0561-111111", new_institution_name="SMA Negeri 1 Pontianak",
        new_institution_kind="sekolah"), active=True)
    db.session.commit()


def _checklist(loan, damaged):
    return [EquipmentCheck(item.id, ready=item.name not in damaged,
                           description=damaged.get(item.name, ""))
            for item in loan.room.equipment]


def _take(loan, step):
    arguments = dict(step.arguments)
    if step.action == "lapse":
        workflow.release_lapsed_holds(now=step.at)
    elif step.action == "repair":
        item = next(i for i in loan.room.equipment if i.name == arguments["item"])
        report = equipment_care.open_reports([item.id])[item.id]
        equipment_care.advance(report, DamageStatus.REPAIRED, user("adminpc"),
                               "Lampu proyektor diganti", now=step.at)
    else:
        if "damaged" in arguments:
            arguments["checklist"] = _checklist(loan, arguments.pop("damaged"))
        take(loan, step.action, step.username, now=step.at, **arguments)
    db.session.commit()


def _play(plans):
    """Submit each request and take each step in the order of their times."""
    events = sorted([(plan.submitted, n, plan, None) for n, plan in enumerate(plans)]
                    + [(step.at, n, plan, step) for n, plan in enumerate(plans)
                       for step in plan.steps], key=lambda event: event[:2])
    loans = {}
    for _at, n, plan, step in events:
        if step is None:
            loans[n] = submit_loan(plan.borrower, title=plan.title,
                                   sessions=plan.sessions, now=plan.submitted)
        else:
            _take(loans[n], step)
    for n, plan in enumerate(plans):
        db.session.refresh(loans[n])
        assert loans[n].status == plan.status, plan.title


@pytest.fixture(scope="module")
def year_of_loans(module_app):
    module_app.config["HOLIDAYS_ENABLED"] = False
    _add_school_borrower()
    for plan in SCENARIO + OTHER_YEARS:
        assert all(start.weekday() < 5 for start, _end in plan.sessions)
    _play(SCENARIO + OTHER_YEARS)
    return module_app


@pytest.fixture(scope="module")
def clients(module_app):
    return {name: login(module_app.test_client(), name)
            for name in ("kabid", "kasi", "adminpc", "admin", "peminjam1")}


def pdf_text(response, layout=True):
    """The PDF's text: with each table row on one line (pypdf's layout mode),
    or cell after cell with the spaces collapsed (to find wrapped texts)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    if layout:
        return "\n".join(page.extract_text(extraction_mode="layout")
                         for page in reader.pages)
    return flat(" ".join(page.extract_text() for page in reader.pages))


def flat(text):
    return re.sub(r"\s+", " ", text)


def body(text):
    """The report after its front matter (the Kata Pengantar and the Daftar
    Isi, whose pages are numbered i, ii, ...): the sections' headings are in
    the Daftar Isi too."""
    *_, last = re.finditer(r"Halaman [ivxlc]+\b", text)
    return text[last.end():]


def section(text, heading, following):
    """The text from a section's heading (without its number) to the next one."""
    start = text.index(heading)
    return text[start:text.index(following, start)]


def row(text, label, columns):
    """The cells after ``label`` on its table row."""
    found = re.search(rf"^ *{re.escape(label)}((?: {{2,}}\S+(?: \S+)*){{{columns}}}) *$",
                      text, flags=re.MULTILINE)
    assert found, f"no row {label!r} in:\n{text}"
    return re.split(r" {2,}", found.group(1).strip())


def number(value):
    """Indonesian separators as this test expects them: 1.234,5."""
    whole, _, decimals = f"{value:,.1f}".partition(".")
    return whole.replace(",", ".") + "," + decimals


def minutes(value):
    hours, rest = divmod(int(value), 60)
    return f"{hours} jam {rest} menit" if hours else f"{rest} menit"


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]
KIND_LABELS = {"opd": "Organisasi Perangkat Daerah (OPD)", "lembaga": "Lembaga",
               "sekolah": "Sekolah", "universitas": "Universitas", "lainnya": "Lainnya"}
STATE_COLUMNS = ("completed", "no_show", "rejected", "cancelled")
MUTU_BAKU = {"disposition": ("Disposisi oleh Kabid", 15),
             "coordination": ("Penelaahan dan koordinasi oleh Kasi", 15),
             "agenda": ("Pencatatan ke dalam agenda", 30),
             "preparation": ("Persiapan ruang", 15)}


def expected_tally(plans):
    """[requests, held, not used, rejected, cancelled, in progress] as printed."""
    states = Counter(plan.status for plan in plans)
    counted = [len(plans)] + [states[state] for state in STATE_COLUMNS]
    return [str(n) for n in counted + [len(plans) - sum(counted[1:])]]


def expected_timings():
    """{mutu baku step: [elapsed minutes]} of the steps taken in YEAR: from
    the previous event of the request, or for the room's preparation from
    15 minutes before the first session if that is later (all on one office
    day, so wall-clock minutes are office minutes)."""
    timings = {code: [] for code in MUTU_BAKU}
    for plan in SCENARIO + OTHER_YEARS:
        previous = plan.submitted
        first_start = min(start for start, _end in plan.sessions_held)
        for step in plan.steps:
            since = previous
            if step.timed == "preparation":
                since = max(previous, first_start - timedelta(minutes=15))
            if step.timed and step.at.year == YEAR:
                timings[step.timed].append(max(0, (step.at - since) / timedelta(minutes=1)))
            previous = step.at
    return timings


def _room_hours():
    return sum((end - start) / timedelta(hours=1) for plan in SCENARIO
               if plan.status == "completed" for start, end in plan.sessions_held)


def _clashing(plans, buffer=timedelta(minutes=30)):
    """How many requests overlap another's schedule (with the room's buffer)."""
    def overlap(a, b):
        return any(s1 < e2 + buffer and s2 < e1 + buffer
                   for s1, e1 in a.sessions_held for s2, e2 in b.sessions_held)
    return sum(1 for a in plans if any(overlap(a, b) for b in plans if b is not a))


def _office_hours():
    day, weekdays = datetime(YEAR, 1, 1), 0
    while day.year == YEAR:
        weekdays += day.weekday() < 5
        day += timedelta(days=1)
    return weekdays * 8.5


# ---------------------------------------------------------------- tests

def test_printed_totals_equal_the_scenario(year_of_loans, clients):
    response = clients["kasi"].get(f"/reports/annual/download?year={YEAR}")
    text, everything = body(pdf_text(response)), pdf_text(response, layout=False)
    assert f"LAPORAN TAHUNAN OPERASIONAL PONTIVE CENTER TAHUN {YEAR}" in everything
    assert "DINAS KOMUNIKASI DAN INFORMATIKA" in everything
    assert f"Periode 1 Januari {YEAR} s.d. 31 Desember {YEAR}" in everything
    words = body(everything)

    # Loans per month, by the month of the first session.
    months = section(text, "PEMINJAMAN PER BULAN", "PEMINJAMAN MENURUT JENIS")
    by_month = {}
    for plan in SCENARIO:
        by_month.setdefault(min(plan.sessions_held)[0].month, []).append(plan)
    for number_, name in enumerate(MONTHS, start=1):
        assert row(months, name, 6) == expected_tally(by_month.get(number_, [])), name
    assert row(months, "Jumlah", 6) == expected_tally(SCENARIO)
    # The chart's month abbreviations.
    assert re.search(r"Jan\s+Feb\s+Mar\s+Apr\s+Mei\s+Jun\s+Jul\s+Agu\s+Sep\s+Okt\s+Nov"
                     r"\s+Des", months)

    # Per kind of borrower.
    kinds = section(text, "PEMINJAMAN MENURUT JENIS", "PEMAKAIAN RUANG")
    for kind, label in KIND_LABELS.items():
        plans = [plan for plan in SCENARIO if KINDS[plan.borrower] == kind]
        assert row(kinds, label, 6) == expected_tally(plans), label

    # Summary.
    summary = section(text, "RINGKASAN DALAM ANGKA", "PEMINJAMAN PER BULAN")
    statuses = Counter(plan.status for plan in SCENARIO)
    assert row(summary, "Permohonan Peminjaman", 1) == [str(len(SCENARIO))]
    assert row(summary, "Ditolak", 1) == [str(statuses["rejected"])]
    assert row(summary, "Dibatalkan", 1) == [str(statuses["cancelled"])]
    hours, office = _room_hours(), _office_hours()
    share = f"{number(100 * hours / office)}%"
    assert row(summary, "Jam pemakaian ruang", 1) == [
        f"{number(hours)} jam ({share} dari jam kerja)"]

    # Room use.
    room = db.session.query(Room).order_by(Room.id).first()
    use = section(text, "PEMAKAIAN RUANG", "BENTROK JADWAL")
    held = [s for plan in SCENARIO if plan.status == "completed" for s in plan.sessions_held]
    assert row(use, room.name, 3) == [str(len(held)), number(hours), share]
    assert f"{number(office)} jam" in flat(use)

    # Clashes and reschedules.
    clashes = section(text, "BENTROK JADWAL", "KEPATUHAN TERHADAP MUTU BAKU")
    actions = Counter(step.action for plan in SCENARIO for step in plan.steps)
    assert row(clashes, "Permohonan yang jadwalnya bentrok dengan permohonan lain untuk "
               "ruang yang sama", 1) == [str(_clashing(SCENARIO))]
    assert row(clashes, "Usulan jadwal lain oleh Kasi", 1) == [
        str(actions["propose_reschedule"])]
    assert row(clashes, "— diterima peminjam", 1) == [str(actions["accept_reschedule"])]
    assert row(clashes, "— ditolak peminjam", 1) == [str(actions["decline_reschedule"])]
    assert row(clashes, "— lewat waktu tanpa jawaban", 1) == [str(actions["lapse"])]
    assert row(clashes, "— permohonan ditolak atau dibatalkan selama usulan berlaku",
               1) == ["0"]
    assert row(clashes, "— masih menunggu jawaban peminjam", 1) == ["0"]

    # Mutu baku per step: count, within the standard, %, median, longest.
    compliance = section(text, "KEPATUHAN TERHADAP MUTU BAKU", "KERUSAKAN PERALATAN")
    for code, elapsed in expected_timings().items():
        label, standard = MUTU_BAKU[code]
        within = sum(1 for value in elapsed if value <= standard)
        assert row(compliance, label, 6) == [
            f"{standard} menit", str(len(elapsed)), str(within),
            f"{number(100 * within / len(elapsed))}%", minutes(median(elapsed)),
            minutes(max(elapsed))], label

    # Damage: reported at the preparations, one repaired two days later.
    damage = section(text, "KERUSAKAN PERALATAN", "PERMOHONAN YANG DITOLAK")
    assert row(damage, "Laporan kerusakan yang dibuat", 1) == ["2"]
    assert row(damage, "Sudah diperbaiki", 1) == ["1"]
    assert row(damage, "Belum diperbaiki", 1) == ["1"]
    assert row(damage, "Waktu perbaikan terlama", 1) == ["2,0 hari"]

    # Rejected and cancelled, with their reasons.
    endings = section(words, "PERMOHONAN YANG DITOLAK", "LAMPIRAN")
    for plan in SCENARIO:
        reasons = [s.arguments["reason"] for s in plan.steps if "reason" in s.arguments]
        for reason in reasons:
            assert reason in endings
    assert "Ditolak oleh Kabid TKPBET" in endings
    assert "Dibatalkan oleh Peminjam" in endings

    # The Kabid signs; the appendix lists the year's loans and only them.
    assert "Kepala Bidang Tata Kelola Pemerintahan" in words
    appendix = words[words.index("LAMPIRAN"):]
    for plan in SCENARIO:
        assert plan.title in appendix
    for plan in OTHER_YEARS:
        assert plan.title not in everything
    pages = len(re.findall(r"Halaman \d+ dari (\d+)", text))
    assert re.search(rf"Halaman {pages} dari {pages}", text)


def test_narratives_written_on_the_page_are_printed(year_of_loans, clients):
    page = clients["kabid"].get(f"/reports/annual/?year={YEAR}")
    assert page.status_code == 200
    assert 'name="pendahuluan"' in page.get_data(as_text=True)
    response = clients["kabid"].post(f"/reports/annual/narratives?year={YEAR}", data={
        "pendahuluan": "Laporan ini merangkum pemakaian ruang rapat.\n\nParagraf kedua.",
        "kendala": "Proyektor sempat rusak pada bulan Januari.",
        "rekomendasi": "",
    })
    assert response.status_code == 302
    # The Kasi edits one section; the others stay.
    response = clients["kasi"].post(f"/reports/annual/narratives?year={YEAR}", data={
        "pendahuluan": "Laporan ini merangkum pemakaian ruang rapat.\n\nParagraf kedua.",
        "kendala": "Proyektor sempat rusak pada bulan Januari.",
        "rekomendasi": "Tambah satu proyektor cadangan.",
    })
    assert response.status_code == 302
    page = clients["adminpc"].get(f"/reports/annual/?year={YEAR}").get_data(as_text=True)
    assert "Tambah satu proyektor cadangan." in page
    assert 'name="pendahuluan"' not in page  # read only

    words = pdf_text(clients["adminpc"].get(f"/reports/annual/download?year={YEAR}"),
                     layout=False)
    assert "I. PENDAHULUAN Laporan ini merangkum pemakaian ruang rapat." in words
    assert "Paragraf kedua." in words
    assert "KENDALA Proyektor sempat rusak pada bulan Januari." in words
    assert "REKOMENDASI Tambah satu proyektor cadangan." in words


def test_a_narrative_too_long_is_refused_in_indonesian(year_of_loans, clients):
    response = clients["kasi"].post(f"/reports/annual/narratives?year={YEAR + 1}", data={
        "pendahuluan": "x" * 5001, "kendala": "Tetap", "rekomendasi": ""})
    assert response.status_code == 400
    assert "Paling banyak 5000 karakter." in response.get_data(as_text=True)
    words = pdf_text(clients["kasi"].get(f"/reports/annual/download?year={YEAR + 1}"),
                     layout=False)
    assert "Tetap" not in words


def test_a_year_without_data_is_an_honest_report_of_zeros(year_of_loans, clients):
    text = body(pdf_text(clients["kabid"].get(
        f"/reports/annual/download?year={EMPTY_YEAR}")))
    words = flat(text)
    assert f"Tidak ada data untuk tahun {EMPTY_YEAR}" in words
    months = section(text, "PEMINJAMAN PER BULAN", "PEMINJAMAN MENURUT JENIS")
    for name in MONTHS + ["Jumlah"]:
        assert row(months, name, 6) == ["0"] * 6
    compliance = section(text, "KEPATUHAN TERHADAP MUTU BAKU", "KERUSAKAN PERALATAN")
    assert row(compliance, "Disposisi oleh Kabid", 6) == ["15 menit", "0", "0", "—", "—",
                                                          "—"]
    assert "Tidak ada data." in flat(text[text.index("LAMPIRAN"):])


@pytest.mark.parametrize("year,message", [
    ("abc", "Tahun harus berupa angka"),
    ("1999", "Laporan tahunan hanya dapat dibuat untuk tahun 2000 sampai dengan"),
    ("99999", "Tahun harus berupa angka"),
    ("2100", "Laporan tahunan hanya dapat dibuat untuk tahun 2000 sampai dengan"),
])
@pytest.mark.parametrize("path", ["/reports/annual/", "/reports/annual/download"])
def test_a_bad_year_gets_an_indonesian_message(clients, path, year, message):
    response = clients["adminpc"].get(f"{path}?year={year}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)


def test_a_borrower_may_not_see_or_write_the_report(year_of_loans, clients):
    client = clients["peminjam1"]
    assert client.get("/reports/annual/").status_code == 403
    assert client.get(f"/reports/annual/download?year={YEAR}").status_code == 403
    response = client.post(f"/reports/annual/narratives?year={YEAR}",
                           data={"pendahuluan": "Tulisan peminjam"})
    assert response.status_code == 403
    assert "Tulisan peminjam" not in pdf_text(
        clients["kasi"].get(f"/reports/annual/download?year={YEAR}"), layout=False)


@pytest.mark.parametrize("name", ["adminpc", "admin"])
def test_the_admins_read_but_do_not_write_narratives(year_of_loans, clients, name):
    client = clients[name]
    assert client.get(f"/reports/annual/?year={YEAR}").status_code == 200
    response = client.post(f"/reports/annual/narratives?year={YEAR}",
                           data={"pendahuluan": "Tulisan admin"})
    assert response.status_code == 403


# ---------------------------------------------------------------- the book's form

def pages_of(response):
    assert response.status_code == 200
    return [" ".join(page.extract_text().split())
            for page in pypdf.PdfReader(io.BytesIO(response.data)).pages]


def test_cover_foreword_and_contents_with_their_pages(year_of_loans, clients):
    pages = pages_of(clients["kasi"].get(f"/reports/annual/download?year={YEAR}"))
    cover, foreword, contents = pages[:3]
    # The cover: the letterhead, no page number, no footer.
    assert "PEMERINTAH KOTA PONTIANAK" in cover and "TAHUN 2025" in cover
    assert "Halaman" not in cover and "Dicetak" not in cover
    # The front matter, numbered i, ii; the Kabid signs the foreword.
    assert foreword.startswith("KATA PENGANTAR Puji syukur")
    assert "Kepala Bidang Tata Kelola Pemerintahan" in foreword
    assert foreword.endswith("Halaman i") and contents.endswith("Halaman ii")
    # Each entry of the Daftar Isi names the page its heading is on.
    entries = re.findall(r"((?:[IVX]+\. )?[A-Z][A-Z ()/,-]+?) (i|ii|\d+)(?= |$)",
                         contents.split("DAFTAR ISI", 1)[1].split(" Dicetak")[0])
    headings = [entry for entry, _page in entries]
    assert headings[:2] == ["KATA PENGANTAR", "DAFTAR ISI"]
    assert headings[-1] == "LAMPIRAN"
    numbered = [entry.split(". ", 1) for entry in headings[2:-1]]
    assert [number for number, _title in numbered] == ROMAN[:len(numbered)]
    for title in ("RINGKASAN DALAM ANGKA", "PEMINJAMAN PER BULAN", "PESERTA DAN PENGUNJUNG",
                  "KEPATUHAN TERHADAP MUTU BAKU WAKTU", "PERMOHONAN YANG DITOLAK DAN "
                  "DIBATALKAN"):
        assert title in [title for _number, title in numbered], title
    body = pages[3:]
    for entry, page in entries:
        if page in ("i", "ii"):
            on = pages[1 + ["i", "ii"].index(page)]
        else:
            on = body[int(page) - 1]
            assert on.endswith(f"Halaman {page} dari {len(body)}"), entry
        assert entry in on, (entry, page)


def test_tables_and_charts_are_numbered(year_of_loans, clients):
    words = body(pdf_text(clients["kasi"].get(f"/reports/annual/download?year={YEAR}"),
                          layout=False))
    tables = [int(n) for n in re.findall(r"Tabel (\d+)\. ", words)]
    charts = [int(n) for n in re.findall(r"Grafik (\d+)\. ", words)]
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 10
    assert charts == [1, 2, 3]
    assert "Tabel 1. Ringkasan dalam angka" in words
    assert "Grafik 1. Peminjaman per bulan" in words
    # A chart's caption is under it, a table's above it.
    assert words.index("Grafik 1.") < words.index("Tabel 2. Peminjaman per bulan") \
        < words.index("Bulan Permohonan Terlaksana")


def test_participants_visitors_and_the_appendix_total(year_of_loans, clients):
    response = clients["kasi"].get(f"/reports/annual/download?year={YEAR}")
    text, words = body(pdf_text(response)), body(pdf_text(response, layout=False))
    held = [plan for plan in SCENARIO if plan.status == "completed"]
    planned, attended = 10 * len(held), 18 * len(held)  # as submit_loan and take give
    people = section(text, "PESERTA DAN PENGUNJUNG", "PEMAKAIAN RUANG")
    assert row(people, "Peminjaman ruang", 3) == [str(len(held)), str(planned),
                                                 str(attended)]
    assert row(people, "Kunjungan", 3) == ["0", "0", "0"]
    assert row(people, "Jumlah", 3) == [str(len(held)), str(planned), str(attended)]
    summary = section(text, "RINGKASAN DALAM ANGKA", "PEMINJAMAN PER BULAN")
    assert row(summary, "Peserta permohonan yang terlaksana (rencana / hadir)", 1) == [
        f"{planned} / {attended}"]
    assert row(summary, "Pengunjung (kunjungan yang terlaksana)", 1) == ["0"]
    # The appendix: who came, and the total of the year.
    appendix = words[words.index("LAMPIRAN"):]
    assert "Peserta rencana Peserta hadir Status" in appendix
    assert (f"Jumlah: {len(SCENARIO)} permohonan {10 * len(SCENARIO)} {attended}"
            in appendix)


def test_the_month_charts_legend_is_under_it(year_of_loans, clients):
    text = body(pdf_text(clients["kasi"].get(f"/reports/annual/download?year={YEAR}")))
    months = section(text, "PEMINJAMAN PER BULAN", "Tabel 2.")
    lines = months.splitlines()
    axis = next(n for n, line in enumerate(lines) if re.search(r"Jan\s+Feb\s+Mar", line))
    legend = next(n for n, line in enumerate(lines)
                  if re.fullmatch(r"\s*Permohonan\s+Terlaksana\s*", line))
    assert axis < legend  # not up against the heading


OTHER_YEAR = 2022  # a year no other test of this module uses
ROMAN = list(annual.ROMAN)


def test_a_repair_under_a_day_is_given_in_hours(year_of_loans, clients):
    equipment = db.session.query(Room).order_by(Room.id).first().equipment
    reported = wib(3, 7, 9, year=OTHER_YEAR)
    for item, hours in zip(equipment[:2], (5.5, 50)):
        db.session.add(DamageReport(equipment_id=item.id, reporter_id=user("adminpc").id,
                                    description="Rusak", reported_at=reported,
                                    repaired_at=reported + timedelta(hours=hours),
                                    status=DamageStatus.REPAIRED))
    db.session.commit()
    text = body(pdf_text(clients["kasi"].get(
        f"/reports/annual/download?year={OTHER_YEAR}")))
    damage = section(text, "KERUSAKAN PERALATAN", "PERMOHONAN YANG DITOLAK")
    assert row(damage, "Waktu perbaikan terlama", 1) == ["2,1 hari"]
    longest = {item.name: hours for item, hours in zip(equipment[:2], ("5,5 jam",
                                                                       "2,1 hari"))}
    for name, shown in longest.items():
        assert re.search(rf"^ *{name} .*{shown} *$", damage, flags=re.MULTILINE), name


def test_a_numbered_list_keeps_one_indent(year_of_loans, clients):
    """Each item of a list in a narrative at one indent, its wrapped lines
    under its text (not under its number, nor indented as a paragraph)."""
    clients["kabid"].post(f"/reports/annual/narratives?year={OTHER_YEAR}", data={
        "pendahuluan": "", "rekomendasi": "",
        "kendala": "Kendala tahun ini:\n1. Proyektor rusak dua kali dan harus diganti "
                   "lampunya; penggantian memakan waktu lebih dari satu minggu kerja "
                   "penuh.\n2. AC bocor.\n10. Jaringan internet sering terputus."})
    response = clients["kasi"].get(f"/reports/annual/download?year={OTHER_YEAR}")
    lines = []  # (the line's start, where it starts), in order
    for page in pypdf.PdfReader(io.BytesIO(response.data)).pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: text.strip() and
                          lines.append((text.strip()[:9], round(tm[4] + cm[4], 1))))
    starts = dict(lines)
    first = lines.index(("Proyektor", starts["Proyektor"]))
    wrapped = lines[first + 1]  # the first item's second line
    assert wrapped[0] != "2.", lines
    numbers = {starts["1."], starts["2."], starts["10."]}
    items = {starts["Proyektor"], starts["AC bocor."], starts["Jaringan "], wrapped[1]}
    assert len(numbers) == 1 and len(items) == 1, lines
    assert items.pop() > numbers.pop()
