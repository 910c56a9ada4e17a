"""Bounded overlap check: SQLite triggers look 48 hours back, not at all history

The SQLite triggers of 0002 compared a new occupying session with every
earlier session of its room (an index range from the room's first booking),
so each booking was slower than the last: inserting 100,000 sessions took
minutes (bench/conflict_check.py). Like the lookup in
app/domain/scheduling/occupancy.py (SEARCH_WINDOW), they now look only at sessions
that start less than 48 hours before the new one. So that this window can
miss nothing, an occupying session must span (start to the end of its
preparation buffer) less than 48 hours, on both databases; the rules already
keep a session within one day and a buffer within a day. PostgreSQL's
exclusion constraint is unchanged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00.000000

"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SPAN = "ck_loan_session_occupying_span"

# If SQLite cannot read a time, datetime() is NULL and the window falls back
# to the whole room (COALESCE): slower, never wrong.
SQLITE_CHECKS = f"""
    SELECT RAISE(ABORT, '{SPAN}')
    WHERE julianday(NEW.blocked_until) - julianday(NEW.starts_at) >= 2;
    SELECT RAISE(ABORT, 'ex_loan_session_room_overlap')
    WHERE EXISTS (
        SELECT 1 FROM loan_session AS other
        WHERE other.room_id = NEW.room_id AND other.occupying
          AND other.loan_id <> NEW.loan_id
          AND other.starts_at > COALESCE(datetime(NEW.starts_at, '-2 days'), '')
          AND other.starts_at < NEW.blocked_until
          AND NEW.starts_at < other.blocked_until
    );
"""

# 0002's triggers, for the downgrade.
SQLITE_OVERLAP_0002 = """
    SELECT RAISE(ABORT, 'ex_loan_session_room_overlap')
    WHERE EXISTS (
        SELECT 1 FROM loan_session AS other
        WHERE other.room_id = NEW.room_id AND other.occupying
          AND other.loan_id <> NEW.loan_id
          AND other.starts_at < NEW.blocked_until
          AND NEW.starts_at < other.blocked_until
    );
"""


def _sqlite_triggers(body):
    op.execute("DROP TRIGGER IF EXISTS loan_session_no_overlap_insert")
    op.execute("DROP TRIGGER IF EXISTS loan_session_no_overlap_update")
    op.execute(
        "CREATE TRIGGER loan_session_no_overlap_insert BEFORE INSERT ON loan_session "
        f"WHEN NEW.occupying BEGIN {body} END"
    )
    op.execute(
        "CREATE TRIGGER loan_session_no_overlap_update BEFORE UPDATE OF "
        "room_id, loan_id, starts_at, blocked_until, occupying ON loan_session "
        f"WHEN NEW.occupying BEGIN {body} END"
    )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE loan_session ADD CONSTRAINT {SPAN} CHECK "
            "(NOT occupying OR blocked_until < starts_at + interval '48 hours')"
        )
    else:
        _sqlite_triggers(SQLITE_CHECKS)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE loan_session DROP CONSTRAINT {SPAN}")
    else:
        _sqlite_triggers(SQLITE_OVERLAP_0002)
