"""The request list and a request's page of this panel against the panels a
user would pick instead: Django admin, stock Flask-AppBuilder and Flask-Admin,
over the same ten years of data, in one process, interleaved.

    pip install -r bench/requirements-peers.txt      # once, beside requirements.txt
    python bench/peers/run.py                         # SQLite, 100,000 requests
    python bench/peers/run.py --database-url sqlite --database-url postgresql://postgres@127.0.0.1:5432/test
    python bench/peers/run.py --loans 2000 --repetitions 5 --no-save   # a quick look

For each database (SQLite in a temporary directory; on PostgreSQL a scratch
database next to the one the URL names, dropped afterwards) a process of its
own (Django's settings are per process) applies the migrations, seeds ten
years of requests (bench/seed.py), migrates Django's own tables beside them,
builds the four panels and signs each in, then requests every page of every
panel through the panel's test client: round after round, each round every
page, each page every panel in a turn that moves by one each round. The CPU
time of the process per request (on SQLite the database's work too), the
wall-clock time and the SQL statements are recorded; the figures are their
medians. Each page's answer is checked for the rows it must show.

Goal: each page of this panel at or below 0.9x Django admin's CPU time, ahead
of stock Flask-AppBuilder and Flask-Admin, at a constant number of at most 6
statements a page. Results: bench/results/peers.json (one entry per database)
and docs/performance.md between the peers markers.
"""
import argparse
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

PEERS_DIR = os.path.dirname(os.path.abspath(__file__))
BENCH_DIR = os.path.dirname(PEERS_DIR)
PROJECT_DIR = os.path.dirname(BENCH_DIR)
# Run as a script, this folder comes first on sys.path, where its
# flask_admin/ would hide the library of that name: the peers are the
# package ``peers`` under bench/ instead.
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != PEERS_DIR]
for path in (PROJECT_DIR, BENCH_DIR):
    if path not in sys.path:
        sys.path.insert(0, path)

from common import (
    DOC,
    add_data_arguments,
    machine,
    make_app,
    scratch_database,
    store_by_database,
    write_section,
)

RESULTS = os.path.join(BENCH_DIR, "results", "peers.json")
DOC_START = "<!-- peers:start -->"
DOC_END = "<!-- peers:end -->"
COMMAND = ("python bench/peers/run.py --database-url sqlite "
           "--database-url postgresql://postgres@127.0.0.1:5432/test")
GOAL_RATIO = 0.9  # of Django admin's CPU time
GOAL_STATEMENTS = 6
PAGE_SIZE = 25
SEARCH = "evaluasi"  # a word of one title in eight ("Rapat evaluasi program")
PANELS = {"project": "Pontive Center", "django": "Django admin",
          "stock_fab": "stock FAB", "flask_admin": "Flask-Admin"}
PROJECT_USER = "kasi"  # the staff member who works the list every day
PEER_USER = "admin"  # the superuser of stock Flask-AppBuilder and Flask-Admin


def peers_missing():
    """The peers' packages that are not installed (bench/requirements-peers.txt)."""
    import importlib.util

    return [name for name in ("django", "flask_admin")
            if importlib.util.find_spec(name) is None]


# ---------------------------------------------------------------- the pages

def pages(seeded_loans):
    """(key, title, what to request of a panel, what the answer must show)
    for each page; ``seeded_loans`` answers the expectations by SQL."""
    deep = seeded_loans["deep_page"]
    return [
        ("list", "request list, page 1", ("list", 0, None), seeded_loans["first"]),
        ("deep", f"request list, page {deep + 1:,}", ("list", deep, None),
         seeded_loans["deep_number"]),
        ("search", f"request list, activity contains \"{SEARCH}\"", ("list", 0, SEARCH),
         seeded_loans["search"]),
        ("request", "request page, completed", ("request", seeded_loans["completed"]),
         seeded_loans["completed_number"]),
        ("request_waiting", "request page, waiting for the Kasi",
         ("request", seeded_loans["waiting"]), seeded_loans["waiting_number"]),
    ]


def expectations(app):
    """What the pages must show, read by plain SQL: the newest request, a row
    in the middle of the deep page, the newest that matches the search, and
    the requests whose pages are measured (the newest completed one of
    those with the most sessions, the one waiting longest for the Kasi)."""
    import sqlalchemy as sa

    from app.models import LoanRequest, LoanSession
    from app.platform.extensions import db

    newest = sa.select(LoanRequest.registration_number).order_by(
        LoanRequest.created_at.desc(), LoanRequest.id.desc())
    with app.app_context():
        session = db.session
        total = session.scalar(sa.select(sa.func.count()).select_from(LoanRequest))
        first = session.scalar(newest.limit(1))
        search = session.scalar(newest.where(LoanRequest.title.contains(SEARCH)).limit(1))
        sessions = (sa.select(sa.func.count()).where(
            LoanSession.loan_id == LoanRequest.id, LoanSession.proposed.is_(False))
            .scalar_subquery())
        completed = session.execute(
            sa.select(LoanRequest.id, LoanRequest.registration_number)
            .where(LoanRequest.status == "completed")
            .order_by(sessions.desc(), LoanRequest.created_at.desc()).limit(1)).one()
        # The Kasi's next step (a small seed may have none disposed: then
        # another request still in the SOP).
        waiting = session.execute(
            sa.select(LoanRequest.id, LoanRequest.registration_number)
            .where(LoanRequest.status.not_in(("completed", "no_show", "rejected",
                                              "cancelled")))
            .order_by((LoanRequest.status != "disposed"), LoanRequest.status_changed_at)
            .limit(1)).one()
        deep = max(1, total // PAGE_SIZE // 2)
        # The middle of the page: rows of equal time at its edges may fall
        # on either side in another panel's order.
        deep_number = session.scalar(
            newest.offset(deep * PAGE_SIZE + PAGE_SIZE // 2).limit(1))
        db.session.remove()
    return {"first": first, "search": search, "deep_page": deep,
            "deep_number": deep_number,
            "completed": completed.id, "completed_number": completed.registration_number,
            "waiting": waiting.id, "waiting_number": waiting.registration_number}


def url_of(panel, what):
    if what[0] == "list":
        return panel.list_url(what[1], what[2])
    return panel.request_url(what[1])


# ---------------------------------------------------------------- measuring

def measure(panels, page_list, repetitions, warmup=3, echo=print):
    """Every page of every panel, ``warmup`` + ``repetitions`` rounds; each
    round moves the panels' turn by one. Returns {page key: {panel: figures}}."""
    names = list(panels)
    samples = {key: {name: {"cpu": [], "wall": [], "statements": []} for name in names}
               for key, *_ in page_list}
    sizes = {}
    for n in range(warmup + repetitions):
        gc.collect()
        for key, _title, what, must_show in page_list:
            turn = names[n % len(names):] + names[:n % len(names)]
            for name in turn:
                panel = panels[name]
                path = url_of(panel, what)
                with panel.counting() as counter:
                    started_cpu = time.process_time_ns()
                    started = time.perf_counter_ns()
                    body = panel.fetch(path)
                    wall = time.perf_counter_ns() - started
                    cpu = time.process_time_ns() - started_cpu
                if n == 0 and must_show.encode() not in body:
                    raise RuntimeError(f"{panel.name}: {path} does not show {must_show}")
                if n >= warmup:
                    figures = samples[key][name]
                    figures["cpu"].append(cpu)
                    figures["wall"].append(wall)
                    figures["statements"].append(counter.count)
                sizes[key, name] = len(body)
        if n == warmup - 1 or (n >= warmup and (n - warmup + 1) % 10 == 0):
            echo(f"  round {n + 1} of {warmup + repetitions}")
    results = {}
    for key, title, what, _must_show in page_list:
        page = {"title": title, "panels": {}}
        for name in names:
            figures = samples[key][name]
            page["panels"][name] = {
                "url": url_of(panels[name], what),
                "cpu_median_us": round(statistics.median(figures["cpu"]) / 1000, 1),
                "wall_median_us": round(statistics.median(figures["wall"]) / 1000, 1),
                "statements": statistics.median(figures["statements"]),
                "statements_max": max(figures["statements"]),
                "bytes": sizes[key, name],
            }
        django = page["panels"]["django"]["cpu_median_us"]
        page["cpu_ratio_to_django"] = {
            name: round(page["panels"][name]["cpu_median_us"] / django, 2) for name in names}
        django_wall = page["panels"]["django"]["wall_median_us"]
        page["wall_ratio_to_django"] = {
            name: round(page["panels"][name]["wall_median_us"] / django_wall, 2)
            for name in names}
        results[key] = page
    return results


def goals(results):
    """Whether each page meets the goal, and the project's statement counts
    (the same on every list page, at most six)."""
    project_statements = {key: page["panels"]["project"]["statements_max"]
                          for key, page in results.items()}
    list_counts = {project_statements[key] for key in ("list", "deep", "search")}
    out = {}
    for key, page in results.items():
        ratio = page["cpu_ratio_to_django"]
        out[key] = {
            "cpu_ratio": ratio["project"] <= GOAL_RATIO,
            "ahead_of_stock_fab": ratio["project"] < ratio["stock_fab"],
            "ahead_of_flask_admin": ratio["project"] < ratio["flask_admin"],
            "statements": (project_statements[key] <= GOAL_STATEMENTS
                           and (key not in ("list", "deep", "search")
                                or len(list_counts) == 1)),
        }
        out[key]["met"] = all(out[key].values())
    return out


@dataclass
class Prepared:
    kind: str
    version: str
    counts: dict
    seed_seconds: float
    panels: dict
    pages: list


@contextlib.contextmanager
def prepared(database_url=None, loans=100_000, borrowers=300, seed=2026, echo=print):
    """A scratch database seeded with ten years, the four panels signed in
    on it and the pages to request; the database is dropped afterwards."""
    import seed as seeding

    from app.ops.setup import prepare_database
    from app.platform.extensions import db
    from app.platform.timeutil import utcnow
    from peers import django_admin, flask_admin, project, stock_fab

    with scratch_database(database_url) as url, \
            tempfile.TemporaryDirectory(prefix="pontive-peers-up-") as uploads:
        app = make_app(url, uploads, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
        with app.app_context():
            kind = db.engine.dialect.name
            echo(f"[{kind}] migrating a scratch database, seeding {loans:,} requests")
            prepare_database()
            started = time.perf_counter()
            seeded = seeding.populate(app, loans, borrowers=borrowers, seed=seed,
                                      now=utcnow(), echo=echo)
            seconds = round(time.perf_counter() - started, 1)
            version = db.session.connection().exec_driver_sql(
                "SELECT sqlite_version()" if kind == "sqlite" else "SHOW server_version"
            ).scalar()
            db.session.remove()
        echo(f"[{kind}] seeded in {seconds} s; building the panels")
        expected = expectations(app)
        panels = {
            "project": project.panel(app, PROJECT_USER, seeding.PASSWORD),
            "django": django_admin.panel(url),
            "stock_fab": stock_fab.panel(url, PEER_USER, seeding.PASSWORD),
            "flask_admin": flask_admin.panel(url, PEER_USER, seeding.PASSWORD),
        }
        try:
            yield Prepared(kind, version, seeded.counts, seconds, panels, pages(expected))
        finally:
            from django.db import connection

            connection.close()  # the scratch database is dropped next
            for panel in panels.values():
                if hasattr(panel.client, "application"):
                    with panel.client.application.app_context():
                        db.engine.dispose()


def run_one(database_url=None, loans=100_000, borrowers=300, repetitions=40, warmup=3,
            seed=2026, echo=print):
    """Seed one database, build the panels and measure them (in this process)."""
    import django
    import flask_admin as flask_admin_library
    import flask_appbuilder

    from peers import django_admin

    with prepared(database_url, loans, borrowers, seed, echo) as ready:
        echo(f"[{ready.kind}] {len(ready.pages)} pages x {len(ready.panels)} panels, "
             f"{warmup} + {repetitions} rounds")
        started = time.perf_counter()
        results = measure(ready.panels, ready.pages, repetitions, warmup, echo=echo)
        measured_seconds = round(time.perf_counter() - started, 1)
    return {
        "database": ready.kind, "database_version": ready.version,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": {"Django": django.__version__,
                     "Flask-Admin": flask_admin_library.__version__,
                     "Flask-AppBuilder": flask_appbuilder.__version__},
        "data": {**ready.counts, "seed_seconds": ready.seed_seconds},
        "users": {"project": PROJECT_USER, "django": django_admin.SUPERUSER[0],
                  "stock_fab": PEER_USER, "flask_admin": PEER_USER},
        "repetitions": repetitions, "warmup": warmup, "measured_seconds": measured_seconds,
        "pages": results, "goals": goals(results),
    }


# ---------------------------------------------------------------- reporting

def _ms(us):
    return f"{us / 1000:.1f}" if us >= 10_000 else f"{us / 1000:.2f}"


def _statements(value):
    return f"{value:g}"


def doc_section(stored):
    lines = [
        DOC_START,
        "## Against the panels a user would pick instead",
        "",
        "The goal of the list pages and the request page: at or below 0.9× the CPU "
        "time of Django admin over the same tables, ahead of stock Flask-AppBuilder and "
        "Flask-Admin, at a constant number of at most 6 SQL statements a page. "
        "(The earlier goal, within 2× of a bare SQLAlchemy + Jinja page, is retired: "
        "Django admin itself is about 4× that floor.) The peers live in "
        "`bench/peers/`: Django admin with unmanaged models of the project's tables "
        "(`list_select_related`, the sessions prefetched, 25 a page, newest first, "
        "the activity searched, status and institution as filters; the request's "
        "page its read-only change form with the sessions and history inline), "
        "stock Flask-AppBuilder (plain `ModelView`/`SQLAInterface` over the project's "
        "models, the same columns, search columns and order, sessions and history "
        "as related views) and Flask-Admin (the same columns, search, filters and "
        "order, the institution and sessions loaded with the rows; the request's "
        "page its details view). Each is signed in: this panel as the Kasi, Django "
        "admin as a superuser, stock Flask-AppBuilder and Flask-Admin as the Admin. "
        "One process per database seeds ten years of requests (`bench/seed.py`) and "
        "requests every page of every panel through the panel's test client, round "
        "after round, the panels' turn moving by one each round; each page's answer "
        "is checked for the rows it must show. Times are medians of the CPU time of "
        "the process per request (on SQLite the database's work is in it; "
        "PostgreSQL's own work is not), wall-clock beside them; statements are SQL "
        "statements sent per request. Packages: `bench/requirements-peers.txt`. "
        f"Repeat with `{COMMAND}`; every figure is in `bench/results/peers.json`.",
    ]
    for kind in sorted(stored):
        r = stored[kind]
        d = r["data"]
        versions = ", ".join(f"{name} {version}" for name, version in r["versions"].items())
        lines += [
            "",
            f"### {kind} {r['database_version'].split(' ')[0]}",
            "",
            f"Measured {r['measured_at']} on {r['machine']}; {versions}. "
            f"{d['loans']:,} requests, {d['sessions']:,} sessions, {d['history']:,} "
            f"history rows, {d['borrowers']} borrowers in {d['institutions']} "
            f"institutions; {r['warmup']} + {r['repetitions']} rounds "
            f"({r['measured_seconds']} s).",
            "",
            "| page | this panel | Django admin | stock FAB | Flask-Admin | "
            "÷ Django: this / stock FAB / Flask-Admin | wall ÷ Django | "
            "statements (this / Django / stock FAB / Flask-Admin) | goal |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |",
        ]
        for key, page in r["pages"].items():
            p = page["panels"]
            ratio = page["cpu_ratio_to_django"]
            met = r["goals"][key]
            missed = [what for what, ok in (
                ("ratio", met["cpu_ratio"]), ("behind stock FAB", met["ahead_of_stock_fab"]),
                ("behind Flask-Admin", met["ahead_of_flask_admin"]),
                ("statements", met["statements"])) if not ok]
            lines.append(
                f"| {page['title']} | "
                + " | ".join(f"{_ms(p[name]['cpu_median_us'])} ms" for name in PANELS)
                + f" | **{ratio['project']}×** / {ratio['stock_fab']}× / "
                f"{ratio['flask_admin']}× | {page['wall_ratio_to_django']['project']}× | "
                + " / ".join(_statements(p[name]["statements"]) for name in PANELS)
                + f" | {'met' if met['met'] else '**not met** (' + ', '.join(missed) + ')'} |")
    lines.append(DOC_END)
    return "\n".join(lines)


def report(result):
    lines = [f"{result['database']} {result['database_version']}: "
             f"{result['data']['loans']:,} requests (CPU ms per request, "
             f"ratio to Django admin, statements)"]
    for key, page in result["pages"].items():
        goal = "met" if result["goals"][key]["met"] else "NOT met"
        lines.append(f"  {page['title']}: goal {goal}")
        for name, title in PANELS.items():
            figures = page["panels"][name]
            lines.append(f"    {title:<16} {figures['cpu_median_us'] / 1000:7.2f} ms "
                         f"{page['cpu_ratio_to_django'][name]:5.2f}x "
                         f"{_statements(figures['statements']):>3} statements")
    return "\n".join(lines)


def save(result, results_path=RESULTS, doc_path=DOC):
    """Store ``result`` under its database kind, and rewrite the doc's section."""
    stored = store_by_database(result, results_path)
    write_section(doc_section(stored), DOC_START, DOC_END, doc_path)
    return stored


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_arguments(parser)
    parser.add_argument("--repetitions", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-save", action="store_true",
                        help="print only; leave bench/results and docs alone")
    parser.add_argument("--json", help="also write the results of every database here")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child's database
    args = parser.parse_args(argv)
    missing = peers_missing()
    if missing:
        parser.error(f"not installed: {', '.join(missing)} "
                     "(pip install -r bench/requirements-peers.txt)")
    if args.one is not None:  # the child: one database, in this process
        result = run_one(None if args.one == "sqlite" else args.one, loans=args.loans,
                         borrowers=args.borrowers, repetitions=args.repetitions,
                         warmup=args.warmup, seed=args.seed)
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, ensure_ascii=False)
        return 0
    results = []
    for url in args.database_url or ["sqlite"]:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            child = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--one", url, "--json",
                 out.name, "--loans", str(args.loans), "--borrowers", str(args.borrowers),
                 "--repetitions", str(args.repetitions), "--warmup", str(args.warmup),
                 "--seed", str(args.seed)])
            if child.returncode:
                return child.returncode
            with open(out.name, encoding="utf-8") as handle:
                result = json.load(handle)
        results.append(result)
        print(report(result))
        if not args.no_save:
            save(result)
            print(f"Saved {os.path.relpath(RESULTS, PROJECT_DIR)} and "
                  f"{os.path.relpath(DOC, PROJECT_DIR)}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
