"""Lookups against one indexed query: the conflict check (bench/conflict_check.py
measures it) and the availability of a room for a week."""
import gc
import random
import time
import tracemalloc
from datetime import timedelta

import sqlalchemy as sa
from common import summary

# The floor of the availability lookup: the room's sessions meeting the week
# (and the two days after it), with their request's status; one range scan
# of ix_loan_session_room_time.
AVAILABILITY_FLOOR = (
    "SELECT s.id, s.starts_at, s.ends_at, s.blocked_until, s.occupying, s.proposed, "
    "r.status FROM loan_session s JOIN loan_request r ON r.id = s.loan_id "
    "WHERE s.room_id = :room_id AND s.starts_at >= :low AND s.starts_at < :high "
    "ORDER BY s.starts_at"
)


def _peak(function):
    gc.collect()
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 1024)


def availability(rooms, days, now, repetitions=500, seed=3, warmup=20):
    """``room_availability`` of a random room and week (what the availability
    page computes) against the floor statement, alternately."""
    from pages import QueryCounter

    from app.domain.scheduling import availability as lookup
    from app.domain.scheduling.settings import ScheduleSettings
    from app.platform.extensions import db
    from app.platform.timeutil import UTCDateTime

    statement = sa.text(AVAILABILITY_FLOOR).bindparams(
        sa.bindparam("low", type_=UTCDateTime()), sa.bindparam("high", type_=UTCDateTime()))
    settings = ScheduleSettings.current()
    rng = random.Random(seed)
    samples = {"lookup": [], "floor": []}
    queries = {}
    busy = 0

    def pick():
        room = rng.choice(rooms)
        first = rng.choice(days)
        return room, first, first + timedelta(days=6)

    def run_lookup(room, first, last):
        return lookup.room_availability(room, first, last, now, include_pending=True,
                                        settings=settings)

    def run_floor(room, first, last):
        return db.session.connection().execute(statement, {
            "room_id": room.id, "low": lookup.midnight(first) - ScheduleSettings.SEARCH_WINDOW,
            "high": lookup.midnight(last + timedelta(days=1)) + ScheduleSettings.SEARCH_WINDOW}).all()

    contenders = {"lookup": run_lookup, "floor": run_floor}
    for n in range(warmup + repetitions):
        room, first, last = pick()
        order = list(contenders) if n % 2 == 0 else list(contenders)[::-1]
        for name in order:
            with QueryCounter(db.engine) as counter:
                started = time.perf_counter_ns()
                result = contenders[name](room, first, last)
                elapsed = time.perf_counter_ns() - started
            if n >= warmup:
                samples[name].append(elapsed)
            queries[name] = counter.count
            if name == "lookup":
                busy += sum(len(day.busy) for day in result)
        if n % 100 == 99:
            db.session.rollback()
    room, first, last = pick()
    stats = {name: {**summary(samples[name]), "queries": queries[name],
                    "peak_kib": _peak(lambda f=f: f(room, first, last))}
             for name, f in contenders.items()}
    db.session.rollback()
    return {
        "repetitions": repetitions, **stats,
        "busy_blocks_per_lookup": round(busy / (warmup + repetitions), 1),
        "ratio_median": round(stats["lookup"]["median_us"] / stats["floor"]["median_us"], 2),
        "ratio_p95": round(stats["lookup"]["p95_us"] / stats["floor"]["p95_us"], 2),
    }


def conflict(room_ids, days, repetitions=2000):
    """bench/conflict_check.py's measure, on this dataset; plus queries and
    peak memory of one check and one floor."""
    import conflict_check
    from pages import QueryCounter

    from app.domain.scheduling.occupancy import occupying_clashes
    from app.models import Room
    from app.platform.extensions import db

    rooms = db.session.query(Room).filter(Room.id.in_(room_ids)).all()
    result = conflict_check.measure(rooms, days, repetitions)
    room, session = conflict_check.candidate(random.Random(9), rooms, days)
    for name, function in (("check", lambda: occupying_clashes(room.id, [session])),
                           ("floor", lambda: conflict_check.floor_query(room, session))):
        with QueryCounter(db.engine) as counter:
            function()
        result[name]["queries"] = counter.count
        result[name]["peak_kib"] = _peak(function)
    db.session.rollback()
    return result
