"""Loan-register benchmark: the Daftar Peminjaman of 10,000 loans against a floor.

    python bench/register.py                 # 10,000 loans, SQLite in a temp dir
    python bench/register.py --loans 2000 --no-save

Builds a scratch SQLite database (``conflict_check.scratch_database``), applies
the migrations and bulk-inserts ``--loans`` loans (1 to 3 sessions each, in
three rooms, never overlapping, about four and a half years of office days,
every status and kind of institution). Then it renders, alternately,
``--repetitions`` times:

(a) the register: ``app.documents.register.render`` of the whole period, what
    the "Daftar Peminjaman" page sends: the streamed query, Indonesian dates,
    letterhead, the table laid out a page at a time (PagedTable), "Halaman x
    dari y" and the signature;
(b) the floor: the same rows as one bare reportlab ``Table`` (same columns and
    widths, header repeated) in a plain ``SimpleDocTemplate``; its cell texts
    are prepared (queried, formatted and wrapped) before the clock starts.
(c) for reference, the same prepared texts laid out by ``PagedTable`` in a
    plain ``SimpleDocTemplate``: the layout alone, without query or formatting.

It reports the median time of each, the ratio (a)/(b) (goal: at most 1.5) and
(a)/(c), and the peak memory of each (tracemalloc, measured in separate runs
because tracing slows the code down). Each run stores its figures in
bench/results/register.json and rewrites its section of docs/performance.md.

Not part of the test suite; tests/test_bench.py runs :func:`run` on a tiny
dataset to show the script works.
"""
import argparse
import gc
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for path in (PROJECT_DIR, BENCH_DIR):
    if path not in sys.path:
        sys.path.insert(0, path)

from common import (
    WIB,
    make_app,
    office_days,
    peak_memory,
    scratch_database,
    write_section,
)

RESULTS = os.path.join(BENCH_DIR, "results", "register.json")
DOC = os.path.join(PROJECT_DIR, "docs", "performance.md")
DOC_START = "<!-- register:start -->"
DOC_END = "<!-- register:end -->"
COMMAND = "python bench/register.py [--loans 10000] [--repetitions 3]"
GOAL = 1.5

FIRST_DAY = date(2024, 1, 1)
ROOMS = 3
SLOTS = (8 * 60, 10 * 60, 12 * 60, 14 * 60)  # session starts, minutes after midnight
SESSION_MINUTES = 90  # plus the rooms' 30 minutes: the next slot is free again
STATUSES = ("submitted", "disposed", "reschedule_proposed", "confirmed", "scheduled",
            "prepared", "completed", "completed", "completed", "no_show", "rejected",
            "cancelled")
INSTITUTIONS = (
    ("Dinas Pendidikan dan Kebudayaan Kota Pontianak", "opd"),
    ("Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah Kota Pontianak", "opd"),
    ("Dinas Kependudukan dan Pencatatan Sipil Kota Pontianak", "opd"),
    ("Lembaga Pengembangan Teknologi Informasi Kalimantan Barat", "lembaga"),
    ("SMA Negeri 1 Pontianak", "sekolah"),
    ("SMK Negeri 4 Pontianak", "sekolah"),
    ("Universitas Tanjungpura", "universitas"),
    ("Politeknik Negeri Pontianak", "universitas"),
    ("Komunitas Pegiat Data Terbuka Pontianak", "lainnya"),
)
TITLES = ("Rapat koordinasi", "Bimbingan teknis aplikasi", "Sosialisasi layanan",
          "Pelatihan analisis data dan penyusunan dasbor kinerja", "Lokakarya",
          "Seminar kota cerdas", "Kunjungan studi mahasiswa")


# ---------------------------------------------------------------- the data

def _at(day, minutes):
    local = datetime.combine(day, clock(0, 0), tzinfo=WIB) + timedelta(minutes=minutes)
    return local.astimezone(timezone.utc)


def populate(app, loans, seed=2026):
    """Bulk-insert one borrower, the institutions, rooms and ``loans`` loans.

    Each room's office days are cut into four slots; a loan takes the next
    one to three slots of a room in turn, so no two sessions of a room
    overlap (occupying ones included). Returns (period first, last, counts).
    """
    import sqlalchemy as sa

    from app.models import Institution, LoanRequest, LoanSession, LoanStatus, Room
    from app.platform.extensions import db
    from app.security.roles import PEMINJAM

    rng = random.Random(seed)
    sm = app.appbuilder.sm
    borrower = sm.add_user(
        username="bench", first_name="Bench", last_name="Peminjam",
        email="bench@example.org", role=sm.find_role(PEMINJAM), password="Bench#2026x")
    institutions = [Institution(name=name, kind=kind) for name, kind in INSTITUTIONS]
    rooms = [Room(name=f"Ruang Uji {n + 1}", capacity=60, prep_buffer_minutes=30)
             for n in range(ROOMS)]
    db.session.add_all(institutions + rooms)
    db.session.commit()

    days = office_days(FIRST_DAY, 10)
    slots = [[(day, start) for day in days for start in SLOTS] for _ in rooms]
    taken = [0] * len(rooms)
    next_id = (db.session.query(sa.func.max(LoanRequest.id)).scalar() or 0) + 1
    loan_rows, session_rows = [], []
    for n in range(loans):
        loan_id = next_id + n
        r = n % len(rooms)
        count = rng.choice((1, 1, 1, 1, 1, 2, 3))
        status = rng.choice(STATUSES)
        institution = rng.choice(institutions)
        chosen = slots[r][taken[r]:taken[r] + count]
        taken[r] += count
        created = _at(chosen[0][0], 0) - timedelta(days=rng.randint(7, 60))
        loan_rows.append({
            "id": loan_id, "registration_number": f"PC/{created.year}/{loan_id:05d}",
            "kind": "peminjaman", "borrower_id": borrower.id,
            "institution_id": institution.id, "room_id": rooms[r].id,
            "letter_number": f"000.1/{loan_id}/{institution.kind.upper()}/{created.year}",
            "letter_date": created.date(), "subject": "Permohonan peminjaman ruang rapat",
            "title": f"{rng.choice(TITLES)} {loan_id}", "description": None,
            "participants": rng.randint(5, 60), "contact_name": "Kontak Uji",
            "contact_phone": "0812-0000-0000", "no_buffet_pledge": True,
            "status": status, "status_changed_at": created, "created_at": created,
            "updated_at": created,
        })
        for day, start in chosen:
            starts_at = _at(day, start)
            ends_at = starts_at + timedelta(minutes=SESSION_MINUTES)
            session_rows.append({
                "loan_id": loan_id, "room_id": rooms[r].id, "starts_at": starts_at,
                "ends_at": ends_at, "blocked_until": ends_at + timedelta(minutes=30),
                "occupying": status in LoanStatus.OCCUPYING, "proposed": False,
            })
    connection = db.session.connection()
    for table, rows in ((LoanRequest.__table__, loan_rows),
                        (LoanSession.__table__, session_rows)):
        for chunk in range(0, len(rows), 5000):
            connection.execute(table.insert(), rows[chunk:chunk + 5000])
    db.session.commit()
    first = min(s["starts_at"] for s in session_rows).astimezone(WIB).date()
    last = max(s["starts_at"] for s in session_rows).astimezone(WIB).date()
    return first, last, {"loans": len(loan_rows), "sessions": len(session_rows),
                         "rooms": len(rooms), "first_day": first.isoformat(),
                         "last_day": last.isoformat()}


# ---------------------------------------------------------------- the contenders

def prepared_cells(selection):
    """The register's header and cell texts, queried, formatted and wrapped
    to their columns (what the floor starts from)."""
    from flask_babel import force_locale

    from app.documents import register
    from app.documents.long_table import BOLD, FONT, PagedTable, wrap_text
    from app.documents.register_data import register_rows

    widths = [width for _label, width in register.COLUMNS]
    padding = 2 * PagedTable.padding

    def wrapped(texts, font):
        return ["\n".join(wrap_text(text, font, PagedTable.font_size, width - padding))
                for text, width in zip(texts, widths)]

    with force_locale("id"):
        header = wrapped([str(label) for label, _width in register.COLUMNS], BOLD)
        rows = [wrapped(cells, FONT)
                for cells in register.table_cells(register_rows(selection))]
    return header, rows, widths


def _plain_document(buffer):
    """A SimpleDocTemplate of the register's page size and margins."""
    from reportlab.platypus import SimpleDocTemplate

    from app.documents.layout import LANDSCAPE, MARGIN

    return SimpleDocTemplate(buffer, pagesize=LANDSCAPE, leftMargin=MARGIN,
                             rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)


def floor_table(header, rows, widths):
    """One bare reportlab Table in a plain SimpleDocTemplate."""
    from reportlab.platypus import Table

    buffer = io.BytesIO()
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8, 10),
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8, 10),
                    ("GRID", (0, 0), (-1, -1), 0.4, "black"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP")])
    _plain_document(buffer).build([table])
    return buffer.getvalue()


def floor_paged(header, rows, widths):
    """The same texts laid out by PagedTable in a plain SimpleDocTemplate."""
    from app.documents.long_table import PagedTable

    buffer = io.BytesIO()
    _plain_document(buffer).build([PagedTable(header, rows, widths)])
    return buffer.getvalue()


def _pages(pdf):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(app, selection, repetitions):
    from app.documents import register
    from app.documents.long_table import wrap_text

    def run_register():
        with app.test_request_context("/"):
            return register.render(selection)

    with app.test_request_context("/"):
        header, rows, widths = prepared_cells(selection)
    contenders = {
        "register": run_register,
        "floor": lambda: floor_table(header, rows, widths),
        "paged_floor": lambda: floor_paged(header, rows, widths),
    }
    wall = {name: [] for name in contenders}
    cpu = {name: [] for name in contenders}
    pages = {}
    for n in range(repetitions):
        names = list(contenders)
        for name in names[n % len(names):] + names[:n % len(names)]:
            wrap_text.cache_clear()  # no contender starts with texts measured before
            gc.collect()
            started, started_cpu = time.perf_counter(), time.process_time()
            pdf = contenders[name]()
            cpu[name].append(time.process_time() - started_cpu)
            wall[name].append(time.perf_counter() - started)
            pages[name] = _pages(pdf)
    peaks = peak_memory(contenders, before=wrap_text.cache_clear)
    result = {
        name: {"cpu_median_s": round(statistics.median(cpu[name]), 2),
               "wall_median_s": round(statistics.median(wall[name]), 2),
               "peak_mib": round(peaks[name] / 2**20, 1), "pages": pages[name]}
        for name in contenders
    }
    result["rows"] = len(rows)
    result["ratio"] = _ratio(result, "register", "floor")
    result["ratio_to_paged_floor"] = _ratio(result, "register", "paged_floor")
    return result


def _ratio(result, a, b):
    return round(result[a]["cpu_median_s"] / result[b]["cpu_median_s"], 2)


def run(loans=10_000, repetitions=3, seed=2026, echo=print):
    """Build the scratch database, fill it, measure; returns the result dict."""
    import reportlab

    from app.documents.register_data import Selection
    from app.ops.setup import prepare_database
    from app.platform.extensions import db

    with scratch_database() as url, \
            tempfile.TemporaryDirectory(prefix="pontive-bench-up-") as uploads:
        app = make_app(url, uploads)
        with app.app_context():
            echo("migrating a scratch SQLite database")
            prepare_database()
            echo(f"inserting {loans:,} loans")
            started = time.perf_counter()
            first, last, data = populate(app, loans, seed=seed)
            data["insert_seconds"] = round(time.perf_counter() - started, 1)
            echo(f"inserted in {data['insert_seconds']} s; rendering {repetitions}x")
            timings = measure(app, Selection(first, last), repetitions)
            db.session.remove()
            db.engine.dispose()
    return {
        "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
                   f"Python {platform.python_version()}, reportlab {reportlab.Version}",
        "data": data,
        "repetitions": repetitions,
        **timings,
        "goal_ratio": GOAL,
        "within_goal": timings["ratio"] <= GOAL,
    }


# ---------------------------------------------------------------- reporting

def doc_section(result):
    r, f, p, d = result["register"], result["floor"], result["paged_floor"], result["data"]
    return "\n".join([
        DOC_START,
        "## Loan register (Daftar Peminjaman)",
        "",
        "(a) `app.documents.register.render` of a period holding every loan: the "
        "streamed query, Indonesian dates, letterhead, the table laid out a page at a "
        "time by `PagedTable`, \"Halaman x dari y\" and the signature; (b) the floor: "
        "the same rows as one bare reportlab `Table` (same columns, widths and margins, "
        "header repeated) in a plain `SimpleDocTemplate`, its cell texts queried, "
        "formatted and wrapped before the clock starts; (c) for reference, those "
        "prepared texts laid out by `PagedTable` in a plain `SimpleDocTemplate`: (a) "
        "less the query, the formatting and the page furniture. They alternate; times "
        "are CPU time of the process (the machine is shared), wall-clock beside it. "
        "Peak memory is tracemalloc's, in runs of their own. Goal: (a) within 1.5× of "
        f"(b). Repeat with `{COMMAND}`; every figure is in `bench/results/register.json`.",
        "",
        "| loans (sessions) | pages (a) / (b) | register (a) | floor (b) | (a)/(b) | "
        "paged floor (c) | (a)/(c) | peak memory (a) / (b) / (c) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {d['loans']:,} ({d['sessions']:,}) | {r['pages']:,} / {f['pages']:,} | "
        f"{r['cpu_median_s']} s ({r['wall_median_s']} s) | "
        f"{f['cpu_median_s']} s ({f['wall_median_s']} s) | {result['ratio']}× | "
        f"{p['cpu_median_s']} s ({p['wall_median_s']} s) | "
        f"{result['ratio_to_paged_floor']}× | {r['peak_mib']} / {f['peak_mib']} / "
        f"{p['peak_mib']} MiB |",
        "",
        f"Measured {result['measured_at']} on {result['machine']}; SQLite, "
        f"{d['rooms']} rooms, sessions {d['first_day']} to {d['last_day']}, inserted in "
        f"{d['insert_seconds']} s; median of {result['repetitions']} runs each.",
        DOC_END,
    ])


def save(result, results_path=RESULTS, doc_path=DOC):
    os.makedirs(os.path.dirname(results_path), exist_ok=True)
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    write_section(doc_section(result), DOC_START, DOC_END, doc_path)


def report(result):
    lines = [f"{result['data']['loans']:,} loans ({result['data']['sessions']:,} sessions), "
             f"{result['repetitions']} runs each"]
    for name, label in (("register", "register"), ("floor", "floor (bare Table)"),
                        ("paged_floor", "paged floor")):
        r = result[name]
        lines.append(f"  {label:<19} CPU {r['cpu_median_s']:>7.2f} s   wall "
                     f"{r['wall_median_s']:>7.2f} s   peak {r['peak_mib']:>6.1f} MiB   "
                     f"{r['pages']:,} pages")
    lines.append(f"  register / floor       {result['ratio']}x   (goal <= {GOAL}x: "
                 f"{'met' if result['within_goal'] else 'NOT met'})")
    lines.append(f"  register / paged floor {result['ratio_to_paged_floor']}x")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-save", action="store_true",
                        help="print only; leave bench/results and docs alone")
    args = parser.parse_args(argv)
    result = run(args.loans, args.repetitions, args.seed)
    print(report(result))
    if not args.no_save:
        save(result)
        print(f"Saved {os.path.relpath(RESULTS, PROJECT_DIR)} and "
              f"{os.path.relpath(DOC, PROJECT_DIR)}")
    return 0 if result["within_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
