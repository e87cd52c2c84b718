"""Event handlers of the lifecycle service, listed in one registry."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from lifecase_contracts.events import CaseSubmitted, Envelope, EventData, SubcaseResolved
from lifecase_lifecycle.service import record_case_input
from lifecase_lifecycle.workflows.case import CaseWorkflow
from lifecase_lifecycle.workflows.types import (
    CaseWorkflowInput,
    SubcaseResolvedSignal,
    workflow_id,
)
from lifecase_platform.db import SessionFactory
from lifecase_platform.messaging import Handler

log = logging.getLogger(__name__)


@dataclass
class LifecycleHandlers:
    sessions: SessionFactory
    temporal: Client
    task_queue: str

    async def start_case(self, envelope: Envelope[CaseSubmitted]) -> None:
        """Pin the case's input, then start its workflow (a repeated start is a no-op)."""
        submitted = envelope.data
        async with self.sessions() as session, session.begin():
            await record_case_input(session=session, submitted=submitted)
        try:
            await self.temporal.start_workflow(
                CaseWorkflow.run,
                CaseWorkflowInput(case_id=submitted.case_id),
                id=workflow_id(submitted.case_id),
                task_queue=self.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            log.info("case workflow already ran", extra={"case_id": submitted.case_id})

    async def signal_resolved(self, envelope: Envelope[SubcaseResolved]) -> None:
        """Tell the case's workflow that one of its sub-cases is resolved."""
        resolved = envelope.data
        handle: WorkflowHandle[CaseWorkflow, object] = self.temporal.get_workflow_handle(
            workflow_id(resolved.case_id)
        )
        try:
            await handle.signal(
                CaseWorkflow.subcase_resolved,
                SubcaseResolvedSignal(activity=resolved.activity, subcase_id=resolved.subcase_id),
            )
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            log.warning(
                "no running workflow for resolved sub-case",
                extra={"case_id": resolved.case_id, "subcase_id": resolved.subcase_id},
            )

    def registry(self) -> Mapping[type[EventData], Handler]:
        return {CaseSubmitted: self.start_case, SubcaseResolved: self.signal_resolved}
