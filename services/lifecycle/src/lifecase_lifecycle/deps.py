"""Typed FastAPI dependencies for what only lifecycle puts on ``app.state``, built like
``lifecase_platform.deps`` (which holds the ones every service shares)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client

from lifecase_lifecycle.routing_preview import RoutingPreview


def temporal_client(request: Request) -> Client:
    """The Temporal client the cases' workflows are signalled through."""
    temporal: Client = request.app.state.temporal
    return temporal


TemporalDep = Annotated[Client, Depends(temporal_client)]


def routing_preview(request: Request) -> RoutingPreview:
    """How the admin area's test run asks routing where sub-cases would go."""
    preview: RoutingPreview = request.app.state.routing_preview
    return preview


RoutingPreviewDep = Annotated[RoutingPreview, Depends(routing_preview)]
