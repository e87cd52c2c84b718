"""rule sets: when each version was last made the active one

Revision ID: 0004
Revises: s11_r0003
Create Date: 2026-12-07 07:00:00

Until now every version became active when it was created, so ``created_at`` is when each
was last activated as far as anyone can tell.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "s11_r0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

rule_sets = sa.table(
    "rule_sets",
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("activated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(rule_sets.update().values(activated_at=rule_sets.c.created_at))


def downgrade() -> None:
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.drop_column("activated_at")
