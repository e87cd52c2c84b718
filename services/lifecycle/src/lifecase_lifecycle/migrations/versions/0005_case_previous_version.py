"""the template version a running case was moved from

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_inputs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_inputs", schema=None) as batch_op:
        batch_op.drop_column("previous_version")
