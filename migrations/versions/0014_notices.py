"""Reminders sent by `flask --app app reminders`, each once; the notices of the
panel's bell, per user

Revision ID: 0014_notices
Revises: 0013_sop
Create Date: 2026-12-04 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_notices'
down_revision = '0013_sop'
branch_labels = None
depends_on = None


def upgrade():
    # New tables only: nothing that exists changes.
    op.create_table(
        'reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['loan_id'], ['loan_request.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('loan_id', 'kind', 'due_at', name='uq_reminder_once'),
    )
    op.create_table(
        'notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('about_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['loan_id'], ['loan_request.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notice_user_unread', 'notice', ['user_id', 'read_at'])


def downgrade():
    op.drop_index('ix_notice_user_unread', table_name='notice')
    op.drop_table('notice')
    op.drop_table('reminder')
