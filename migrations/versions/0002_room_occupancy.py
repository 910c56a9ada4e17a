"""Room occupancy: overlapping bookings forbidden by the database; closed dates

Each session gets the end of its preparation buffer (blocked_until), whether
it holds the room (occupying), and whether it belongs to a reschedule
proposal. Two occupying sessions of one room, of different requests, may not
overlap: an exclusion constraint on PostgreSQL, triggers on SQLite.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 23:36:25.656789

"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

OCCUPYING = ("confirmed", "scheduled", "prepared", "completed")

# A batch migration that recreates loan_session on SQLite drops these
# triggers: it must create them again.
SQLITE_OVERLAP = """
    SELECT RAISE(ABORT, 'ex_loan_session_room_overlap')
    WHERE EXISTS (
        SELECT 1 FROM loan_session AS other
        WHERE other.room_id = NEW.room_id AND other.occupying
          AND other.loan_id <> NEW.loan_id
          AND other.starts_at < NEW.blocked_until
          AND NEW.starts_at < other.blocked_until
    );
"""


def _fill_new_columns():
    bind = op.get_bind()
    session = sa.table(
        "loan_session", sa.column("id"), sa.column("loan_id"), sa.column("room_id"),
        sa.column("ends_at", sa.DateTime), sa.column("blocked_until", sa.DateTime),
        sa.column("occupying", sa.Boolean),
    )
    loan = sa.table("loan_request", sa.column("id"), sa.column("status"))
    room = sa.table("room", sa.column("id"), sa.column("prep_buffer_minutes"))
    rows = bind.execute(
        sa.select(session.c.id, session.c.ends_at, room.c.prep_buffer_minutes,
                  loan.c.status)
        .join(room, room.c.id == session.c.room_id)
        .join(loan, loan.c.id == session.c.loan_id)
    ).all()
    for session_id, ends_at, buffer_minutes, status in rows:
        bind.execute(
            session.update().where(session.c.id == session_id).values(
                blocked_until=ends_at + timedelta(minutes=buffer_minutes),
                occupying=status in OCCUPYING,
            )
        )


def upgrade():
    op.create_table(
        'closed_date',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day'),
    )
    with op.batch_alter_table('loan_session') as batch_op:
        batch_op.add_column(sa.Column('blocked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('occupying', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('proposed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    _fill_new_columns()
    with op.batch_alter_table('loan_session') as batch_op:
        batch_op.alter_column('blocked_until', existing_type=sa.DateTime(),
                              nullable=False)
    with op.batch_alter_table('status_history') as batch_op:
        batch_op.alter_column('actor_id', existing_type=sa.INTEGER(), nullable=True)

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE loan_session ADD CONSTRAINT ex_loan_session_room_overlap "
            "EXCLUDE USING gist (room_id WITH =, loan_id WITH <>, "
            "tsrange(starts_at, blocked_until) WITH &&) WHERE (occupying)"
        )
    else:
        op.execute(
            "CREATE TRIGGER loan_session_no_overlap_insert BEFORE INSERT ON loan_session "
            f"WHEN NEW.occupying BEGIN {SQLITE_OVERLAP} END"
        )
        op.execute(
            "CREATE TRIGGER loan_session_no_overlap_update BEFORE UPDATE OF "
            "room_id, loan_id, starts_at, blocked_until, occupying ON loan_session "
            f"WHEN NEW.occupying BEGIN {SQLITE_OVERLAP} END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE loan_session DROP CONSTRAINT ex_loan_session_room_overlap")
    else:
        op.execute("DROP TRIGGER loan_session_no_overlap_insert")
        op.execute("DROP TRIGGER loan_session_no_overlap_update")
    with op.batch_alter_table('status_history') as batch_op:
        batch_op.alter_column('actor_id', existing_type=sa.INTEGER(), nullable=False)
    with op.batch_alter_table('loan_session') as batch_op:
        batch_op.drop_column('proposed')
        batch_op.drop_column('occupying')
        batch_op.drop_column('blocked_until')
    op.drop_table('closed_date')
