"""The SLA policy as stored data, and the clock built from it."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.workspace import SlaPolicy
from lifecase_routing.models import SlaPolicyRow
from lifecase_routing.sla.clock import SlaClock

POLICY_ID = 1


async def sla_policy(*, session: AsyncSession) -> SlaPolicy:
    row = await session.get(SlaPolicyRow, POLICY_ID)
    return SlaPolicy() if row is None else SlaPolicy.model_validate(row.document)


async def sla_clock(*, session: AsyncSession) -> SlaClock:
    """The clock of the stored policy. Reading the policy and building its calendar are done
    once per distinct policy: every routed item asks."""
    row = await session.get(SlaPolicyRow, POLICY_ID)
    return _clock(None if row is None else json.dumps(row.document, sort_keys=True))


@functools.lru_cache(maxsize=32)
def _clock(document: str | None) -> SlaClock:
    return SlaClock.of(SlaPolicy() if document is None else SlaPolicy.model_validate_json(document))


async def put_sla_policy(*, session: AsyncSession, policy: SlaPolicy, by: str | None) -> SlaPolicy:
    """Replace the policy. Due dates already set stay; new items and resumes use the new one."""
    document = policy.model_dump(mode="json")
    row = await session.get(SlaPolicyRow, POLICY_ID)
    now = datetime.now(UTC)
    if row is None:
        session.add(SlaPolicyRow(id=POLICY_ID, document=document, updated_at=now, updated_by=by))
    else:
        row.document, row.updated_at, row.updated_by = document, now, by
    return policy
