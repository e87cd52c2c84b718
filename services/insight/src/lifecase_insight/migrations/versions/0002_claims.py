"""claims: the last claim of a sub-case, and whether its handling time was measured from it

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("insight_subcases") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("waited_before_claim", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column("handled_from_claim", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("insight_subcases") as batch:
        batch.drop_column("handled_from_claim")
        batch.drop_column("waited_before_claim")
        batch.drop_column("claimed_at")
