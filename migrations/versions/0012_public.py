"""Public service duties: satisfaction survey answers (apart from which
requests were answered), complaints with their history and yearly counter

Revision ID: 0012_public
Revises: 0006
Create Date: 2026-12-04 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0012_public'
down_revision = '0006'
branch_labels = None
depends_on = None

ELEMENTS = [f'u{number}' for number in range(1, 10)]


def upgrade():
    op.create_table(
        'survey_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.SmallInteger(), nullable=False),
        *[sa.Column(column, sa.SmallInteger(), nullable=False) for column in ELEMENTS],
        sa.Column('gender', sa.String(length=10), nullable=False),
        sa.Column('education', sa.String(length=10), nullable=False),
        sa.Column('occupation', sa.String(length=20), nullable=False),
        sa.Column('age_group', sa.String(length=10), nullable=False),
        sa.Column('suggestion', sa.Text(), nullable=False),
        *[sa.CheckConstraint(f'{column} BETWEEN 1 AND 4', name=f'ck_survey_{column}')
          for column in ELEMENTS],
        sa.CheckConstraint('month BETWEEN 1 AND 12', name='ck_survey_month'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_survey_response_period', 'survey_response', ['year', 'month'])
    op.create_table(
        'survey_answered_loan',
        sa.Column('loan_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['loan_id'], ['loan_request.id']),
        sa.PrimaryKeyConstraint('loan_id'),
    )
    op.create_table(
        'complaint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('topic', sa.String(length=20), nullable=False),
        sa.Column('borrower_id', sa.Integer(), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('standard_days', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['borrower_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['loan_id'], ['loan_request.id']),
        sa.ForeignKeyConstraint(['answered_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
        sa.UniqueConstraint('year', 'sequence', name='uq_complaint_year_sequence'),
    )
    op.create_index('ix_complaint_borrower_id', 'complaint', ['borrower_id'])
    op.create_index('ix_complaint_status', 'complaint', ['status'])
    op.create_index('ix_complaint_created_at', 'complaint', ['created_at'])
    op.create_table(
        'complaint_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('from_status', sa.String(length=20), nullable=True),
        sa.Column('to_status', sa.String(length=20), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('actor_role', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id']),
        sa.ForeignKeyConstraint(['actor_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_complaint_history_complaint_id', 'complaint_history',
                    ['complaint_id'])
    op.create_table(
        'complaint_counter',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year'),
    )


def downgrade():
    op.drop_table('complaint_counter')
    op.drop_index('ix_complaint_history_complaint_id', table_name='complaint_history')
    op.drop_table('complaint_history')
    op.drop_index('ix_complaint_created_at', table_name='complaint')
    op.drop_index('ix_complaint_status', table_name='complaint')
    op.drop_index('ix_complaint_borrower_id', table_name='complaint')
    op.drop_table('complaint')
    op.drop_table('survey_answered_loan')
    op.drop_index('ix_survey_response_period', table_name='survey_response')
    op.drop_table('survey_response')
