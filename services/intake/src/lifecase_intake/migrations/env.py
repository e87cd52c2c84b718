"""Alembic environment of the intake service (its own tables, its own version table)."""

import lifecase_intake.conversation.models  # noqa: F401 - its tables join Base.metadata
from lifecase_intake.models import Base
from lifecase_platform.migrations import run_env

run_env(Base.metadata, version_table="alembic_version_intake")
