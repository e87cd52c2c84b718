"""case retention: when a case closed and when its personal data was erased

Revision ID: s11_i0004
Revises: s11_i0003
Create Date: 2026-11-29 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s11_i0004"
down_revision: str | None = "s11_i0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_cases_closed", ["erased_at", "closed_at"], unique=False)
    # Cases that closed before this revision: completed ones at their completion; withdrawn
    # ones at their withdrawal, the last entry of their timeline.
    op.execute("UPDATE cases SET closed_at = completed_at WHERE status = 'completed'")
    op.execute(
        "UPDATE cases SET closed_at = (SELECT max(t.at) FROM timeline_events t "
        "WHERE t.case_id = cases.id AND t.kind = 'case_withdrawn') WHERE status = 'withdrawn'"
    )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_closed")
        batch_op.drop_column("erased_at")
        batch_op.drop_column("closed_at")
