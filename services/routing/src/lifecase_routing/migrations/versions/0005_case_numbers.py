"""work items show the case's short number; the users directory names people

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 07:00:00

Items routed before this revision have no number (routing never learnt it); the workspace
shows their case id's first characters instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_number", sa.String(length=20), nullable=True))
    op.create_table(
        "people",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )


def downgrade() -> None:
    op.drop_table("people")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("case_number")
