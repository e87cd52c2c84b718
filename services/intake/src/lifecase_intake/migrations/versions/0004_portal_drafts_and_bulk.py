"""portal: drafts and bulk uploads

Revision ID: p5_i0002
Revises: 0001
Create Date: 2026-11-21 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "p5_i0002"
down_revision: str | None = "r4_i0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("reporter", sa.String(length=100), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=63), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reporter", "token"),
    )
    op.create_table(
        "bulk_batches",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("reporter", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=63), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bulk_batches", schema=None) as batch_op:
        batch_op.create_index("ix_bulk_batches_reporter", ["reporter", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bulk_batches", schema=None) as batch_op:
        batch_op.drop_index("ix_bulk_batches_reporter")
    op.drop_table("bulk_batches")
    op.drop_table("drafts")
