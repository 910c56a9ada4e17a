"""Conflict-check benchmark: is the room check as cheap as one indexed query?

    python bench/conflict_check.py                       # SQLite file in a temp dir
    python bench/conflict_check.py --database-url postgresql://postgres@127.0.0.1:5432/test

Builds a scratch database (SQLite in a temporary directory, or on PostgreSQL a
new database next to the one the URL names, dropped afterwards), applies the
migrations with ``app.ops.setup.prepare_database``, bulk-inserts ``--sessions``
sessions (default 100,000: several rooms, ten years of office days, 08.00-16.00
WIB, occupying bookings that never overlap within a room plus pending, rejected
and cancelled requests that may) and then times, alternately, many times:

(a) ``app.domain.scheduling.occupancy.occupying_clashes`` for a candidate session at a
    random room, day and hour: what every submission and confirmation runs;
(b) the floor: one raw SQL statement on the same connection, the occupying
    sessions of the room whose ``starts_at`` lies in [start - 48 h, end + buffer).

It prints and stores the median and 95th percentile of each, their ratio (the
goal is at most 2) and both query plans, in bench/results/conflict_check.json
(one entry per database kind) and in the table of docs/performance.md.

Not part of the test suite (pytest only collects tests/); tests/test_bench.py
runs :func:`run` on a tiny dataset to show the script works.
"""
import argparse
import gc
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock

import sqlalchemy as sa

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for path in (PROJECT_DIR, BENCH_DIR):
    if path not in sys.path:
        sys.path.insert(0, path)

from common import at, make_app, office_days, scratch_database, summary, write_section  # noqa: E402

RESULTS = os.path.join(PROJECT_DIR, "bench", "results", "conflict_check.json")
DOC = os.path.join(PROJECT_DIR, "docs", "performance.md")
DOC_START = "<!-- conflict-check:start -->"
DOC_END = "<!-- conflict-check:end -->"
COMMAND = "python bench/conflict_check.py [--database-url URL] [--sessions 100000]"

FIRST_DAY = date(2021, 1, 4)  # a Monday; ten years of office days from here
YEARS = 10
OFFICE_START = clock(8, 0)
OFFICE_END = clock(16, 0)
ROOM_BUFFERS = (30, 30, 15, 0, 60, 30, 45, 30, 15, 30, 30, 20)  # minutes, per room
DURATIONS = (60, 60, 90, 90, 120, 120, 180, 240)  # minutes
PAST = ("completed",)
FUTURE_OCCUPYING = ("confirmed", "scheduled", "prepared")
NOT_OCCUPYING_PAST = ("rejected", "cancelled", "rejected")
NOT_OCCUPYING_FUTURE = ("submitted", "disposed", "rejected", "cancelled")

# The floor: one indexed range query, written by hand.
FLOOR_SQL = (
    "SELECT id, loan_id, room_id, starts_at, ends_at, blocked_until, occupying, "
    "proposed FROM loan_session WHERE room_id = :room_id AND occupying "
    "AND starts_at >= :low AND starts_at < :high"
)


# ---------------------------------------------------------------- the data

OPEN = OFFICE_START.hour * 60 + OFFICE_START.minute
CLOSE = OFFICE_END.hour * 60 + OFFICE_END.minute


def plan_sessions(total, rooms, days, rng):
    """``total`` sessions as (room index, day, start min, end min, occupying, group).

    Per room and office day: occupying bookings packed through the day with
    the room's buffer between them (never overlapping), sometimes a three-day
    training (one request, 08.00-16.00 each day), plus requests that do not
    occupy (pending, rejected, cancelled), which may overlap anything.
    """
    per_room_day = total / (len(rooms) * len(days))

    def draw(mean):
        """A whole number around ``mean`` (uniform spread, rounded at random)."""
        value = rng.uniform(0, 2 * mean)
        return int(value) + (rng.random() < value % 1)

    occupying_share = 0.7
    sessions = []
    group = 0
    for r, buffer in enumerate(rooms):
        training_left, training_group = 0, None
        for day in days:
            group += 1
            if training_left:
                training_left -= 1
                sessions.append((r, day, OPEN, CLOSE, True, training_group))
                continue
            if rng.random() < 0.02 * min(1, per_room_day / 3):  # a 3-day training
                training_group, training_left = group, 2
                sessions.append((r, day, OPEN, CLOSE, True, group))
                continue
            t = OPEN + rng.choice((0, 0, 30, 60, 90))
            for _ in range(draw(per_room_day * occupying_share)):
                length = rng.choice(DURATIONS)
                if t + length > CLOSE:
                    break
                group += 1
                sessions.append((r, day, t, t + length, True, group))
                t += length + buffer + rng.choice((0, 0, 0, 15, 30))
            for _ in range(draw(per_room_day * (1 - occupying_share))):
                length = rng.choice(DURATIONS)
                start = OPEN + 30 * rng.randrange((CLOSE - OPEN - length) // 30 + 1)
                group += 1
                sessions.append((r, day, start, start + length, False, group))
    # Exactly ``total``: drop sessions that do not occupy first, then any; or
    # add some that do not occupy.
    rng.shuffle(sessions)
    excess = len(sessions) - total
    if excess > 0:
        dropped = {i for i, s in enumerate(sessions) if not s[4]}
        dropped = set(rng.sample(sorted(dropped), min(excess, len(dropped))))
        kept = [s for i, s in enumerate(sessions) if i not in dropped]
        sessions = kept[:total]
    while len(sessions) < total:
        length = rng.choice(DURATIONS)
        start = OPEN + 30 * rng.randrange((CLOSE - OPEN - length) // 30 + 1)
        group += 1
        sessions.append((rng.randrange(len(rooms)), rng.choice(days), start,
                         start + length, False, group))
    # A three-day training cut by the trimming above keeps its other days.
    sessions.sort(key=lambda s: (s[5], s[1]))
    return sessions


def populate(app, total, seed=2026, room_count=12):
    """Bulk-insert rooms, one borrower and ``total`` sessions with their requests."""
    from app.models import Institution, LoanRequest, LoanSession, Room
    from app.platform.extensions import db
    from app.platform.timeutil import utcnow
    from app.security.roles import PEMINJAM

    rng = random.Random(seed)
    sm = app.appbuilder.sm
    borrower = sm.add_user(
        username="bench", first_name="Bench", last_name="Peminjam",
        email="bench@example.org", role=sm.find_role(PEMINJAM), password="Bench#2026x")
    institution = Institution(name="Instansi Uji Beban", kind="lainnya")
    rooms = [Room(name=f"Ruang Uji {n + 1:02d}", capacity=40,
                  prep_buffer_minutes=ROOM_BUFFERS[n % len(ROOM_BUFFERS)])
             for n in range(room_count)]
    db.session.add(institution)
    db.session.add_all(rooms)
    db.session.commit()

    days = office_days(FIRST_DAY, YEARS)
    plan = plan_sessions(total, [r.prep_buffer_minutes for r in rooms], days, rng)
    now = utcnow()
    loans, loan_of_group, session_rows = [], {}, []
    next_loan = (db.session.query(sa.func.max(LoanRequest.id)).scalar() or 0) + 1
    for r, day, start, end, occupying, group in plan:
        room = rooms[r]
        starts_at, ends_at = at(day, start), at(day, end)
        loan_id = loan_of_group.get(group)
        if loan_id is None:
            loan_id = loan_of_group[group] = next_loan
            next_loan += 1
            future = starts_at > now
            if occupying:
                status = rng.choice(FUTURE_OCCUPYING) if future else PAST[0]
            else:
                status = rng.choice(NOT_OCCUPYING_FUTURE if future else NOT_OCCUPYING_PAST)
            created = starts_at - timedelta(days=rng.randint(7, 60))
            loans.append({
                "id": loan_id,
                "registration_number": f"PC/{created.year}/{loan_id:06d}",
                "kind": "peminjaman", "borrower_id": borrower.id,
                "institution_id": institution.id, "room_id": room.id,
                "letter_number": f"000/{loan_id}/UJI/{created.year}",
                "letter_date": created.date(), "subject": "Permohonan peminjaman ruang",
                "title": f"Kegiatan uji {loan_id}", "description": None,
                "participants": rng.randint(5, room.capacity),
                "contact_name": "Kontak Uji", "contact_phone": "0812-0000-0000",
                "no_buffet_pledge": True, "letter_file": None,
                "letter_original_name": None, "status": status,
                "status_changed_at": created, "rejection_reason": None,
                "cancellation_reason": None, "hold_expires_at": None,
                "actual_participants": None, "outcome_notes": None,
                "created_at": created, "updated_at": created,
            })
        session_rows.append({
            "loan_id": loan_id, "room_id": room.id, "starts_at": starts_at,
            "ends_at": ends_at,
            "blocked_until": ends_at + timedelta(minutes=room.prep_buffer_minutes),
            "occupying": occupying, "proposed": False,
        })
    # Chronological per room, as bookings arrive in a real database.
    session_rows.sort(key=lambda s: (s["starts_at"], s["room_id"]))
    connection = db.session.connection()
    for chunk in range(0, len(loans), 5000):
        connection.execute(LoanRequest.__table__.insert(), loans[chunk:chunk + 5000])
    for chunk in range(0, len(session_rows), 5000):
        connection.execute(LoanSession.__table__.insert(), session_rows[chunk:chunk + 5000])
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('loan_request', 'id'), "
            "(SELECT max(id) FROM loan_request))")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Autovacuum would analyze the new rows soon; do it now for stable plans.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return {
        "rooms": len(rooms),
        "office_days": len(days),
        "first_day": days[0].isoformat(),
        "last_day": days[-1].isoformat(),
        "sessions": len(session_rows),
        "occupying_sessions": sum(1 for s in session_rows if s["occupying"]),
        "requests": len(loans),
    }, rooms, days


# ---------------------------------------------------------------- measuring

def candidate(rng, rooms, days):
    """A session someone might ask for: a room, an office day, 1-4 hours."""
    from app.domain.scheduling.occupancy import session_for

    room = rng.choice(rooms)
    day = rng.choice(days)
    length = rng.choice(DURATIONS)
    start = OPEN + 30 * rng.randrange((CLOSE - OPEN - length) // 30 + 1)
    return room, session_for(room, at(day, start), at(day, start + length))


def floor_parameters(room, session):
    from app.domain.scheduling.settings import ScheduleSettings

    return {"room_id": room.id, "low": session.starts_at - ScheduleSettings.SEARCH_WINDOW,
            "high": session.blocked_until}


def _floor_statement():
    from app.platform.timeutil import UTCDateTime

    return sa.text(FLOOR_SQL).bindparams(
        sa.bindparam("low", type_=UTCDateTime()), sa.bindparam("high", type_=UTCDateTime()))


def floor_query(room, session, statement=None):
    """The floor: the raw statement on the session's connection (no ORM)."""
    from app.platform.extensions import db

    return db.session.connection().execute(
        statement if statement is not None else _floor_statement(),
        floor_parameters(room, session)).all()


class DriverFloor:
    """The same statement straight through the database driver's cursor."""

    def __init__(self, rooms, days):
        from app.platform.extensions import db

        self.connection = db.session.connection()
        self.sqlite = self.connection.dialect.name == "sqlite"
        room, session = candidate(random.Random(0), rooms, days)
        self.sql, sent = _captured_statement(lambda: floor_query(room, session))
        self.positional = isinstance(sent, (tuple, list))
        self.cursor = self.connection.connection.dbapi_connection.cursor()

    def _time(self, value):
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
        # SQLAlchemy keeps SQLite datetimes as text in this format.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def __call__(self, room, session):
        values = floor_parameters(room, session)
        values = {"room_id": values["room_id"], "low": self._time(values["low"]),
                  "high": self._time(values["high"])}
        if self.positional:
            values = (values["room_id"], values["low"], values["high"])
        self.cursor.execute(self.sql, values)
        return self.cursor.fetchall()


def measure(rooms, days, repetitions, seed=7, warmup=200):
    """Time (a) occupying_clashes, (b) the floor and the driver alone, alternately."""
    from app.domain.scheduling.occupancy import occupying_clashes
    from app.platform.extensions import db

    rng = random.Random(seed)
    floor_statement = _floor_statement()
    driver = DriverFloor(rooms, days)
    contenders = (
        ("check", lambda room, session: occupying_clashes(room.id, [session])),
        ("floor", lambda room, session: floor_query(room, session, floor_statement)),
        ("driver", driver),
    )
    samples = {name: [] for name, _ in contenders}
    clashes_found = floor_rows = 0
    gc.collect()
    for n in range(warmup + repetitions):
        room, session = candidate(rng, rooms, days)
        # Rotate which one runs first, so that none gains from a warm cache.
        for k in range(len(contenders)):
            name, function = contenders[(n + k) % len(contenders)]
            start = time.perf_counter_ns()
            result = function(room, session)
            elapsed = time.perf_counter_ns() - start
            if n >= warmup:
                samples[name].append(elapsed)
                if name == "check":
                    clashes_found += bool(result)
                elif name == "floor":
                    floor_rows += len(result)
        if n % 500 == 499:
            db.session.rollback()  # end the read transaction now and then, as requests do
            driver = DriverFloor(rooms, days)
            contenders = contenders[:2] + (("driver", driver),)
    stats = {name: summary(values) for name, values in samples.items()}
    check, floor, driver_stats = stats["check"], stats["floor"], stats["driver"]
    return {
        "repetitions": repetitions,
        "check": check,
        "floor": floor,
        "driver": driver_stats,
        "ratio_median": round(check["median_us"] / floor["median_us"], 2),
        "ratio_p95": round(check["p95_us"] / floor["p95_us"], 2),
        "ratio_to_driver_median": round(check["median_us"] / driver_stats["median_us"], 2),
        "candidates_with_clash": clashes_found,
        "floor_rows_per_query": round(floor_rows / repetitions, 2),
    }


def cross_check(rooms, days, count=300, seed=5):
    """The check finds exactly the floor's rows that overlap the candidate."""
    from app.domain.scheduling.occupancy import occupying_clashes, overlap
    from app.models import LoanSession
    from app.platform.extensions import db

    rng = random.Random(seed)
    for _ in range(count):
        room, session = candidate(rng, rooms, days)
        found = {s.id for s in occupying_clashes(room.id, [session])}
        window = [db.session.get(LoanSession, row[0])
                  for row in floor_query(room, session)]
        expected = {s.id for s in window if overlap(
            s.starts_at, s.blocked_until, session.starts_at, session.blocked_until)}
        if found != expected:
            raise AssertionError(
                f"check found {sorted(found)}, the floor says {sorted(expected)}")
    db.session.rollback()
    return count


def _captured_statement(run):
    """The SQL and parameters ``run()`` sends (its last statement)."""
    from app.platform.extensions import db

    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    engine = db.session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    return seen[-1]


def explain(rooms, days, seed=11):
    """Query plans of what occupying_clashes runs and of the floor."""
    from app.domain.scheduling.occupancy import occupying_clashes
    from app.platform.extensions import db

    room, session = candidate(random.Random(seed), rooms, days)
    statements = {
        "check": _captured_statement(lambda: occupying_clashes(room.id, [session])),
        "floor": _captured_statement(lambda: floor_query(room, session)),
    }
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    sqlite = db.engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, COSTS OFF) "
    plans = {}
    for name, (statement, parameters) in statements.items():
        cursor.execute(prefix + statement, parameters)
        rows = cursor.fetchall()
        plans[name] = {
            "sql": " ".join(statement.split()),
            "plan": [row[-1] if sqlite else row[0] for row in rows],
        }
        text = " ".join(plans[name]["plan"])
        plans[name]["index_used"] = (
            ("USING INDEX" in text or "USING COVERING INDEX" in text) if sqlite
            else "Index" in text)
    cursor.close()
    db.session.rollback()
    return plans


def run(database_url=None, sessions=100_000, repetitions=5000, rooms=12, seed=2026,
        echo=print):
    """Build the scratch database, fill it, measure; returns the result dict."""
    from app.ops.setup import prepare_database
    from app.platform.extensions import db

    with scratch_database(database_url) as url, \
            tempfile.TemporaryDirectory(prefix="pontive-bench-up-") as uploads:
        app = make_app(url, uploads)
        with app.app_context():
            kind = db.engine.dialect.name
            echo(f"[{kind}] migrating a scratch database")
            prepare_database()
            echo(f"[{kind}] inserting {sessions:,} sessions")
            started = time.perf_counter()
            data, room_rows, days = populate(app, sessions, seed=seed, room_count=rooms)
            data["insert_seconds"] = round(time.perf_counter() - started, 1)
            echo(f"[{kind}] inserted in {data['insert_seconds']} s; measuring "
                 f"{repetitions:,} candidates")
            checked = cross_check(room_rows, days)
            timings = measure(room_rows, days, repetitions)
            plans = explain(room_rows, days)
            version = db.session.connection().exec_driver_sql(
                "SELECT sqlite_version()" if kind == "sqlite" else "SHOW server_version"
            ).scalar()
            db.session.remove()
            db.engine.dispose()
    return {
        "database": kind,
        "database_version": version,
        "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
                   f"Python {platform.python_version()}, SQLAlchemy {sa.__version__}",
        "data": data,
        "cross_checked_candidates": checked,
        **timings,
        "goal_ratio": 2.0,
        "within_goal": timings["ratio_median"] <= 2.0,
        "plans": plans,
    }


# ---------------------------------------------------------------- reporting

def save(result, results_path=RESULTS, doc_path=DOC):
    """Store ``result`` under its database kind, and rewrite the doc's table."""
    os.makedirs(os.path.dirname(results_path), exist_ok=True)
    stored = {}
    if os.path.exists(results_path):
        with open(results_path, encoding="utf-8") as handle:
            stored = json.load(handle)
    stored[result["database"]] = result
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(stored, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    write_doc(stored, doc_path)
    return stored


def _ms_or_us(value_us):
    return f"{value_us / 1000:.2f} ms" if value_us >= 1000 else f"{value_us:.0f} µs"


def doc_section(stored):
    lines = [
        DOC_START,
        "## Conflict check",
        "",
        "(a) `app.domain.scheduling.occupancy.occupying_clashes`, what a submission and a "
        "confirmation run, for a candidate session at a random room, office day and "
        "hour; (b) the floor: one raw SQL statement on the same connection, the "
        "room's occupying sessions starting in [start − 48 h, end + buffer), through "
        "SQLAlchemy Core without the ORM. They alternate on the same candidates. "
        "\"Driver only\" is (b) sent straight through the database driver's cursor, "
        "for reference. Goal: (a) within 2× of (b). Repeat with "
        f"`{COMMAND}`; every figure is in `bench/results/conflict_check.json`.",
        "",
        "| database | sessions (occupying) | rooms | repetitions | check median | "
        "check p95 | floor median | floor p95 | ratio median | ratio p95 | "
        "driver only median | index used |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind in sorted(stored):
        r = stored[kind]
        used = all(p["index_used"] for p in r["plans"].values())
        lines.append(
            f"| {kind} {r['database_version'].split(' ')[0]} | "
            f"{r['data']['sessions']:,} ({r['data']['occupying_sessions']:,}) | "
            f"{r['data']['rooms']} | {r['repetitions']:,} | "
            f"{_ms_or_us(r['check']['median_us'])} | {_ms_or_us(r['check']['p95_us'])} | "
            f"{_ms_or_us(r['floor']['median_us'])} | {_ms_or_us(r['floor']['p95_us'])} | "
            f"{r['ratio_median']}× | {r['ratio_p95']}× | "
            f"{_ms_or_us(r['driver']['median_us'])} | {'yes' if used else 'NO'} |")
    for kind in sorted(stored):
        r = stored[kind]
        d = r["data"]
        lines += [
            "",
            f"### {kind}",
            "",
            f"{r['database']} {r['database_version']}, measured {r['measured_at']} on "
            f"{r['machine']}. {d['sessions']:,} sessions of {d['requests']:,} requests "
            f"in {d['rooms']} rooms, office days {d['first_day']} to {d['last_day']} "
            f"({d['office_days']:,} days), inserted in {d['insert_seconds']} s; "
            f"{r['candidates_with_clash']:,} of {r['repetitions']:,} candidates clashed; "
            f"the floor returned {r['floor_rows_per_query']} rows a query; "
            f"{r['cross_checked_candidates']} candidates cross-checked (the lookup finds "
            "exactly the floor's rows that overlap).",
        ]
        for name, label in (("check", "occupying_clashes"), ("floor", "floor")):
            lines += ["", f"Plan of {label}:", "", "```"] + r["plans"][name]["plan"] + ["```"]
    lines.append(DOC_END)
    return "\n".join(lines)


def write_doc(stored, doc_path=DOC):
    write_section(doc_section(stored), DOC_START, DOC_END, doc_path)


def report(result):
    c, f = result["check"], result["floor"]
    lines = [
        f"{result['database']} {result['database_version']}: "
        f"{result['data']['sessions']:,} sessions "
        f"({result['data']['occupying_sessions']:,} occupying) in "
        f"{result['data']['rooms']} rooms, {result['repetitions']:,} repetitions",
        f"  occupying_clashes  median {c['median_us']:>9.1f} µs   p95 {c['p95_us']:>9.1f} µs",
        f"  floor (raw query)  median {f['median_us']:>9.1f} µs   p95 {f['p95_us']:>9.1f} µs",
        f"  ratio              median {result['ratio_median']:>9.2f}×    "
        f"p95 {result['ratio_p95']:>9.2f}×   (goal ≤ {result['goal_ratio']}×: "
        f"{'met' if result['within_goal'] else 'NOT met'})",
        f"  driver cursor only median {result['driver']['median_us']:>6.1f} µs   "
        f"p95 {result['driver']['p95_us']:>9.1f} µs   (check/driver "
        f"{result['ratio_to_driver_median']}×)",
    ]
    for name, plan in result["plans"].items():
        lines.append(f"  plan of {name}: " + " | ".join(plan["plan"]))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server URL (a scratch database is created and "
                             "dropped there); default: SQLite in a temporary directory")
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=5000)
    parser.add_argument("--rooms", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-save", action="store_true",
                        help="print only; leave bench/results and docs alone")
    args = parser.parse_args(argv)
    result = run(args.database_url, sessions=args.sessions,
                 repetitions=args.repetitions, rooms=args.rooms, seed=args.seed)
    print(report(result))
    if not args.no_save:
        save(result)
        print(f"Saved {os.path.relpath(RESULTS, PROJECT_DIR)} and "
              f"{os.path.relpath(DOC, PROJECT_DIR)}")
    return 0 if result["within_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
