"""the process owners of each life event

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "template_owners",
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("key", "username"),
    )


def downgrade() -> None:
    op.drop_table("template_owners")
