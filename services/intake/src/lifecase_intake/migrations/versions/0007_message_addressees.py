"""messages name their sender and addressee

Revision ID: 0007
Revises: s11_i0004
Create Date: 2026-12-07 07:00:00

A reporter's note names the unit it is for (``to_unit``). Replies stored before this revision
that name no question (``in_reply_to``) keep neither: they are shown as written "to the units"
and answer no question (ADR 0028).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "s11_i0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_unit", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_messages", schema=None) as batch_op:
        batch_op.drop_column("to_unit")
