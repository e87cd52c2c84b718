"""e-mail: recipients, preferences and sent mails

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_recipients",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "email_preferences",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("choice", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint("username", "kind"),
    )
    op.create_table(
        "email_outgoing",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("email_outgoing", schema=None) as batch_op:
        batch_op.create_index("ix_email_outgoing_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_email_outgoing_case", ["case_id"], unique=False)
    op.create_table(
        "email_digest_entries",
        sa.Column("notification_id", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("text_da", sa.String(length=1000), nullable=False),
        sa.Column("text_en", sa.String(length=1000), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("notification_id"),
    )
    with op.batch_alter_table("email_digest_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_email_digest_entries_recipient", ["recipient", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("email_digest_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_email_digest_entries_recipient")
    op.drop_table("email_digest_entries")
    with op.batch_alter_table("email_outgoing", schema=None) as batch_op:
        batch_op.drop_index("ix_email_outgoing_case")
        batch_op.drop_index("ix_email_outgoing_due")
    op.drop_table("email_outgoing")
    op.drop_table("email_preferences")
    op.drop_table("email_recipients")
