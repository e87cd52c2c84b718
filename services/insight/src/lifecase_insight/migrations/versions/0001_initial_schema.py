"""initial schema: the reporting projection and the handling-time overrides

Revision ID: 0001
Revises:
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_cases",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_insight_cases_event_type", "insight_cases", ["event_type"])
    op.create_table(
        "insight_subcases",
        sa.Column("subcase_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("subcase_type", sa.String(length=100), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_rule", sa.String(length=100), nullable=True),
        sa.Column("first_queue", sa.String(length=63), nullable=True),
        sa.Column("first_unit", sa.String(length=63), nullable=True),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=63), nullable=True),
        sa.Column("unit", sa.String(length=63), nullable=True),
        sa.Column("entered_queue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_robot", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("waiting_seconds", sa.Float(), nullable=False),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handling_seconds", sa.Float(), nullable=True),
        sa.Column("reporter_wrote_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_due_soon", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sla_breached", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("subcase_id"),
    )
    op.create_index("ix_insight_subcases_case_id", "insight_subcases", ["case_id"])
    op.create_index("ix_insight_subcases_unit_routed", "insight_subcases", ["unit", "routed_at"])
    op.create_index("ix_insight_subcases_closed", "insight_subcases", ["closed_at"])
    op.create_table(
        "insight_queue_stays",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("subcase_id", sa.String(length=64), nullable=False),
        sa.Column("queue", sa.String(length=63), nullable=False),
        sa.Column("unit", sa.String(length=63), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_insight_queue_stays_queue", "insight_queue_stays", ["queue"])
    op.create_index(
        "ix_insight_queue_stays_subcase", "insight_queue_stays", ["subcase_id", "left_at"]
    )
    op.create_table(
        "insight_handling_overrides",
        sa.Column("subcase_type", sa.String(length=100), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subcase_type"),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )


def downgrade() -> None:
    op.drop_table("processed_events")
    op.drop_table("insight_handling_overrides")
    op.drop_index("ix_insight_queue_stays_subcase", table_name="insight_queue_stays")
    op.drop_index("ix_insight_queue_stays_queue", table_name="insight_queue_stays")
    op.drop_table("insight_queue_stays")
    op.drop_index("ix_insight_subcases_closed", table_name="insight_subcases")
    op.drop_index("ix_insight_subcases_unit_routed", table_name="insight_subcases")
    op.drop_index("ix_insight_subcases_case_id", table_name="insight_subcases")
    op.drop_table("insight_subcases")
    op.drop_index("ix_insight_cases_event_type", table_name="insight_cases")
    op.drop_table("insight_cases")
