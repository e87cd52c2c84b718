"""Typed FastAPI dependencies for what only lifecycle puts on ``app.state``, built like
``lifecase_platform.deps`` (which holds the ones every service shares)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client, WorkflowQueryFailedError, WorkflowQueryRejectedError
from temporalio.service import RPCError

from lifecase_lifecycle.routing_preview import RoutingPreview
from lifecase_lifecycle.workflows.case import CaseWorkflow
from lifecase_lifecycle.workflows.types import workflow_id


def temporal_client(request: Request) -> Client:
    """The Temporal client the cases' workflows are signalled through."""
    temporal: Client = request.app.state.temporal
    return temporal


TemporalDep = Annotated[Client, Depends(temporal_client)]

PROGRESS_TIMEOUT = timedelta(seconds=5)


def workflow_progress(temporal: Client) -> Callable[[str], Awaitable[dict[str, str] | None]]:
    """Where a case's workflow stands (its ``progress`` query), or None when it does not
    answer in time (the moving of cases reports that case as not movable just now)."""

    async def ask(case_id: str) -> dict[str, str] | None:
        handle = temporal.get_workflow_handle(workflow_id(case_id))
        try:
            state: dict[str, str] = await handle.query(
                CaseWorkflow.progress, rpc_timeout=PROGRESS_TIMEOUT
            )
        except (RPCError, WorkflowQueryFailedError, WorkflowQueryRejectedError):
            return None
        return state

    return ask


def routing_preview(request: Request) -> RoutingPreview:
    """How the admin area's test run asks routing where sub-cases would go."""
    preview: RoutingPreview = request.app.state.routing_preview
    return preview


RoutingPreviewDep = Annotated[RoutingPreview, Depends(routing_preview)]
