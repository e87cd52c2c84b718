"""workspace: rules in CEL, the item life cycle, SLA clocks, comments, transfers

Revision ID: r4_0002
Revises: 0001
Create Date: 2026-11-21 07:50:43.113327

Existing data is carried over: glob rules become the equivalent CEL conditions, items get
``is_open`` from their status, a due date if they had none (their routing day), and the
text they are searched by.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "r4_0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

rules = sa.table(
    "routing_rules",
    sa.column("ruleset_version", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("match", sa.String),
    sa.column("condition", sa.Text),
)
items = sa.table(
    "work_items",
    sa.column("id", sa.String),
    sa.column("status", sa.String),
    sa.column("is_open", sa.Boolean),
    sa.column("due_date", sa.Date),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("title_da", sa.String),
    sa.column("title_en", sa.String),
    sa.column("subcase_type", sa.String),
    sa.column("search_text", sa.Text),
)


def glob_to_condition(pattern: str) -> str:
    """The CEL condition equivalent to a glob over the sub-case type, e.g. "hr.*"."""
    if pattern.endswith("*") and not any(c in pattern[:-1] for c in "*?["):
        return f'subcase_type.startsWith("{pattern[:-1]}")'
    special = ".^$+{}()|\\[]"
    regex = "".join(
        ".*" if c == "*" else "." if c == "?" else ("\\\\" + c if c in special else c)
        for c in pattern
    )
    return f'subcase_type.matches("^{regex}$")'


def upgrade() -> None:
    op.create_table(
        "sla_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("in_reply_to", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index("ix_comments_item_created", ["item_id", "created_at"], unique=False)

    op.create_table(
        "transfers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("from_queue", sa.String(length=63), nullable=False),
        sa.Column("to_queue", sa.String(length=63), nullable=False),
        sa.Column("from_rule", sa.String(length=100), nullable=False),
        sa.Column("ruleset_version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index("ix_transfers_item", ["item_id", "at"], unique=False)
        batch_op.create_index("ix_transfers_rule", ["ruleset_version", "from_rule"], unique=False)

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), server_default="member", nullable=False)
        )

    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(length=100), nullable=True))

    _rules_to_cel()
    _work_items()


def _rules_to_cel() -> None:
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("condition", sa.Text(), nullable=True))
    bind = op.get_bind()
    for version, position, match in bind.execute(
        sa.select(rules.c.ruleset_version, rules.c.position, rules.c.match)
    ).all():
        bind.execute(
            rules.update()
            .where(rules.c.ruleset_version == version, rules.c.position == position)
            .values(condition=glob_to_condition(match))
        )
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.alter_column("condition", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("match")


def _work_items() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_open", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("unit_hint", sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("sla_paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sla_breach_reported", sa.Date(), nullable=True))
        batch_op.alter_column(
            "resolved_at",
            new_column_name="closed_at",
            existing_type=sa.DateTime(timezone=True),
            existing_nullable=True,
        )
    bind = op.get_bind()
    bind.execute(
        items.update()
        .where(items.c.status.notin_(("queued", "claimed", "waiting_for_reporter")))
        .values(is_open=False)
    )
    for row in bind.execute(
        sa.select(
            items.c.id,
            items.c.due_date,
            items.c.created_at,
            items.c.title_da,
            items.c.title_en,
            items.c.subcase_type,
        )
    ).all():
        due = row.due_date or row.created_at.date()
        text = f"{row.title_da} {row.title_en} {row.subcase_type}".lower()
        bind.execute(
            items.update().where(items.c.id == row.id).values(due_date=due, search_text=text)
        )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.alter_column("due_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(
            "ix_work_items_assignee_open_due",
            ["assignee", "is_open", "due_date", "id"],
            unique=False,
        )
        batch_op.create_index("ix_work_items_open_due", ["is_open", "due_date"], unique=False)
        batch_op.create_index(
            "ix_work_items_queue_open_due", ["queue", "is_open", "due_date", "id"], unique=False
        )
        batch_op.create_index("ix_work_items_rule", ["ruleset_version", "rule"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index("ix_work_items_rule")
        batch_op.drop_index("ix_work_items_queue_open_due")
        batch_op.drop_index("ix_work_items_open_due")
        batch_op.drop_index("ix_work_items_assignee_open_due")
        batch_op.alter_column("due_date", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column(
            "closed_at",
            new_column_name="resolved_at",
            existing_type=sa.DateTime(timezone=True),
            existing_nullable=True,
        )
        batch_op.drop_column("sla_breach_reported")
        batch_op.drop_column("sla_paused_at")
        batch_op.drop_column("search_text")
        batch_op.drop_column("reason")
        batch_op.drop_column("unit_hint")
        batch_op.drop_column("is_open")

    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.drop_column("created_by")

    # CEL does not translate back to globs: every rule becomes one that matches nothing, so
    # the downgraded service routes to triage until its rules are seeded again.
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("match", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.drop_column("condition")

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("role")

    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_rule")
        batch_op.drop_index("ix_transfers_item")
    op.drop_table("transfers")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_item_created")
    op.drop_table("comments")
    op.drop_table("sla_policy")
