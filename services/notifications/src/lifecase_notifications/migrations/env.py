"""Alembic environment of the notifications service (its own tables, its own version table)."""

import lifecase_notifications.email.models  # noqa: F401  (its tables, in Base.metadata)
from lifecase_notifications.models import Base
from lifecase_notifications.webhooks import models as webhooks  # noqa: F401  (its tables)
from lifecase_platform.migrations import run_env

run_env(Base.metadata, version_table="alembic_version_notifications")
