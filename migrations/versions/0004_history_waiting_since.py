"""History rows record when each step started waiting (mutu baku)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: no table is rebuilt, so SQLite's triggers stay.
    op.add_column('status_history', sa.Column('waiting_since', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('status_history') as batch_op:
        batch_op.drop_column('waiting_since')
