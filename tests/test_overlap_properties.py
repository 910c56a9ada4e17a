"""Property-based tests of the overlap logic (hypothesis).

A session occupies ``[starts_at, blocked_until)`` (its end plus the room's
preparation buffer). Two spans overlap unless one ends (touching allowed)
before the other starts. The Python function, the SQL lookup the booking
checks run, and the rule on a request's own sessions must all agree with
that plain definition.
"""
from datetime import datetime, time, timedelta, timezone

import pytest
from flask_babel import force_locale
from helpers import office_day, submit_loan
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.domain.scheduling import occupancy
from app.domain.scheduling.rules import _overlaps_within
from app.models import LoanSession, Room
from app.platform.extensions import db
from app.platform.timeutil import from_local

BASE = datetime(2030, 1, 7, tzinfo=timezone.utc)  # a Monday, away from demo data
# The documented bounds: a session lasts less than a day (it starts and ends
# on one day) and a room's buffer is at most a day (the room form's limit).
LONGEST_SESSION = 24 * 60 - 1
LONGEST_BUFFER = 24 * 60

FAST = settings(max_examples=100, deadline=None)
WITH_DATABASE = settings(max_examples=60, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])


def minutes(n):
    return timedelta(minutes=n)


LENGTHS = st.one_of(st.integers(1, LONGEST_SESSION),
                    st.sampled_from([1, 60, LONGEST_SESSION]))
BUFFERS = st.one_of(st.integers(0, LONGEST_BUFFER),
                    st.sampled_from([0, 30, LONGEST_BUFFER]))


def span(start, length, buffer):
    """(starts_at, ends_at, blocked_until) of a session."""
    return start, start + minutes(length), start + minutes(length + buffer)


@st.composite
def spans(draw, within_days=3):
    """A session on a 5-minute grid of a few days."""
    start = BASE + minutes(5 * draw(st.integers(0, within_days * 24 * 12)))
    return span(start, draw(LENGTHS), draw(BUFFERS))


@st.composite
def near(draw, other):
    """A session against ``other``: from about where its buffer ends, or
    ending about where it starts. Touching, missing by a minute and
    overlapping by a minute are where mistakes hide."""
    delta = minutes(draw(st.sampled_from([0, -1, 1, -2, 2])))
    length, buffer = draw(LENGTHS), draw(BUFFERS)
    if draw(st.booleans()):
        return span(other[2] + delta, length, buffer)
    return span(other[0] + delta - minutes(length + buffer), length, buffer)


def against(draw, other):
    """Mostly :func:`near` ``other``, sometimes anywhere."""
    return draw(near(other)) if draw(st.integers(0, 3)) else draw(spans())


@st.composite
def pairs(draw):
    first = draw(spans())
    return first, against(draw, first)


def reference(a, b):
    """Not (a ends before b starts or b ends before a starts)."""
    (a_start, _, a_until), (b_start, _, b_until) = a, b
    return not (a_until <= b_start or b_until <= a_start)


# ---------------------------------------------------------------- the function

@FAST
@given(pairs())
def test_overlap_is_symmetric(pair):
    a, b = pair
    assert occupancy.overlap(a[0], a[2], b[0], b[2]) == occupancy.overlap(
        b[0], b[2], a[0], a[2])


@FAST
@given(pairs())
def test_overlap_is_the_plain_definition(pair):
    a, b = pair
    assert occupancy.overlap(a[0], a[2], b[0], b[2]) == reference(a, b)


@FAST
@given(spans())
def test_a_session_overlaps_itself_and_not_what_follows_its_buffer(a):
    start, _, until = a
    assert occupancy.overlap(start, until, start, until)
    assert not occupancy.overlap(start, until, until, until + minutes(30))
    assert occupancy.overlap(start, until, until - minutes(1), until + minutes(30))


@FAST
@given(spans(), st.integers(1, 600), st.integers(0, 240))
def test_the_buffer_counts_on_both_sides(a, gap, buffer):
    """B after A: free exactly when A's buffer is over before B starts."""
    start, end, _ = a
    until = end + minutes(buffer)
    b_start = end + minutes(gap)
    assert occupancy.overlap(start, until, b_start, b_start + minutes(60)) == (
        gap < buffer)


# ---------------------------------------------------------------- own sessions

@FAST
@given(st.lists(spans(within_days=1), min_size=1, max_size=6))
def test_every_overlapping_pair_of_own_sessions_is_named(module_app, rows):
    """Own sessions overlap without the buffer; each overlapping pair is named once."""
    sessions = [(start, end) for start, end, _ in rows]
    expected = [
        f"Sesi {i} dan {j} bertumpang tindih."
        for i in range(1, len(sessions) + 1) for j in range(i + 1, len(sessions) + 1)
        if reference((*sessions[i - 1], sessions[i - 1][1]),
                     (*sessions[j - 1], sessions[j - 1][1]))
    ]
    with module_app.test_request_context("/"), force_locale("id"):
        assert _overlaps_within(sessions) == expected


# ---------------------------------------------------------------- the SQL lookup

@pytest.fixture(scope="module")
def room_with_requests(module_app):
    """A room of its own and two requests in it (committed once for the module)."""
    room = Room(name="Ruang Uji Sifat", capacity=40, prep_buffer_minutes=0)
    db.session.add(room)
    db.session.commit()
    day = office_day(21)
    slot = [(from_local(datetime.combine(day, time(9))),
             from_local(datetime.combine(day, time(10))))]
    loans = [submit_loan(username, title=f"Uji sifat {username}", room=room,
                         sessions=slot)
             for username in ("peminjam1", "peminjam2")]
    return room.id, [loan.id for loan in loans]


def kept_apart(rows):
    """The rows that overlap none kept before them: what the database allows."""
    kept = []
    for row in rows:
        if not any(reference(row[0], other[0]) for other in kept):
            kept.append(row)
    return kept


@st.composite
def lookups(draw):
    """Occupying sessions the database would allow (none overlaps another,
    each of one of two requests), and 1-3 candidates, mostly against them."""
    stored = kept_apart(draw(st.lists(st.tuples(spans(), st.integers(0, 1)),
                                      max_size=8)))
    candidates = [
        against(draw, draw(st.sampled_from(stored))[0]) if stored else draw(spans())
        for _ in range(draw(st.integers(1, 3)))
    ]
    return stored, candidates


HOUR = span(BASE, 60, 30)  # 00.00-01.00, its buffer until 01.30
LONGEST = span(BASE, LONGEST_SESSION, LONGEST_BUFFER)
EDGES = [
    ([(HOUR, 0)], [span(HOUR[2], 60, 0)], None),  # from the buffer's end: free
    ([(HOUR, 0)], [span(HOUR[2] - minutes(1), 60, 0)], None),  # a minute in
    ([(HOUR, 0)], [span(BASE - minutes(90), 60, 30)], None),  # its buffer ends at 00.00
    ([(HOUR, 0)], [span(BASE - minutes(89), 60, 30)], None),  # ... at 00.01
    ([(HOUR, 0)], [span(BASE + minutes(10), 10, 0)], None),  # inside
    ([(HOUR, 0)], [span(BASE + minutes(10), 10, 0)], 0),  # inside, but its own
    ([(HOUR, 0)], [span(BASE + minutes(10), 10, 0)], 1),
    # The longest span there can be, met in its last minute (the lookup
    # only scans sessions starting less than 48 hours earlier).
    ([(LONGEST, 1)], [span(LONGEST[2] - minutes(1), 1, 0)], None),
    ([(HOUR, 0), (span(HOUR[2], 60, 0), 1)],
     [span(BASE, 200, 0), span(BASE + minutes(500), 5, 0)], None),
]


def with_edges(test):
    for stored, candidates, exclude in EDGES:
        test = example(lookup=(stored, candidates), exclude=exclude)(test)
    return test


@WITH_DATABASE
@given(lookup=lookups(), exclude=st.sampled_from([None, 0, 1]))
@with_edges
def test_sql_lookup_reports_exactly_the_overlapping_sessions(
        room_with_requests, lookup, exclude):
    stored, candidates = lookup
    room_id, loan_ids = room_with_requests
    rows = [
        LoanSession(loan_id=loan_ids[owner], room_id=room_id, starts_at=start,
                    ends_at=end, blocked_until=until, occupying=True, proposed=False)
        for (start, end, until), owner in stored
    ]
    try:
        db.session.add_all(rows)
        db.session.flush()
        wanted = [
            LoanSession(room_id=room_id, starts_at=start, ends_at=end,
                        blocked_until=until, occupying=False, proposed=False)
            for start, end, until in candidates
        ]
        excluded = None if exclude is None else loan_ids[exclude]
        with db.session.no_autoflush:
            found = occupancy.occupying_clashes(room_id, wanted, excluded)
        expected = [
            row for row, ((span, owner)) in zip(rows, stored)
            if loan_ids[owner] != excluded
            and any(reference(span, candidate) for candidate in candidates)
        ]
        assert sorted(s.id for s in found) == sorted(s.id for s in expected)
        for session in found:  # and the function agrees with the query
            assert any(occupancy.overlap(session.starts_at, session.blocked_until,
                                         c[0], c[2]) for c in candidates)
    finally:
        db.session.rollback()
