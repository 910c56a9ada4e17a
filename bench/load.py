"""Load test: the panel under gunicorn (two workers) on PostgreSQL, with 50
simulated people for 60 seconds on loopback.

    python bench/load.py [--users 50] [--seconds 60] [--workers 2] [--threads 8]
                         [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

It creates a scratch database ``pontive_load_<pid>`` on that server (dropped at
the end), prepares it with ``flask --app app setup`` and ``demo``, and starts
``gunicorn -c gunicorn.conf.py wsgi:app`` on it. Each simulated person logs in
through the login form and then, with 0.2-1 s of thought between clicks:

- borrowers (70 %) read their list, a request, the agenda and the dashboard,
  and submit requests through the web form (CSRF token, PDF letter) for a few
  popular slots, so that many requests want the same time;
- the Kabid (10 %) reads Tugas Saya and disposes what waits there;
- the Kasi (10 %) confirms disposed requests: requests for the same slot race
  each other, and only one may hold the room;
- Admin Pontive Center (10 %) enters confirmed requests into the agenda.

Then it checks: no 5xx, transport error or lost session; no two occupying
sessions of a room overlap; every request's history is an unbroken chain
ending in its status; every letter is on disk. It writes the figures
(throughput, p50/p95 per kind of request) to bench/results/load.json and the
"Load test" section of docs/performance.md. Exit status 1 if a check failed.
"""
import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import datetime, timezone

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, os.path.dirname(BENCH_DIR))

from gunicorn_live import CSRF, PROJECT_DIR, Browser, Server, app_env, flask  # noqa: E402

RESULTS = os.path.join(BENCH_DIR, "results", "load.json")
DOC = os.path.join(PROJECT_DIR, "docs", "performance.md")
START, END = "<!-- load:start -->", "<!-- load:end -->"
PASSWORD = "Pontive#2026"  # the demo accounts' (app/ops/demo.py)
SHOW_LINK = re.compile(r"/loans/show/(\d+)")
FIELD_ERROR = re.compile(r'<div class="alert alert-danger">(.*?)</div>', re.S)
ROOM_OPTION = re.compile(r'<option[^>]*value="(\d+)"[^>]*>Ruang Rapat Pontive Center')

OVERLAPS = """
    SELECT count(*) FROM loan_session AS a
    JOIN loan_session AS b
      ON a.room_id = b.room_id AND a.loan_id <> b.loan_id AND a.id < b.id
    WHERE a.occupying AND b.occupying
      AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until
"""


class Recorder:
    """Timings and outcomes from every simulated person (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.timings = defaultdict(list)
        self.outcomes = defaultdict(int)
        self.errors = []

    def call(self, kind, send, expect=(200, 302)):
        started = time.perf_counter()
        try:
            response = send()
        except OSError as error:
            with self.lock:
                self.errors.append(f"{kind}: {type(error).__name__}: {error}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.timings[kind].append(elapsed)
            lost_session = response.status == 302 and "/login" in response.location
            if response.status >= 500 or response.status not in expect or lost_session:
                self.errors.append(f"{kind}: HTTP {response.status} {response.location}")
        return response

    def count(self, outcome):
        with self.lock:
            self.outcomes[outcome] += 1


class Person:
    def __init__(self, server, recorder, username, slots, letter, seed):
        self.browser = Browser(server.port)
        self.recorder = recorder
        self.username = username
        self.slots = slots
        self.letter = letter
        self.random = random.Random(seed)
        self.own = []
        self.today = datetime.now(timezone.utc).date().isoformat()

    def get(self, kind, path):
        return self.recorder.call(kind, lambda: self.browser.get(path))

    def login(self):
        self.recorder.call("login", lambda: self.browser.login(self.username, PASSWORD),
                           expect=(302,))

    def waiting(self):
        page = self.get("tasks", "/tasks/")
        return sorted(set(SHOW_LINK.findall(page.text))) if page else []

    def step(self, action, ids, fields=None):
        if not ids:
            return
        pk = self.random.choice(ids)
        form = self.recorder.call("step form", lambda: self.browser.get(
            f"/loans/step/{action}/{pk}"))
        if form is None or form.status != 200:
            self.recorder.count(f"{action}: already taken")  # moved on meanwhile
            return
        token = self.token(action, form)
        if token is None:
            return
        done = self.recorder.call(action, lambda: self.browser.post(
            f"/loans/step/{action}/{pk}", dict(fields or {}, csrf_token=token)))
        if done is not None:
            self.recorder.count(f"{action}: done" if done.status == 302
                                else f"{action}: refused")

    def token(self, kind, form):
        found = CSRF.search(form.text)
        if found is None:
            with self.recorder.lock:
                self.recorder.errors.append(f"{kind}: form without a CSRF token")
        return found.group(1) if found else None

    def submit(self):
        form = self.recorder.call("submit form", lambda: self.browser.get("/loans/add"))
        if form is None:
            return
        token = self.token("submit", form)
        room = ROOM_OPTION.search(form.text)
        if token is None or room is None:
            return
        room = room.group(1)
        day, start, end = self.random.choice(self.slots)
        fields = {
            "csrf_token": token, "kind": "peminjaman", "room": room,
            "title": f"Rapat uji beban {self.random.randrange(10**6)}",
            "participants": "20", "sessions-start": f"{day}T{start}",
            "sessions-end": f"{day}T{end}", "letter_number": "001/BEBAN/2026",
            "letter_date": self.today, "subject": "Permohonan peminjaman",
            "contact_name": "Kontak Uji", "contact_phone": "0812-1111-2222",
            "no_buffet_pledge": "y",
        }
        done = self.recorder.call("submit", lambda: self.browser.post_multipart(
            "/loans/add", fields, {"letter": ("surat.pdf", self.letter)}))
        if done is not None:
            if done.status == 302:
                self.recorder.count("submit: done")
                found = SHOW_LINK.search(done.location)
                if found:
                    self.own.append(found.group(1))
            else:  # the form again, with the reason at the field
                reason = FIELD_ERROR.search(done.text)
                text = re.sub(r"<[^>]+>|\s+", " ", reason.group(1)) if reason else "?"
                self.recorder.count(f"submit: refused ({text.split(':')[0].strip()[:80]})")

    def act(self):
        role = self.username.rstrip("0123456789")
        roll = self.random.random()
        if role == "peminjam":
            if roll < 0.25:
                self.submit()
            elif roll < 0.5:
                page = self.get("loan list", "/loans/list/")
                if page is not None and not self.own:
                    self.own = SHOW_LINK.findall(page.text)[:20]
            elif roll < 0.65 and self.own:
                self.get("loan page", f"/loans/show/{self.random.choice(self.own)}")
            elif roll < 0.8:
                self.get("agenda", "/agenda/")
            else:
                self.get("dashboard", "/")
        elif roll < 0.2:
            self.get("agenda" if role != "kabid" else "dashboard",
                     "/agenda/" if role != "kabid" else "/")
        elif role == "kabid":
            self.step("dispose", self.waiting(),
                      {"instruction": "follow_up", "nature": "biasa", "note": ""})
        elif role == "kasi":
            self.step("confirm", self.waiting(), {"pledge_checked": "y", "note": ""})
        else:
            self.step("schedule", self.waiting(), {"note": ""})

    def run(self, ready, stop):
        self.login()  # timed, but before the measured window
        ready.wait(timeout=600)
        while not stop.is_set():
            self.act()
            stop.wait(self.random.uniform(0.2, 1.0))


def usernames(users):
    """The demo accounts, in the mix of the docstring (several sessions each)."""
    staff = max(1, users // 10)
    names = [f"kabid{n}" for n in range(staff)] + [f"kasi{n}" for n in range(staff)] + \
        [f"adminpc{n}" for n in range(staff)]
    names += [f"peminjam{1 + n % 2}" for n in range(users - len(names))]
    return names[:users]


def account(name):
    """``kabid3`` -> ``kabid`` (sessions share the demo account); borrowers keep theirs."""
    return name if name.startswith("peminjam") else name.rstrip("0123456789")


def popular_slots(app):
    """A few office days ahead, two slots each: many requests want each."""
    from app.ops.demo import office_day

    with app.app_context():
        days = sorted({office_day(d).isoformat() for d in range(14, 60, 4)})
    return [(day, start, end) for day in days
            for start, end in (("09:00", "11:00"), ("13:00", "15:00"))]


def checks(app):
    import sqlalchemy as sa

    from app.models import LoanRequest
    from app.platform.extensions import db

    with app.app_context():
        overlaps = db.session.execute(sa.text(OVERLAPS)).scalar_one()
        broken, missing = [], []
        folder = app.config["UPLOAD_FOLDER"]
        for loan in db.session.query(LoanRequest):
            rows = sorted(loan.history, key=lambda h: h.id)
            chain_ok = bool(rows) and rows[0].from_status is None and all(
                a.to_status == b.from_status for a, b in zip(rows, rows[1:])
            ) and rows[-1].to_status == loan.status
            if not chain_ok:
                broken.append(loan.registration_number)
            if loan.letter_file and not os.path.isfile(os.path.join(folder, loan.letter_file)):
                missing.append(loan.registration_number)
        statuses = dict(db.session.execute(sa.text(
            "SELECT status, count(*) FROM loan_request GROUP BY status")).all())
        db.session.remove()
        db.engine.dispose()
    return {"overlapping_sessions": overlaps, "broken_histories": broken,
            "missing_letters": missing, "requests_by_status": statuses}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summary(recorder, seconds):
    every = [t for kind, values in recorder.timings.items() for t in values
             if kind != "login"]
    kinds = {
        kind: {"count": len(values), "p50_ms": round(percentile(values, 0.5) * 1000, 1),
               "p95_ms": round(percentile(values, 0.95) * 1000, 1),
               "max_ms": round(max(values) * 1000, 1)}
        for kind, values in sorted(recorder.timings.items())
    }
    return {  # logins happen before the measured window; not in the totals
        "requests": len(every),
        "throughput_rps": round(len(every) / seconds, 1),
        "p50_ms": round(percentile(every, 0.5) * 1000, 1) if every else None,
        "p95_ms": round(percentile(every, 0.95) * 1000, 1) if every else None,
        "kinds": kinds,
        "outcomes": dict(sorted(recorder.outcomes.items())),
        "errors": len(recorder.errors),
        "error_samples": recorder.errors[:20],
    }


def warm_up(server, letter):
    """Each worker renders each page once before the clock starts (templates
    compiled, caches filled), as a server that has been up a while."""
    staff = {"kabid": ["/", "/tasks/"], "kasi": ["/agenda/", "/tasks/"],
             "peminjam1": ["/", "/loans/list/", "/agenda/", "/loans/add"]}
    for username, paths in staff.items():
        browser = Browser(server.port)
        browser.login(username, PASSWORD)
        for _ in range(2 * int(server.env["WEB_CONCURRENCY"])):
            for path in paths:
                browser.get(path)


def run_load(database_url, upload_folder, users=50, seconds=60, workers=2, threads=8,
             log_path=None, seed=1, echo=print):
    """Run the people against a prepared database; returns the result dict."""
    from app import create_app
    from app.ops.demo import demo_letter_pdf

    env = app_env(database_url, upload_folder,
                  GUNICORN_ACCESSLOG="",
                  RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI",
                                                       "redis://127.0.0.1:6379/0"),
                  RATELIMIT_KEY_PREFIX=f"pontive-load-{os.getpid()}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                      "UPLOAD_FOLDER": str(upload_folder), "TESTING": True})
    slots = popular_slots(app)
    letter = demo_letter_pdf("Rapat uji beban", "001/BEBAN/2026")
    recorder = Recorder()
    with Server(env, workers=workers, threads=threads, log_path=log_path) as server:
        echo(f"gunicorn: {workers} workers x {threads} threads on {server.base}; "
             f"{users} people for {seconds} s")
        warm_up(server, letter)
        stop = threading.Event()
        ready = threading.Barrier(users + 1)
        people = [Person(server, recorder, account(name), slots, letter, seed * 1000 + n)
                  for n, name in enumerate(usernames(users))]
        threads_ = [threading.Thread(target=p.run, args=(ready, stop)) for p in people]
        for thread in threads_:
            thread.start()
        ready.wait(timeout=600)  # everybody has logged in
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for thread in threads_:
            thread.join(timeout=120)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()[0]
    result = summary(recorder, elapsed)
    result["load_average"] = [round(load_before, 1), round(load_after, 1)]
    result.update({
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "workers": workers, "threads": threads, "users": users, "seconds": seconds,
        "checks": checks(app),
    })
    checked = result["checks"]
    result["ok"] = (result["errors"] == 0 and checked["overlapping_sessions"] == 0
                    and not checked["broken_histories"] and not checked["missing_letters"])
    return result


def scratch_database(base_url):
    """Create ``pontive_load_<pid>`` on the server of ``base_url``; (url, drop)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"pontive_load_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def drop():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False), drop


def write_results(result):
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2, sort_keys=True)
        handle.write("\n")
    rows = "\n".join(
        f"| {kind} | {v['count']} | {v['p50_ms']:.0f} | {v['p95_ms']:.0f} | {v['max_ms']:.0f} |"
        for kind, v in result["kinds"].items())
    outcomes = ", ".join(f"{k} {v}" for k, v in result["outcomes"].items())
    checked = result["checks"]
    section = f"""{START}
## Load test

`python bench/load.py` ({result['measured_at']}, {result['machine']}): gunicorn with
{result['workers']} workers x {result['threads']} threads (`gunicorn.conf.py`) on
{result['database']}, {result['users']} simulated people for {result['seconds']} s on loopback, 0.2-1 s
between clicks. Borrowers read their list, requests, the agenda and the dashboard and
submit through the web form (CSRF token, PDF letter) for a few popular slots; the Kabid
disposes, the Kasi confirms and Admin Pontive Center enters into the agenda what waits
in Tugas Saya. Everybody logs in first (timed apart as `login`, outside the window),
after a warm-up of each page.

**{result['requests']} requests in the window, {result['throughput_rps']} per second; p50
{result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms. Errors (5xx, transport, lost session):
{result['errors']}. Overlapping occupying sessions: {checked['overlapping_sessions']}; broken
histories: {len(checked['broken_histories'])}; missing letters: {len(checked['missing_letters'])}.**

Outcomes: {outcomes}. "Refused" is the answer a person gets when someone else was first:
the room was confirmed for another request at that time (submit, confirm), or another
session of the same role took that step on the request a moment earlier; "already taken"
is the same found when opening the step's form.

The load generator ran on the same two CPUs as gunicorn and PostgreSQL, and other work
shared them (load average {result['load_average'][0]} when the window opened,
{result['load_average'][1]} when it closed): the latencies are those of a saturated machine,
not of the app alone.

| request | count | p50 ms | p95 ms | max ms |
| --- | ---: | ---: | ---: | ---: |
{rows}
{END}"""
    with open(DOC, encoding="utf-8") as handle:
        text = handle.read()
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(DOC, "w", encoding="utf-8") as handle:
        handle.write(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", default=os.environ.get(
        "LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server to create the scratch database on")
    parser.add_argument("--no-write", action="store_true",
                        help="print the result only (no results file, no docs)")
    args = parser.parse_args(argv)

    url, drop = scratch_database(args.database_url)
    try:
        with tempfile.TemporaryDirectory(prefix="pontive-load-") as directory:
            env = app_env(url, os.path.join(directory, "uploads"))
            flask(env, "setup")
            flask(env, "demo")
            result = run_load(url, os.path.join(directory, "uploads"), users=args.users,
                              seconds=args.seconds, workers=args.workers,
                              threads=args.threads,
                              log_path=os.path.join(directory, "gunicorn.log"))
    finally:
        drop()
    result["measured_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    result["machine"] = f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(json.dumps({k: v for k, v in result.items() if k != "kinds"}, indent=2))
    for kind, values in result["kinds"].items():
        print(f"  {kind:12} {values}")
    if not args.no_write:
        write_results(result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
