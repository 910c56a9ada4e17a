"""Session versions: logout and a new password end every session and token

Revision ID: 0009_accounts
Revises: 0012_public
Create Date: 2026-12-04 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0009_accounts'
down_revision = '0012_public'
branch_labels = None
depends_on = None


def upgrade():
    # A new table: no existing row changes, every user starts at version 0
    # (the sessions made before it carry no version and end once).
    op.create_table(
        'session_version',
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade():
    op.drop_table('session_version')
