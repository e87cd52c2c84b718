"""notifications link to what they are about

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subcase_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("link", sa.String(length=300), nullable=True))
    # Every notification before this one was a reporter's, about their case.
    op.execute("UPDATE notifications SET link = '/portal/cases/' || case_id WHERE link IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("link")
        batch_op.drop_column("subcase_id")
