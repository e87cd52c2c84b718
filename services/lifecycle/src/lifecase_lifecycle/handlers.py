"""Event handlers of the lifecycle service, listed in one registry."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from lifecase_contracts.events import (
    CaseErased,
    CaseMigrated,
    CaseRescheduled,
    CaseSubmitted,
    CaseWithdrawn,
    Envelope,
    EventData,
    SubcaseRejected,
    SubcaseResolved,
)
from lifecase_lifecycle.models import CaseInput
from lifecase_lifecycle.models import outbox as outbox_table
from lifecase_lifecycle.service import SOURCE, record_case_input, record_reschedule
from lifecase_lifecycle.workflows.case import CaseWorkflow
from lifecase_lifecycle.workflows.types import (
    CaseWorkflowInput,
    MigratedSignal,
    RescheduledSignal,
    SubcaseClosedSignal,
    WithdrawSignal,
    workflow_id,
)
from lifecase_platform.messaging import Effect, SessionHandler
from lifecase_platform.outbox import Outbox
from lifecase_platform.retention import prune_outbox, record_erasure

log = logging.getLogger(__name__)


@dataclass
class LifecycleHandlers:
    """Each handler writes through the batch's session and returns what reaches Temporal
    (a workflow start, a signal) as an effect, run once the batch has committed
    (``lifecase_platform.messaging.BatchConsumer``). Every handler is idempotent: a
    redelivered event pins nothing twice, and a repeated start or signal changes nothing."""

    temporal: Client
    task_queue: str
    outbox: Outbox

    async def start_case(self, session: AsyncSession, envelope: Envelope[CaseSubmitted]) -> Effect:
        """Pin the case's input, then start its workflow (a repeated start is a no-op)."""
        submitted = envelope.data
        await record_case_input(session=session, submitted=submitted)

        async def start() -> None:
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

        return start

    async def subcase_resolved(
        self, session: AsyncSession, envelope: Envelope[SubcaseResolved]
    ) -> Effect:
        e = envelope.data
        closed = SubcaseClosedSignal(activity=e.activity, outcome="resolved")
        return self._signal(e.case_id, CaseWorkflow.subcase_closed, closed)

    async def subcase_rejected(
        self, session: AsyncSession, envelope: Envelope[SubcaseRejected]
    ) -> Effect:
        e = envelope.data
        closed = SubcaseClosedSignal(activity=e.activity, outcome="rejected")
        return self._signal(e.case_id, CaseWorkflow.subcase_closed, closed)

    async def case_rescheduled(
        self, session: AsyncSession, envelope: Envelope[CaseRescheduled]
    ) -> Effect:
        """Take the case's new data, then let its workflow re-plan."""
        e = envelope.data
        await record_reschedule(session=session, rescheduled=e)
        return self._signal(
            e.case_id, CaseWorkflow.rescheduled, RescheduledSignal(revision=e.revision)
        )

    async def case_migrated(
        self, session: AsyncSession, envelope: Envelope[CaseMigrated]
    ) -> Effect:
        """The case was moved to a newer template version (``migration``): let its
        workflow re-plan on it."""
        e = envelope.data
        return self._signal(e.case_id, CaseWorkflow.migrated, MigratedSignal(version=e.to_version))

    async def case_withdrawn(
        self, session: AsyncSession, envelope: Envelope[CaseWithdrawn]
    ) -> Effect:
        return self._signal(envelope.data.case_id, CaseWorkflow.withdraw, WithdrawSignal())

    def _signal(self, case_id: str, signal: Any, arg: object) -> Effect:
        async def send() -> None:
            handle = self.temporal.get_workflow_handle(workflow_id(case_id))
            try:
                await handle.signal(signal, arg)
            except RPCError as error:
                if error.status != RPCStatusCode.NOT_FOUND:
                    raise
                log.warning("no running workflow for the case", extra={"case_id": case_id})

        return send

    async def case_erased(self, session: AsyncSession, envelope: Envelope[CaseErased]) -> None:
        """The case's retention period has ended: its pinned input loses its data (the
        workflow's history never held any, see ADR 0003). Erasing twice changes nothing."""
        case_id = envelope.data.case_id
        case = await session.get(CaseInput, case_id)
        if case is None or not case.data:
            return  # not ours, or erased already
        case.data, case.reporter_name = {}, None
        counts = {"case_inputs": 1, "outbox": await prune_outbox(session, outbox_table)}
        await record_erasure(session, self.outbox, source=SOURCE, case_id=case_id, counts=counts)

    @staticmethod
    def case_of(data: EventData) -> object:
        """A case's events are handled in order, different cases' at the same time (every
        event here belongs to a case): a batch of new cases starts its workflows at once."""
        return getattr(data, "case_id", None)

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {
            CaseErased: self.case_erased,
            CaseSubmitted: self.start_case,
            SubcaseResolved: self.subcase_resolved,
            SubcaseRejected: self.subcase_rejected,
            CaseRescheduled: self.case_rescheduled,
            CaseMigrated: self.case_migrated,
            CaseWithdrawn: self.case_withdrawn,
        }
