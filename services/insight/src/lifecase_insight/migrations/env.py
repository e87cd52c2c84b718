"""Alembic environment of the insight service (its own tables, its own version table)."""

from lifecase_insight.models import Base
from lifecase_platform.migrations import run_env

run_env(Base.metadata, version_table="alembic_version_insight")
