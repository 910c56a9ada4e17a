"""Ten years of realistic data for the benchmarks, bulk-inserted through Core.

``populate(app, loans)`` fills a migrated database (``app.ops.setup.prepare_database``)
with:

* one staff account per role (``admin``, ``kabid``, ``kasi``, ``adminpc``) and a
  few hundred borrowers (``peminjam001``...) with their profiles, spread over
  institutions of every kind (password :data:`PASSWORD`);
* several rooms with their own preparation buffers (the seeded Pontive room
  among them);
* ``loans`` requests over ten years of office days ending three months after
  today, more each year (the busiest year is a recent one), each with one to
  three sessions on consecutive office days in one of four daily slots, its
  history row per SOP step taken (submission, disposition with its
  instruction, confirmation, agenda entry, preparation, completion; or a
  rejection, cancellation, reschedule proposal or no-show) with its mutu baku
  timing, and a status that fits its time: past requests are completed, not
  used, rejected or cancelled; coming ones wait at every step of the SOP.

Occupying sessions (and the holds of live reschedule proposals) never overlap
within a room, as the database's triggers (SQLite) and exclusion constraint
(PostgreSQL) require: a request that finds no free slot on its days was
rejected. Others (pending, rejected, cancelled) may overlap anything.
"""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from common import at, office_days

PASSWORD = "Bench#2026x"
STAFF = (("admin", "Admin"), ("kabid", "Kabid TKPBET"), ("kasi", "Kasi PK & AI"),
         ("adminpc", "Admin Pontive Center"))
ROOMS = (  # name, capacity, preparation buffer (minutes)
    ("Ruang Rapat Pontive Center", 30, 30), ("Ruang Rapat Utama", 60, 30),
    ("Ruang Diskusi A", 12, 15), ("Ruang Diskusi B", 12, 0),
    ("Aula Pontive", 120, 60), ("Ruang Pelatihan Komputer", 25, 30),
    ("Ruang Studio Podcast", 6, 15), ("Ruang Kolaborasi", 40, 30),
)
SLOTS = (8 * 60, 10 * 60, 12 * 60, 14 * 60)  # starts, minutes after midnight WIB
SLOT_MINUTES = 120  # a session and its room's buffer fit in a slot
INSTITUTION_KINDS = ("opd", "opd", "opd", "sekolah", "sekolah", "universitas",
                     "lembaga", "lainnya")
INSTITUTION_NAMES = {
    "opd": "Dinas {n} Kota Pontianak", "sekolah": "SMA Negeri {n} Pontianak",
    "universitas": "Universitas Mitra {n}", "lembaga": "Lembaga Pengembangan {n}",
    "lainnya": "Komunitas Pegiat {n}",
}
TITLES = ("Rapat koordinasi", "Bimbingan teknis aplikasi", "Sosialisasi layanan",
          "Pelatihan analisis data dan penyusunan dasbor kinerja", "Lokakarya",
          "Seminar kota cerdas", "Kunjungan studi mahasiswa", "Rapat evaluasi program")
# Status weights: requests whose first session has passed, and coming ones.
PAST = (("completed", 70), ("no_show", 4), ("rejected", 12), ("cancelled", 14))
COMING = (("submitted", 14), ("disposed", 10), ("reschedule_proposed", 3),
          ("confirmed", 22), ("scheduled", 28), ("rejected", 9), ("cancelled", 9),
          ("prepared", 5))
# The SOP path to each status: (action, to status, role of the actor).
PATHS = {
    "submitted": (),
    "disposed": (("dispose", "disposed", "kabid"),),
    "reschedule_proposed": (("dispose", "disposed", "kabid"),
                            ("propose_reschedule", "reschedule_proposed", "kasi")),
    "confirmed": (("dispose", "disposed", "kabid"), ("confirm", "confirmed", "kasi")),
    "scheduled": (("dispose", "disposed", "kabid"), ("confirm", "confirmed", "kasi"),
                  ("schedule", "scheduled", "adminpc")),
    "prepared": (("dispose", "disposed", "kabid"), ("confirm", "confirmed", "kasi"),
                 ("schedule", "scheduled", "adminpc"), ("prepare", "prepared", "adminpc")),
    "completed": (("dispose", "disposed", "kabid"), ("confirm", "confirmed", "kasi"),
                  ("schedule", "scheduled", "adminpc"), ("prepare", "prepared", "adminpc"),
                  ("complete", "completed", "adminpc")),
    "no_show": (("dispose", "disposed", "kabid"), ("confirm", "confirmed", "kasi"),
                ("schedule", "scheduled", "adminpc"),
                ("mark_no_show", "no_show", "adminpc")),
    "rejected": (("dispose", "disposed", "kabid"), ("reject", "rejected", "kasi")),
    "cancelled": (("cancel", "cancelled", "peminjam"),),
}
# The timed steps (mutu baku): the action that ends the step waiting in a status.
TIMED = {("submitted", "dispose"): "disposition", ("disposed", "confirm"): "coordination",
         ("disposed", "propose_reschedule"): "coordination",
         ("disposed", "reject"): "coordination", ("confirmed", "schedule"): "agenda",
         ("scheduled", "prepare"): "preparation"}


@dataclass
class Seeded:
    """What was inserted, and what the benchmarks look up."""

    counts: dict
    days: list
    rooms: list = field(default_factory=list)  # Room objects (detached-safe ids)
    staff: dict = field(default_factory=dict)  # role key -> username
    busiest_borrower: str = ""
    busiest_year: int = 0
    loans_per_year: dict = field(default_factory=dict)


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _add_users(app, institutions, borrowers, rng, now):
    """Staff through the security manager; borrowers in bulk (one hash)."""
    from werkzeug.security import generate_password_hash

    from app.models import BorrowerProfile
    from app.platform.extensions import db
    from app.security.roles import PEMINJAM

    sm = app.appbuilder.sm
    staff = {}
    for username, role in STAFF:
        user = sm.add_user(username=username, first_name=username.capitalize(),
                           last_name="Uji", email=f"{username}@example.org",
                           role=sm.find_role(role), password=PASSWORD)
        staff[username] = user.id
    users = sm.user_model.__table__
    first_id = (db.session.query(sa.func.max(users.c.id)).scalar() or 0) + 1
    hashed = generate_password_hash(PASSWORD, method=app.config["FAB_PASSWORD_HASH_METHOD"])
    user_rows, role_rows, profile_rows = [], [], []
    peminjam = sm.find_role(PEMINJAM).id
    for n in range(borrowers):
        user_id = first_id + n
        user_rows.append({
            "id": user_id, "first_name": f"Peminjam{n + 1:03d}", "last_name": "Uji",
            "username": f"peminjam{n + 1:03d}", "password": hashed, "active": True,
            "email": f"peminjam{n + 1:03d}@example.org", "login_count": 0,
            "fail_login_count": 0, "created_on": now, "changed_on": now,
        })
        role_rows.append({"user_id": user_id, "role_id": peminjam})
        profile_rows.append({"user_id": user_id,
                             "institution_id": institutions[n % len(institutions)][0],
                             "position": "Staf", "phone": "0812-0000-0000",
                             "email_verified_at": now})
    connection = db.session.connection()
    connection.execute(users.insert(), user_rows)
    connection.execute(sm.user_model.roles.property.secondary.insert(), role_rows)
    connection.execute(BorrowerProfile.__table__.insert(), profile_rows)
    return staff, [(row["id"], row["username"], profile["institution_id"])
                   for row, profile in zip(user_rows, profile_rows)]


def _history(loan_id, status, created, first_start, last_end, borrower_id, staff, rng,
             standards, now):
    """The history rows of a request that reached ``status``."""
    blank = {"instruction": None, "nature": None, "waiting_since": None,
             "elapsed_seconds": None, "standard_seconds": None}
    rows = [{"loan_id": loan_id, "action": "submit", "from_status": None,
             "to_status": "submitted", "actor_id": borrower_id, "actor_role": "Peminjam",
             "created_at": created, "note": "", **blank}]
    when, state = created, "submitted"
    roles = dict(STAFF)
    for action, to_status, who in PATHS[status]:
        since = when
        if action == "prepare":
            when = max(when, first_start - timedelta(minutes=rng.randint(20, 90)))
        elif action in ("complete", "mark_no_show"):
            when = max(when, last_end + timedelta(minutes=rng.randint(5, 120)))
        else:
            when = when + timedelta(minutes=rng.randint(5, 60 * 30))
            if status in ("rejected", "cancelled", "no_show") or first_start > when:
                pass
            else:
                when = min(when, first_start - timedelta(hours=1))
        when = max(since + timedelta(minutes=1), min(when, now))
        step = TIMED.get((state, action))
        actor = (borrower_id, "Peminjam") if who == "peminjam" else (staff[who], roles[who])
        row = {"loan_id": loan_id, "action": action, "from_status": state,
               "to_status": to_status, "actor_id": actor[0], "actor_role": actor[1],
               "created_at": when, "note": "", **blank}
        if action == "dispose":
            row.update(instruction="follow_up", nature="ordinary")
        if action in ("reject", "cancel"):
            row["note"] = "Ruang sudah terpakai pada tanggal tersebut."
        if step == "preparation":  # its clock starts one standard before the start
            since = max(since, first_start - timedelta(seconds=standards[step]))
        if step is not None:
            row.update(waiting_since=since,
                       elapsed_seconds=int((when - since).total_seconds()),
                       standard_seconds=standards[step])
        rows.append(row)
        state = to_status
    return rows, when


def populate(app, loans=100_000, borrowers=300, institutions=60, seed=2026, now=None,
             echo=lambda *_: None):
    """Insert the ten years of data; returns a :class:`Seeded`."""
    from app.models import (
        Institution,
        LoanRequest,
        LoanSession,
        LoanStatus,
        Room,
        StatusHistory,
    )
    from app.platform.extensions import db
    from app.platform.timeutil import utcnow

    rng = random.Random(seed)
    now = now or utcnow()
    today = now.date()
    standards = {code: minutes * 60
                 for code, minutes in app.config["MUTU_BAKU_MINUTES"].items()}

    # Rooms (the Pontive room exists already) and institutions.
    rooms = []
    for name, capacity, buffer in ROOMS:
        room = db.session.query(Room).filter_by(name=name).one_or_none()
        if room is None:
            room = Room(name=name, capacity=capacity, prep_buffer_minutes=buffer)
            db.session.add(room)
        rooms.append(room)
    kinds = [INSTITUTION_KINDS[n % len(INSTITUTION_KINDS)] for n in range(institutions)]
    db.session.add_all(Institution(name=INSTITUTION_NAMES[kind].format(n=n + 1), kind=kind)
                       for n, kind in enumerate(kinds))
    db.session.commit()
    institution_rows = db.session.execute(sa.select(Institution.id, Institution.kind)).all()
    staff, borrower_rows = _add_users(app, institution_rows, borrowers, rng, now)
    # A few busy borrowers, many occasional ones.
    borrower_weights = [1 / (n + 1) ** 0.6 for n in range(len(borrower_rows))]

    first_day = date(today.year - 10, today.month, 1) + timedelta(days=92)
    days = [d for d in office_days(first_day, 10) if d <= today + timedelta(days=92)]
    # More requests each year: the weight of a day grows with its year.
    weights = [1 + 0.12 * (d.year - days[0].year) for d in days]
    starts = sorted(rng.choices(range(len(days)), weights, k=loans))
    taken = set()  # (room index, day index, slot index) of occupying sessions
    next_loan = (db.session.query(sa.func.max(LoanRequest.id)).scalar() or 0) + 1
    loan_rows, session_rows, history_rows = [], [], []
    per_year = {}

    def free_slot(day_indexes, avoid=None):
        order = rng.sample(range(len(rooms)), len(rooms))
        for r in order:
            for s in rng.sample(range(len(SLOTS)), len(SLOTS)):
                if (r, s) != avoid and all((r, d, s) not in taken for d in day_indexes):
                    return r, s
        return None

    def session_row(loan_id, r, d, s, occupying, proposed=False):
        buffer = rooms[r].prep_buffer_minutes
        length = rng.choice([m for m in (60, 90, 120) if m + buffer <= SLOT_MINUTES])
        starts_at = at(days[d], SLOTS[s])
        ends_at = starts_at + timedelta(minutes=length)
        return {"loan_id": loan_id, "room_id": rooms[r].id, "starts_at": starts_at,
                "ends_at": ends_at, "blocked_until": ends_at + timedelta(minutes=buffer),
                "occupying": occupying, "proposed": proposed}

    for n, d0 in enumerate(starts):
        loan_id = next_loan + n
        count = min(_weighted(rng, ((1, 75), (2, 15), (3, 10))), len(days) - d0)
        day_indexes = list(range(d0, d0 + count))
        first_start = at(days[d0], SLOTS[0])
        coming = first_start > now
        status = _weighted(rng, COMING if coming else PAST)
        if coming and status == "prepared" and days[d0] > today + timedelta(days=2):
            status = "scheduled"
        occupying = status in LoanStatus.OCCUPYING
        slot = free_slot(day_indexes) if occupying or status == "reschedule_proposed" else None
        if slot is None and (occupying or status == "reschedule_proposed"):
            status, occupying = "rejected", False  # the room was taken
        if slot is None:
            slot = (rng.randrange(len(rooms)), rng.randrange(len(SLOTS)))
        r, s = slot
        rows = [session_row(loan_id, r, d, s, occupying) for d in day_indexes]
        hold = None
        if status == "reschedule_proposed":  # the proposal holds the other slot
            proposal = free_slot(day_indexes, avoid=slot)
            if proposal is None:
                status = "rejected"
            else:
                hold = now + timedelta(days=2)
                rows += [session_row(loan_id, proposal[0], d, proposal[1], True, True)
                         for d in day_indexes]
                taken.update((proposal[0], d, proposal[1]) for d in day_indexes)
        if occupying:
            taken.update((r, d, s) for d in day_indexes)
        session_rows += rows
        starts_at = min(row["starts_at"] for row in rows if not row["proposed"])
        last_end = max(row["ends_at"] for row in rows if not row["proposed"])
        created = starts_at - timedelta(days=rng.randint(7, 45), minutes=rng.randint(0, 600))
        created = min(created, now - timedelta(minutes=rng.randint(10, 600)))
        borrower_id, _username, institution_id = rng.choices(borrower_rows,
                                                             borrower_weights)[0]
        history, changed = _history(loan_id, status, created, starts_at, last_end,
                                    borrower_id, staff, rng, standards, now)
        history_rows += history
        year = starts_at.year
        per_year[year] = per_year.get(year, 0) + 1
        loan_rows.append({
            "id": loan_id, "registration_number": f"PC/{created.year}/{loan_id:06d}",
            "kind": "peminjaman" if rng.random() < 0.9 else "kunjungan",
            "borrower_id": borrower_id, "institution_id": institution_id,
            "room_id": rooms[r].id,
            "letter_number": f"000.1/{loan_id}/{created.year}", "letter_date": created.date(),
            "subject": "Permohonan peminjaman ruang rapat",
            "title": f"{rng.choice(TITLES)} {loan_id}", "description": None,
            "participants": rng.randint(5, rooms[r].capacity),
            "contact_name": "Kontak Uji", "contact_phone": "0812-0000-0000",
            "no_buffet_pledge": True, "status": status,
            "status_changed_at": min(changed, now),
            "rejection_reason": ("Ruang sudah terpakai." if status == "rejected" else None),
            "cancellation_reason": ("Kegiatan ditunda." if status == "cancelled" else None),
            "hold_expires_at": hold,
            "actual_participants": (rng.randint(3, rooms[r].capacity)
                                    if status == "completed" else None),
            "created_at": created, "updated_at": min(changed, now),
        })
    echo(f"  planned {len(loan_rows):,} requests, {len(session_rows):,} sessions, "
         f"{len(history_rows):,} history rows")
    connection = db.session.connection()
    # Sessions in time order, as bookings arrive (the overlap triggers look
    # at neighbours in time).
    session_rows.sort(key=lambda row: (row["starts_at"], row["room_id"]))
    for table, rows in ((LoanRequest.__table__, loan_rows),
                        (LoanSession.__table__, session_rows),
                        (StatusHistory.__table__, history_rows)):
        for chunk in range(0, len(rows), 5000):
            connection.execute(table.insert(), rows[chunk:chunk + 5000])
    if connection.dialect.name == "postgresql":
        for table in ("ab_user", "loan_request"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    by_borrower = {}
    for row in loan_rows:
        by_borrower[row["borrower_id"]] = by_borrower.get(row["borrower_id"], 0) + 1
    busiest = max(by_borrower, key=by_borrower.get)
    statuses = {}
    for row in loan_rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    return Seeded(
        counts={"loans": len(loan_rows), "sessions": len(session_rows),
                "occupying_sessions": sum(1 for row in session_rows if row["occupying"]),
                "history": len(history_rows), "borrowers": len(borrower_rows),
                "institutions": len(institution_rows), "rooms": len(rooms),
                "first_day": days[0].isoformat(), "last_day": days[-1].isoformat(),
                "office_days": len(days), "statuses": dict(sorted(statuses.items())),
                "busiest_borrower_loans": by_borrower[busiest]},
        days=days, rooms=[room.id for room in rooms], staff=dict(
            (key, key) for key, _role in STAFF),
        busiest_borrower=next(u for i, u, _ in borrower_rows if i == busiest),
        busiest_year=max(per_year, key=per_year.get),
        loans_per_year=dict(sorted(per_year.items())),
    )
