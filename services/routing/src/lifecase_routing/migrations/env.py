"""Alembic environment of the routing service (its own tables, its own version table)."""

from lifecase_platform.migrations import run_env
from lifecase_routing.models import Base

run_env(Base.metadata, version_table="alembic_version_routing")
