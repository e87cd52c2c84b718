"""short human case numbers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 07:00:00

Cases filed before this revision are numbered here, oldest first within each (Danish)
calendar year, and each year's counter continues after the last number given.
"""

from collections.abc import Sequence
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DANISH_TIME = ZoneInfo("Europe/Copenhagen")

cases = sa.table(
    "cases",
    sa.column("id", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("case_number", sa.String),
)
counters = sa.table(
    "case_number_counters", sa.column("year", sa.Integer), sa.column("last_number", sa.Integer)
)


def upgrade() -> None:
    op.create_table(
        "case_number_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_number", sa.String(length=20), nullable=True))
    _number_existing_cases()
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ux_cases_case_number", ["case_number"], unique=True)


def _number_existing_cases() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(cases.c.id, cases.c.created_at).order_by("created_at", "id"))
    last: dict[int, int] = {}
    for case_id, created_at in rows.all():
        moment = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        year = moment.astimezone(DANISH_TIME).year
        last[year] = last.get(year, 0) + 1
        bind.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(case_number=f"LC-{year}-{last[year]:06d}")
        )
    if last:
        bind.execute(counters.insert(), [{"year": y, "last_number": n} for y, n in last.items()])


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ux_cases_case_number")
        batch_op.drop_column("case_number")
    op.drop_table("case_number_counters")
