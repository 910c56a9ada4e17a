"""Index the history by time: each month's and year's figures read a period

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 09:00:00.000000

"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # A plain CREATE INDEX: no table is rebuilt, so SQLite's triggers stay.
    op.create_index('ix_status_history_created_at', 'status_history', ['created_at'])


def downgrade():
    op.drop_index('ix_status_history_created_at', table_name='status_history')
