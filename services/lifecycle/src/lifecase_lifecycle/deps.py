"""Typed FastAPI dependencies for what only lifecycle puts on ``app.state``, built like
``lifecase_platform.deps`` (which holds the ones every service shares)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client


def temporal_client(request: Request) -> Client:
    """The Temporal client the cases' workflows are signalled through."""
    temporal: Client = request.app.state.temporal
    return temporal


TemporalDep = Annotated[Client, Depends(temporal_client)]
