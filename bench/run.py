"""Ten years of data: pages, lookups and PDFs, each against a floor measured in the same run.

    python bench/run.py                                   # SQLite, 100,000 requests
    python bench/run.py --database-url sqlite --database-url postgresql://postgres@127.0.0.1:5432/test
    python bench/run.py --loans 2000 --no-save            # a quick look

For each database (SQLite in a temporary directory; on PostgreSQL a scratch
database next to the one the URL names, dropped afterwards): apply the
migrations, seed ten years of requests with their sessions and history, a few
hundred borrowers in institutions and several rooms (bench/seed.py), then
measure:

* pages through the Flask test client as a signed-in user (bench/pages.py):
  the staff request list (page 1 and a deep page), a borrower's own list, the
  dashboard of each role, the agenda month and ``GET /api/v1/loans/`` with a
  JWT; each against its floor, the same rows fetched by plain SQLAlchemy Core
  statements and rendered by a bare Jinja template (a reference: the pages'
  goal is set against the panels a user would pick instead,
  bench/peers/run.py);
* the conflict check (bench/conflict_check.py's measure) and the availability
  of a room for a week against one indexed query (bench/lookups.py; goal for
  the check: within 2x);
* the register PDF of 10,000 loans (bench/register.py's measure; goal: within
  1.5x of a bare reportlab table) and the annual report of the busiest year
  against a bare reportlab table of its appendix rows (bench/documents.py).

Figures: median and p95 time, SQL statements per call, peak memory
(tracemalloc); stored in bench/results/ten_years.json (one entry per database)
and written into docs/performance.md between the ten-years markers.
"""
import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timezone

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for path in (PROJECT_DIR, BENCH_DIR):
    if path not in sys.path:
        sys.path.insert(0, path)

import json  # noqa: E402

from common import (  # noqa: E402
    DOC,
    add_data_arguments,
    machine,
    make_app,
    scratch_database,
    write_section,
)

RESULTS = os.path.join(BENCH_DIR, "results", "ten_years.json")
DOC_START = "<!-- ten-years:start -->"
DOC_END = "<!-- ten-years:end -->"
COMMAND = ("python bench/run.py --database-url sqlite "
           "--database-url postgresql://postgres@127.0.0.1:5432/test")
CHECK_GOAL, REGISTER_GOAL = 2.0, 1.5


def run(database_url=None, loans=100_000, borrowers=300, page_repetitions=30,
        lookup_repetitions=1000, pdf_repetitions=3, register_loans=10_000,
        parts=("pages", "lookups", "register", "annual"), seed=2026, echo=print):
    """Seed one database and measure ``parts`` on it; returns the result dict
    (a part left out has no key; :func:`save` keeps its figures of before)."""
    import documents
    import lookups
    import pages
    import register
    import seed as seeding

    from app.documents.register_data import Selection
    from app.models import Room
    from app.ops.setup import prepare_database
    from app.platform.extensions import db
    from app.platform.timeutil import utcnow

    with scratch_database(database_url) as url, \
            tempfile.TemporaryDirectory(prefix="pontive-bench-up-") as uploads:
        app = make_app(url, uploads, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
        with app.app_context():
            kind = db.engine.dialect.name
            echo(f"[{kind}] migrating a scratch database")
            prepare_database()
            echo(f"[{kind}] seeding {loans:,} requests")
            started = time.perf_counter()
            now = utcnow()
            seeded = seeding.populate(app, loans, borrowers=borrowers, seed=seed, now=now,
                                      echo=echo)
            data = {**seeded.counts, "seed_seconds": round(time.perf_counter() - started, 1),
                    "busiest_year": seeded.busiest_year,
                    "loans_per_year": seeded.loans_per_year,
                    "busiest_borrower": seeded.busiest_borrower}
            echo(f"[{kind}] seeded in {data['seed_seconds']} s: {seeded.counts}")
            version = db.session.connection().exec_driver_sql(
                "SELECT sqlite_version()" if kind == "sqlite" else "SHOW server_version"
            ).scalar()
            sm = app.appbuilder.sm
            usernames = ["admin", "kabid", "kasi", "adminpc", seeded.busiest_borrower]
            ids = {name: sm.find_user(username=name).id for name in usernames}
            db.session.remove()

        measured = {}
        if "pages" in parts:
            echo(f"[{kind}] pages, {page_repetitions} requests each")
            logged_in = pages.clients(app, usernames, seeding.PASSWORD)
            token = pages.api_token(app, ids["kasi"])
            measured["pages"] = pages.measure(
                app, pages.page_list(seeded, now, ids, seeded.counts["loans"]), logged_in,
                token, repetitions=page_repetitions, echo=echo)

        with app.app_context():
            if "lookups" in parts:
                echo(f"[{kind}] conflict check and availability, "
                     f"{lookup_repetitions:,} each")
                rooms = db.session.query(Room).filter(Room.id.in_(seeded.rooms)).all()
                measured["conflict_check"] = lookups.conflict(
                    seeded.rooms, seeded.days, lookup_repetitions)
                measured["availability"] = lookups.availability(
                    rooms, seeded.days, now, repetitions=max(50, lookup_repetitions // 4))
            pdf_results = {}
            if "register" in parts:
                first, last = documents.register_period(seeded.busiest_year, register_loans)
                echo(f"[{kind}] register {first} to {last}, {pdf_repetitions}x")
                pdf_results["register"] = {
                    "first": first.isoformat(), "last": last.isoformat(),
                    **register.measure(app, Selection(first, last), pdf_repetitions)}
            if "annual" in parts:
                echo(f"[{kind}] annual report {seeded.busiest_year}, {pdf_repetitions}x")
                pdf_results["annual"] = documents.annual(
                    app, seeded.busiest_year, pdf_repetitions, echo=echo)
            db.session.remove()
            db.engine.dispose()
    return {
        "database": kind, "database_version": version,
        "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(), "data": data,
        **measured, "documents": pdf_results,
        "goals": {"conflict_check": CHECK_GOAL, "register": REGISTER_GOAL},
    }


# ---------------------------------------------------------------- reporting

def _ms(value_us):
    if value_us >= 1000:
        return f"{value_us / 1000:.1f} ms" if value_us >= 10_000 else f"{value_us / 1000:.2f} ms"
    return f"{value_us:.0f} µs"


def _mem(kib):
    return f"{kib / 1024:.1f} MiB" if kib >= 1024 else f"{kib} KiB"


def table_rows(result):
    """(measure, a median, a p95, floor median, floor p95, ratio median,
    ratio p95, CPU ratio median, queries a/floor, memory a/floor, goal met)
    per measure."""
    rows = []
    for name, r in result.get("pages", {}).items():
        a, f = r["app"], r["floor"]
        rows.append((name, _ms(a["median_us"]), _ms(a["p95_us"]), _ms(f["median_us"]),
                     _ms(f["p95_us"]), r["ratio_median"], r["ratio_p95"],
                     r.get("ratio_cpu_median", ""), f"{a['queries']} / {f['queries']}",
                     f"{_mem(a['peak_kib'])} / {_mem(f['peak_kib'])}",
                     None))  # the pages' goal is bench/peers/run.py's
    if "conflict_check" in result:
        c = result["conflict_check"]
        rows.append(("conflict check", _ms(c["check"]["median_us"]), _ms(c["check"]["p95_us"]),
                     _ms(c["floor"]["median_us"]), _ms(c["floor"]["p95_us"]),
                     c["ratio_median"], c["ratio_p95"], "",
                     f"{c['check']['queries']} / {c['floor']['queries']}",
                     f"{_mem(c['check']['peak_kib'])} / {_mem(c['floor']['peak_kib'])}",
                     c["ratio_median"] <= CHECK_GOAL))
    if "availability" in result:
        v = result["availability"]
        rows.append(("availability of a room, one week", _ms(v["lookup"]["median_us"]),
                     _ms(v["lookup"]["p95_us"]), _ms(v["floor"]["median_us"]),
                     _ms(v["floor"]["p95_us"]), v["ratio_median"], v["ratio_p95"], "",
                     f"{v['lookup']['queries']} / {v['floor']['queries']}",
                     f"{_mem(v['lookup']['peak_kib'])} / {_mem(v['floor']['peak_kib'])}", None))
    docs = result["documents"]
    if "register" in docs:
        g = docs["register"]
        rows.append((f"register PDF, {g['rows']:,} loans",
                     f"{g['register']['cpu_median_s']} s", "", f"{g['floor']['cpu_median_s']} s",
                     "", g["ratio"], "", g["ratio"], "",
                     f"{g['register']['peak_mib']} / {g['floor']['peak_mib']} MiB",
                     g["ratio"] <= REGISTER_GOAL))
    if "annual" in docs:
        n = docs["annual"]
        rows.append((f"annual report {n['year']}, {n['rows']:,} loans",
                     f"{n['report']['cpu_median_s']} s", f"{n['report']['cpu_max_s']} s",
                     f"{n['floor']['cpu_median_s']} s", f"{n['floor']['cpu_max_s']} s",
                     n["ratio"], "", n["ratio"], f"{n['report']['queries']} / {n['floor']['queries']}",
                     f"{n['report']['peak_mib']} / {n['floor']['peak_mib']} MiB", None))
    return rows


def doc_section(stored):
    lines = [
        DOC_START,
        "## Ten years of data",
        "",
        "Each database is seeded with ten years of requests (`bench/seed.py`: sessions "
        "on one to three consecutive office days, a history row per SOP step with its "
        "mutu baku timing, statuses that fit their time, a few hundred borrowers in "
        "institutions, several rooms). Pages are requested through Flask's test client "
        "as a signed-in user; the time is the request through the whole app. Each "
        "page's floor fetches the same rows with plain SQLAlchemy Core statements and "
        "renders them with a bare Jinja template (a list page: its rows and their total; "
        "a dashboard: counts per status, tasks, the week's bookings; the agenda: the "
        "month's sessions; the API: its rows and total as JSON). The lookups' floor is "
        "one indexed statement; the PDFs' a bare reportlab `Table` of the same rows, "
        "their texts prepared before the clock starts (PDF times are CPU time of the "
        "process, median and maximum of the runs). The machine is shared with other "
        "work: beside the wall-clock ratios, the ratio of the median CPU time of the "
        "process (which leaves out PostgreSQL's own work) is the steadier figure. Queries are SQL statements sent per "
        "call (app / floor); memory is tracemalloc's peak in a run of its own. The "
        "pages' floors are a reference, not a goal: the goal of 2× a bare page is "
        "retired (Django admin itself is about 4× that floor), and the pages are held "
        "to the panels a user would pick instead (the section on those panels). "
        "Goals: the conflict check within 2×, the register within 1.5×. Repeat with "
        f"`{COMMAND}` (add `--loans N` for another size); every figure is in "
        "`bench/results/ten_years.json`.",
    ]
    for kind in sorted(stored):
        r = stored[kind]
        d = r["data"]
        lines += [
            "",
            f"### {kind} {r['database_version'].split(' ')[0]}",
            "",
            f"Measured {r['measured_at']} on {r['machine']} (shared with other work, so "
            f"the ratios matter more than the times). {d['loans']:,} requests, "
            f"{d['sessions']:,} sessions ({d['occupying_sessions']:,} occupying), "
            f"{d['history']:,} history rows, {d['borrowers']:,} borrowers in "
            f"{d['institutions']} institutions, {d['rooms']} rooms, office days "
            f"{d['first_day']} to {d['last_day']}; seeded in {d['seed_seconds']} s. "
            f"Busiest year {d['busiest_year']}; the borrower's list is "
            f"{d['busiest_borrower']}'s ({d['busiest_borrower_loans']:,} requests).",
            "",
            "| measure | median | p95 | floor median | floor p95 | ratio median | "
            "ratio p95 | CPU ratio median | queries | peak memory | goal |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in table_rows(r):
            goal = {True: "met", False: "**not met**", None: "–"}[row[-1]]
            ratio = [f"{value}×" if value != "" else "" for value in row[5:8]]
            lines.append("| " + " | ".join([*map(str, row[:5]), *ratio,
                                            *map(str, row[8:10]), goal]) + " |")
    lines.append(DOC_END)
    return "\n".join(lines)


def save(result, results_path=RESULTS, doc_path=DOC):
    """Store ``result`` under its database kind, and rewrite the doc's section."""
    os.makedirs(os.path.dirname(results_path), exist_ok=True)
    stored = {}
    if os.path.exists(results_path):
        with open(results_path, encoding="utf-8") as handle:
            stored = json.load(handle)
    previous = stored.get(result["database"], {})
    for part in ("pages", "conflict_check", "availability"):  # left out this time
        if part not in result and part in previous:
            result[part] = previous[part]
    for name, figures in previous.get("documents", {}).items():
        result["documents"].setdefault(name, figures)
    stored[result["database"]] = result
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(stored, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    write_section(doc_section(stored), DOC_START, DOC_END, doc_path)
    return stored


def report(result):
    lines = [f"{result['database']} {result['database_version']}: "
             f"{result['data']['loans']:,} requests"]
    for row in table_rows(result):
        lines.append(f"  {row[0]:<34} {row[1]:>10} p95 {row[2]:>10}   floor {row[3]:>10} "
                     f"p95 {row[4]:>10}   {row[5]}x / {row[6]}x  CPU {row[7]}x   q {row[8]}   "
                     f"mem {row[9]}   {'' if row[10] is None else ('met' if row[10] else 'NOT met')}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_arguments(parser)
    parser.add_argument("--page-repetitions", type=int, default=30)
    parser.add_argument("--lookup-repetitions", type=int, default=1000)
    parser.add_argument("--pdf-repetitions", type=int, default=3)
    parser.add_argument("--register-loans", type=int, default=10_000)
    parser.add_argument("--skip", action="append", default=[],
                        choices=("pages", "lookups", "register", "annual"),
                        help="leave out a part (its figures of an earlier run are kept)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-save", action="store_true",
                        help="print only; leave bench/results and docs alone")
    args = parser.parse_args(argv)
    for url in args.database_url or ["sqlite"]:
        result = run(None if url == "sqlite" else url, loans=args.loans,
                     borrowers=args.borrowers, page_repetitions=args.page_repetitions,
                     lookup_repetitions=args.lookup_repetitions,
                     pdf_repetitions=args.pdf_repetitions,
                     register_loans=args.register_loans, parts=tuple(part for part in ("pages", "lookups", "register", "annual")
                                if part not in args.skip),
                     seed=args.seed)
        print(report(result))
        if not args.no_save:
            save(result)
            print(f"Saved {os.path.relpath(RESULTS, PROJECT_DIR)} and "
                  f"{os.path.relpath(DOC, PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
