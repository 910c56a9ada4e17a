"""The SOP as the office lives it: yearly registration numbers, the Kepala
Dinas's disposition, a declined proposal's alternative times

One counter per series and year (yearly_counter) numbers loan requests
(PC/2027/00001), complaints (ADU/2027/0001) and confirmation letters alike;
it replaces complaint_counter. The dispose step's history row records the incoming
disposition of the Kepala Dinas (four nullable columns: earlier rows have
none). A declined proposal keeps the times the borrower could take instead
(reschedule_alternative, one row each, on the decline's history row).

Revision ID: 0013_sop
Revises: 0009_accounts
Create Date: 2026-12-04 14:00:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0013_sop'
down_revision = '0009_accounts'
branch_labels = None
depends_on = None

REGISTRATION = re.compile(r'^PC/(\d{4})/(\d+)$')


def incoming_columns():
    """The Kepala Dinas's disposition on the dispose step's row (new objects
    each time: a column belongs to one table)."""
    return [
        sa.Column('incoming_received_on', sa.Date(), nullable=True),
        sa.Column('incoming_from', sa.String(length=120), nullable=True),
        sa.Column('incoming_agenda_number', sa.String(length=60), nullable=True),
        sa.Column('incoming_instruction', sa.Text(), nullable=True),
    ]


def upgrade():
    counter = op.create_table(
        'yearly_counter',
        sa.Column('series', sa.String(length=10), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('series', 'year'),
    )
    bind = op.get_bind()
    rows = [{'series': 'ADU', 'year': year, 'last': last} for year, last in
            bind.execute(sa.text('SELECT year, last FROM complaint_counter'))]
    # Numbers given so far were the request's id: each year continues after
    # the highest one it holds, so no number is given twice.
    last_of_year = {}
    for (number,) in bind.execute(sa.text(
            'SELECT registration_number FROM loan_request '
            'WHERE registration_number IS NOT NULL')):
        match = REGISTRATION.match(number)
        if match:
            year, sequence = int(match.group(1)), int(match.group(2))
            last_of_year[year] = max(last_of_year.get(year, 0), sequence)
    rows += [{'series': 'PC', 'year': year, 'last': last}
             for year, last in sorted(last_of_year.items())]
    rows += [{'series': 'KONF', 'year': year, 'last': last} for year, last in bind.execute(
        sa.text('SELECT year, MAX(serial) FROM loan_confirmation GROUP BY year'))]
    if rows:
        op.bulk_insert(counter, rows)
    op.drop_table('complaint_counter')
    with op.batch_alter_table('status_history') as batch:
        for column in incoming_columns():
            batch.add_column(column)
    op.create_table(
        'reschedule_alternative',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=False),
        sa.Column('history_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name='ck_alternative_ends_after_start'),
        sa.ForeignKeyConstraint(['loan_id'], ['loan_request.id']),
        sa.ForeignKeyConstraint(['history_id'], ['status_history.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_reschedule_alternative_loan_id', 'reschedule_alternative',
                    ['loan_id'])
    op.create_index('ix_reschedule_alternative_history_id', 'reschedule_alternative',
                    ['history_id'])


def downgrade():
    op.drop_index('ix_reschedule_alternative_history_id',
                  table_name='reschedule_alternative')
    op.drop_index('ix_reschedule_alternative_loan_id', table_name='reschedule_alternative')
    op.drop_table('reschedule_alternative')
    with op.batch_alter_table('status_history') as batch:
        for column in reversed(incoming_columns()):
            batch.drop_column(column.name)
    complaint_counter = op.create_table(
        'complaint_counter',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year'),
    )
    rows = [{'year': year, 'last': last} for year, last in op.get_bind().execute(
        sa.text("SELECT year, last FROM yearly_counter WHERE series = 'ADU'"))]
    if rows:
        op.bulk_insert(complaint_counter, rows)
    op.drop_table('yearly_counter')
