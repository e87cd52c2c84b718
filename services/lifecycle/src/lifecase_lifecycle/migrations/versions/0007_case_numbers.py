"""case inputs keep the case's short number and the reporter's name, for the sub-cases
they open

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_inputs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reporter_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_inputs", schema=None) as batch_op:
        batch_op.drop_column("reporter_name")
        batch_op.drop_column("case_number")
