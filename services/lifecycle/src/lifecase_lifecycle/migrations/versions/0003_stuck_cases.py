"""why a case's workflow waits for an operator

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_inputs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stuck_reason", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("stuck_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_inputs", schema=None) as batch_op:
        batch_op.drop_column("stuck_since")
        batch_op.drop_column("stuck_reason")
