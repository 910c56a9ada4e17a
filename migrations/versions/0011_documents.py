"""Confirmation letters numbered per year and dated the day of confirmation

Revision ID: 0011_documents
Revises: 0006
Create Date: 2026-12-05 09:00:00.000000

Each letter keeps its place in its year's letters (nomor urut) and the date it
carries. Letters issued before keep the date they were printed with (the day
of their first download), numbered in the order they were issued.
"""
from datetime import timezone

import sqlalchemy as sa
from alembic import op

from app.platform.timeutil import to_local

revision = '0011_documents'
down_revision = '0006'
branch_labels = None
depends_on = None


LETTERS = sa.table('loan_confirmation', sa.column('id', sa.Integer),
                   sa.column('issued_at', sa.DateTime), sa.column('year', sa.Integer),
                   sa.column('serial', sa.Integer), sa.column('dated', sa.Date))


def upgrade():
    with op.batch_alter_table('loan_confirmation') as batch:
        batch.add_column(sa.Column('year', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('serial', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('dated', sa.Date(), nullable=True))
    connection = op.get_bind()
    serials = {}
    for row_id, issued_at in connection.execute(
            sa.select(LETTERS.c.id, LETTERS.c.issued_at)
            .order_by(LETTERS.c.issued_at, LETTERS.c.id)).all():
        # Stored as naive UTC; the letter showed the office's date.
        dated = to_local(issued_at.replace(tzinfo=timezone.utc)).date()
        serials[dated.year] = serials.get(dated.year, 0) + 1
        connection.execute(LETTERS.update().where(LETTERS.c.id == row_id).values(
            year=dated.year, serial=serials[dated.year], dated=dated))
    with op.batch_alter_table('loan_confirmation') as batch:
        batch.alter_column('year', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('serial', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('dated', existing_type=sa.Date(), nullable=False)
        batch.create_unique_constraint('uq_loan_confirmation_serial',
                                       ['year', 'serial'])


def downgrade():
    with op.batch_alter_table('loan_confirmation') as batch:
        batch.drop_constraint('uq_loan_confirmation_serial', type_='unique')
        batch.drop_column('dated')
        batch.drop_column('serial')
        batch.drop_column('year')
