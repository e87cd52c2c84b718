"""files attached to the reporter's messages

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 07:00:00

The bytes live in the JetStream object store; this table lists each message's files (ADR 0029).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_message_attachments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_message_attachments", schema=None) as batch_op:
        batch_op.create_index("ix_case_message_attachments_case_id", ["case_id"], unique=False)
        batch_op.create_index(
            "ix_case_message_attachments_message", ["message_id", "position"], unique=False
        )


def downgrade() -> None:
    op.drop_table("case_message_attachments")
