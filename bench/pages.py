"""Pages measured through the app, each against its floor.

A page is requested through Flask's test client, in-process, as a signed-in
user: its server time is the time of the request through the whole app
(routing, login, permission checks, queries, templates). Its floor fetches
the rows the page shows with plain SQLAlchemy Core statements (no ORM) and
renders them with a bare Jinja template as one HTML table, in the same app
context and on the same engine. The SQL statements of each are counted with an
engine event; the CPU time of the process is recorded beside the wall-clock
time (on a shared machine it is the steadier of the two); peak memory is tracemalloc's, in runs of their own (tracing
slows the code down).
"""
import gc
import json
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import jinja2
import sqlalchemy as sa
from common import summary

# What a page holds: Flask-AppBuilder's list views send 25 rows, its REST API
# 20 (the floors fetch the same rows as the pages).
LIST_PAGE_SIZE = 25
API_PAGE_SIZE = 20

_env = jinja2.Environment(autoescape=True)
_env.filters["when"] = lambda value: value.strftime("%d-%m-%Y %H.%M") if value else "-"
LAYOUT = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><h1>{{ title }}</h1>{% block body %}{% endblock %}
</body></html>"""
TABLE = _env.from_string(LAYOUT.replace("{% block body %}{% endblock %}", """
{% for caption, header, rows in tables %}<table><caption>{{ caption }}</caption>
<thead><tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for row in rows %}<tr>{% for cell in row %}<td>{% if cell is not string and cell is not number
and cell is not none %}{{ cell | when }}{% else %}{{ cell if cell is not none else '-' }}{% endif
%}</td>{% endfor %}</tr>{% endfor %}</tbody></table>{% endfor %}"""))


def render(title, *tables):
    return TABLE.render(title=title, tables=tables)


# ---------------------------------------------------------------- the floors

def _session_bounds(loan):
    from app.models import LoanSession

    def bound(function, column):
        return (sa.select(function(column))
                .where(LoanSession.loan_id == loan.id, LoanSession.proposed.is_(False))
                .scalar_subquery())

    return (bound(sa.func.min, LoanSession.starts_at),
            bound(sa.func.max, LoanSession.ends_at))


def list_floor(page, borrower_id=None, size=LIST_PAGE_SIZE):
    """A page of the request list: its rows and the total, two statements."""
    from app.models import Institution, LoanRequest
    from app.platform.extensions import db

    # The page's ids first, then their columns: PostgreSQL would otherwise work
    # out the schedule of every row the offset skips.
    ids = (sa.select(LoanRequest.id, LoanRequest.created_at)
           .order_by(LoanRequest.created_at.desc()).limit(size).offset(page * size))
    total = sa.select(sa.func.count()).select_from(LoanRequest)
    if borrower_id is not None:
        ids = ids.where(LoanRequest.borrower_id == borrower_id)
        total = total.where(LoanRequest.borrower_id == borrower_id)
    ids = ids.subquery()
    first, last = _session_bounds(LoanRequest)
    rows = (sa.select(LoanRequest.registration_number, LoanRequest.title, Institution.name,
                      first, last, LoanRequest.status, LoanRequest.created_at)
            .join(ids, ids.c.id == LoanRequest.id)
            .join(Institution, Institution.id == LoanRequest.institution_id)
            .order_by(ids.c.created_at.desc()))
    connection = db.session.connection()
    found = connection.execute(rows).all()
    count = connection.execute(total).scalar()
    return render(f"Permohonan ({count})", (
        "", ("Nomor", "Kegiatan", "Instansi", "Mulai", "Selesai", "Status", "Diajukan"),
        found))


WAITING = {  # statuses waiting for each role (app.inbox, in short)
    "Kabid TKPBET": ("submitted",), "Kasi PK & AI": ("disposed",),
    "Admin Pontive Center": ("confirmed", "scheduled", "prepared"),
    "Peminjam": ("reschedule_proposed",), "Admin": (),
}


def dashboard_floor(role, user_id, now, borrower=False):
    """The dashboard's rows: counts per status, the tasks waiting and the
    bookings of the coming week; three statements."""
    from app.models import LoanRequest, LoanSession, Room
    from app.platform.extensions import db

    counts = sa.select(LoanRequest.status, sa.func.count()).group_by(LoanRequest.status)
    tasks = (sa.select(LoanRequest.registration_number, LoanRequest.title,
                       LoanRequest.status, LoanRequest.status_changed_at)
             .where(LoanRequest.status.in_(WAITING[role]))
             .order_by(LoanRequest.status_changed_at).limit(5))
    week = (sa.select(LoanSession.starts_at, LoanSession.ends_at, Room.name,
                      LoanRequest.title, LoanRequest.status)
            .join(LoanRequest, LoanRequest.id == LoanSession.loan_id)
            .join(Room, Room.id == LoanSession.room_id)
            .where(LoanSession.occupying, LoanSession.room_id.in_(sa.select(Room.id)),
                   LoanSession.starts_at >= now - timedelta(hours=now.hour),
                   LoanSession.starts_at < now + timedelta(days=8))
            .order_by(LoanSession.starts_at))
    if borrower:
        counts = counts.where(LoanRequest.borrower_id == user_id)
        tasks = tasks.where(LoanRequest.borrower_id == user_id)
        week = week.where(LoanRequest.borrower_id == user_id)
    connection = db.session.connection()
    return render("Beranda",
                  ("Status", ("Status", "Jumlah"), connection.execute(counts).all()),
                  ("Tugas", ("Nomor", "Kegiatan", "Status", "Sejak"),
                   connection.execute(tasks).all()),
                  ("Minggu ini", ("Mulai", "Selesai", "Ruang", "Kegiatan", "Status"),
                   connection.execute(week).all()))


def agenda_floor(start, end):
    """The month's bookings and waiting requests of every room, one statement
    (a range of the room index per room, as the agenda reads it)."""
    from app.domain.scheduling.settings import ScheduleSettings
    from app.models import LoanRequest, LoanSession, Room
    from app.platform.extensions import db

    rows = (sa.select(LoanSession.starts_at, LoanSession.ends_at, Room.name,
                      LoanRequest.registration_number, LoanRequest.title,
                      LoanRequest.status)
            .join(LoanRequest, LoanRequest.id == LoanSession.loan_id)
            .join(Room, Room.id == LoanSession.room_id)
            .where(LoanSession.room_id.in_(sa.select(Room.id)),
                   LoanSession.starts_at > start - ScheduleSettings.SEARCH_WINDOW,
                   LoanSession.starts_at < end, LoanSession.ends_at > start,
                   sa.or_(LoanSession.occupying,
                          LoanRequest.status.in_(("submitted", "disposed"))))
            .order_by(LoanSession.starts_at))
    return render("Agenda", ("", ("Mulai", "Selesai", "Ruang", "Nomor", "Kegiatan",
                                  "Status"), db.session.connection().execute(rows).all()))


def public_floor(start, end):
    """The public page's blocks: the coming weeks' sessions holding each
    bookable room, times only, one statement."""
    from app.models import LoanSession, Room
    from app.platform.extensions import db

    rows = (sa.select(Room.name, LoanSession.starts_at, LoanSession.ends_at)
            .join(Room, Room.id == LoanSession.room_id)
            .where(Room.is_active.is_(True), LoanSession.starts_at >= start,
                   LoanSession.starts_at < end, LoanSession.occupying.is_(True),
                   LoanSession.proposed.is_(False))
            .order_by(Room.name, LoanSession.starts_at))
    return render("Layanan Peminjaman Ruang Rapat",
                  ("Jadwal", ("Ruang", "Mulai", "Selesai"),
                   db.session.connection().execute(rows).all()))


def api_floor(size=API_PAGE_SIZE):
    """The API's first page: its rows and the total, as JSON."""
    from app.models import Institution, LoanRequest, Room
    from app.platform.extensions import db

    rows = (sa.select(LoanRequest.id, LoanRequest.registration_number, LoanRequest.kind,
                      LoanRequest.status, LoanRequest.title, LoanRequest.subject,
                      LoanRequest.participants, LoanRequest.letter_number,
                      LoanRequest.letter_date, Room.name.label("room"),
                      Institution.name.label("institution"), LoanRequest.created_at)
            .join(Room, Room.id == LoanRequest.room_id)
            .join(Institution, Institution.id == LoanRequest.institution_id)
            .order_by(LoanRequest.created_at.desc()).limit(size))
    connection = db.session.connection()
    result = [dict(row._mapping) for row in connection.execute(rows)]
    count = connection.execute(sa.select(sa.func.count()).select_from(LoanRequest)).scalar()
    return json.dumps({"count": count, "result": result}, default=str)


# ---------------------------------------------------------------- measuring

@dataclass
class Page:
    name: str
    username: str
    url: str
    floor: Callable  # () -> str, in an app context
    api: bool = False
    goal: bool = True  # False: a reference, measured without the 2x goal


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self)


def clients(app, usernames, password):
    """A logged-in test client per username, and a JWT for the API."""
    out = {}
    for username in usernames:
        client = app.test_client()
        response = client.post("/login/", data={"username": username,
                                                "password": password})
        if response.status_code != 302:
            raise RuntimeError(f"login as {username} failed ({response.status_code})")
        out[username] = client
    return out


def api_token(app, user_id):
    """An access token as Flask-AppBuilder's /api/v1/security/login issues it
    (that endpoint is off in this app)."""
    from flask_jwt_extended import create_access_token

    with app.app_context():
        return create_access_token(identity=str(user_id), fresh=True)


def measure(app, pages, clients, token=None, repetitions=30, warmup=3, echo=print):
    """Alternate each page with its floor ``repetitions`` times; returns
    {page name: {...}}."""
    from app.platform.extensions import db

    results = {}
    for page in pages:
        # The API and the public page are asked without a login.
        client = (app.test_client() if page.api or page.username is None
                  else clients[page.username])
        headers = {"Authorization": f"Bearer {token}"} if page.api else {}

        def app_call(client=client, page=page, headers=headers):
            response = client.get(page.url, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{page.name}: {page.url} answered "
                                   f"{response.status_code}")
            return response.data

        def floor_call(page=page):
            with app.app_context():
                try:
                    return page.floor()
                finally:
                    db.session.remove()

        contenders = {"app": app_call, "floor": floor_call}
        samples = {name: [] for name in contenders}
        cpu = {name: [] for name in contenders}
        queries, sizes = {}, {}
        with app.app_context():
            engine = db.engine
        warm = min(warmup, repetitions)
        for n in range(warm + repetitions):
            order = list(contenders) if n % 2 == 0 else list(contenders)[::-1]
            for name in order:
                with QueryCounter(engine) as counter:
                    started_cpu = time.process_time_ns()
                    started = time.perf_counter_ns()
                    body = contenders[name]()
                    elapsed = time.perf_counter_ns() - started
                    elapsed_cpu = time.process_time_ns() - started_cpu
                if n >= warm:
                    samples[name].append(elapsed)
                    cpu[name].append(elapsed_cpu)
                queries[name] = counter.count
                sizes[name] = len(body)
        peaks = {}
        for name, function in contenders.items():
            gc.collect()
            tracemalloc.start()
            function()
            peaks[name] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        stats = {name: summary(samples[name]) for name in contenders}
        results[page.name] = {
            "url": page.url, "user": page.username, "goal": page.goal,
            **{name: {**stats[name],
                      "cpu_median_us": round(statistics.median(cpu[name]) / 1000, 1),
                      "queries": queries[name],
                      "peak_kib": round(peaks[name] / 1024), "bytes": sizes[name]}
               for name in contenders},
            "ratio_median": round(stats["app"]["median_us"] / stats["floor"]["median_us"], 2),
            "ratio_p95": round(stats["app"]["p95_us"] / stats["floor"]["p95_us"], 2),
            "ratio_cpu_median": round(statistics.median(cpu["app"])
                                      / max(1, statistics.median(cpu["floor"])), 2),
        }
        r = results[page.name]
        echo(f"  {page.name:<28} app {r['app']['median_us'] / 1000:8.2f} ms "
             f"(p95 {r['app']['p95_us'] / 1000:8.2f}, {r['app']['queries']:3d} q)  "
             f"floor {r['floor']['median_us'] / 1000:7.2f} ms "
             f"({r['floor']['queries']} q)  {r['ratio_median']:5.2f}x  "
             f"CPU {r['ratio_cpu_median']:5.2f}x")
    return results


def month_bounds(day):
    from app.domain.scheduling.availability import midnight

    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, midnight(first), midnight(following)


def page_list(seeded, now, ids, total_loans):
    """The pages of the issue, each with its floor. ``ids``: username -> user id."""
    from app.platform.timeutil import to_local

    today = to_local(now).date()
    first, start, end = month_bounds(today)
    deep = max(0, (total_loans // LIST_PAGE_SIZE) // 2)
    borrower = seeded.busiest_borrower
    out = [
        # The lightest page of the panel (the SOP's text, no rows): what the
        # layout alone costs, against an empty bare page.
        Page("layout only (Tentang SOP)", "kasi", "/sop/", lambda: render("Tentang SOP"),
             goal=False),
        Page("staff list, page 1", "kasi", "/loans/list/", lambda: list_floor(0)),
        Page(f"staff list, page {deep + 1:,}", "kasi",
             f"/loans/list/?page_LoanRequestView={deep}", lambda: list_floor(deep)),
        Page("borrower's own list", borrower, "/loans/list/",
             lambda: list_floor(0, ids[borrower])),
    ]
    for username, role in (("admin", "Admin"), ("kabid", "Kabid TKPBET"),
                           ("kasi", "Kasi PK & AI"), ("adminpc", "Admin Pontive Center"),
                           (borrower, "Peminjam")):
        out.append(Page(f"dashboard, {role}", username, "/",
                        lambda role=role, username=username: dashboard_floor(
                            role, ids[username], now, borrower=role == "Peminjam")))
    out += [
        Page("agenda, month", "adminpc", f"/agenda/?view=month&date={first.isoformat()}",
             lambda: agenda_floor(start, end)),
        Page("API list (JWT)", "kasi", "/api/v1/loans/", api_floor, api=True),
        # Cached blocks (PUBLIC_SCHEDULE_CACHE_SECONDS): most visits cost the
        # look-up, as the repetitions here do after the first.
        Page("public page (no login)", None, "/",
             lambda: public_floor(now, now + timedelta(days=28))),
    ]
    return out
