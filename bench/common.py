"""What the benchmarks share: a scratch database, the app on it, office days,
summaries of samples, the machine they ran on and their sections of
docs/performance.md."""
import contextlib
import gc
import os
import platform
import statistics
import tempfile
import tracemalloc
import uuid
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock

import sqlalchemy as sa
from sqlalchemy.engine import make_url

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
DOC = os.path.join(PROJECT_DIR, "docs", "performance.md")
WIB = timezone(timedelta(hours=7))  # Asia/Pontianak: UTC+7 all year


@contextlib.contextmanager
def scratch_database(database_url=None):
    """A URL of an empty database that is removed afterwards."""
    if not database_url:
        with tempfile.TemporaryDirectory(prefix="pontive-bench-") as directory:
            yield f"sqlite:///{os.path.join(directory, 'bench.db')}"
        return
    url = make_url(database_url)
    if url.drivername.startswith("sqlite"):
        yield database_url  # a file the caller chose; left in place
        return
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"{url.database or 'postgres'}_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def make_app(database_url, upload_folder, **overrides):
    from app import create_app

    return create_app({
        "TESTING": True,  # the development secret key is fine here
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": upload_folder,
        "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **overrides,
    })


def office_days(first, years):
    """Weekdays that are not national holidays, from ``first`` for ``years``."""
    import holidays

    last = date(first.year + years, first.month, first.day)
    closed = holidays.country_holidays(
        "ID", years=range(first.year, last.year + 1), categories=("public", "government"))
    day, days = first, []
    while day < last:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def at(day, minutes):
    """Aware UTC datetime of ``minutes`` after midnight WIB on ``day``."""
    local = datetime.combine(day, clock(0, 0), tzinfo=WIB) + timedelta(minutes=minutes)
    return local.astimezone(timezone.utc)


def percentile(ordered, share):
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def summary(samples_ns):
    """Median, p95, mean and minimum of samples in ns, in µs."""
    ordered = sorted(samples_ns)
    return {
        "median_us": round(statistics.median(ordered) / 1000, 1),
        "p95_us": round(percentile(ordered, 0.95) / 1000, 1),
        "mean_us": round(statistics.fmean(ordered) / 1000, 1),
        "min_us": round(ordered[0] / 1000, 1),
    }


def machine():
    """The machine a run is on, in words."""
    model = ""
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle
                          if line.startswith("model name")), "")
    memory = ""
    with contextlib.suppress(OSError, StopIteration, ValueError):
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kib = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
            memory = f", {kib / 2**20:.1f} GiB RAM"
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
            f"{' (' + model + ')' if model else ''}{memory}, "
            f"Python {platform.python_version()}, SQLAlchemy {sa.__version__}")


def add_data_arguments(parser):
    """The options of a run over seeded ten years: the databases, how many
    requests and borrowers."""
    parser.add_argument("--database-url", action="append", default=None,
                        help="'sqlite' (a temporary file) or a PostgreSQL server URL (a "
                             "scratch database is created and dropped there); repeat "
                             "for several; default: sqlite")
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--borrowers", type=int, default=300)


def store_by_database(result, results_path):
    """Keep ``result`` in the JSON file under its database kind, beside the
    other kinds' results; returns them all."""
    import json

    os.makedirs(os.path.dirname(results_path), exist_ok=True)
    stored = {}
    if os.path.exists(results_path):
        with open(results_path, encoding="utf-8") as handle:
            stored = json.load(handle)
    stored[result["database"]] = result
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(stored, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return stored


def write_section(section, start, end, doc_path=DOC):
    """Put ``section`` (which begins with ``start`` and ends with ``end``) in
    place of the text between those markers, or append it."""
    text = "# Performance\n\nBenchmarks live in `bench/`; each keeps its section here.\n"
    if os.path.exists(doc_path):
        with open(doc_path, encoding="utf-8") as handle:
            text = handle.read()
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    os.makedirs(os.path.dirname(doc_path), exist_ok=True)
    with open(doc_path, "w", encoding="utf-8") as handle:
        handle.write(text)


def peak_memory(contenders, before):
    """Peak traced memory of one run of each contender, ``before()`` run first
    so that none starts with what another left in a cache."""
    peaks = {}
    for name, function in contenders.items():
        before()
        gc.collect()
        tracemalloc.start()
        function()
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peaks
