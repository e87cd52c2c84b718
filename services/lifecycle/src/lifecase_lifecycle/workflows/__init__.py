"""Temporal workflows: deterministic code only; activities do the I/O."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter
from temporalio.converter import DataConverter
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

# One validator per type for the whole process. The sandbox makes a new payload converter for
# every workflow run; with a cache of its own each run would build its validators again.
_ADAPTERS: functools._lru_cache_wrapper[TypeAdapter[Any]] = functools.lru_cache(maxsize=256)(
    TypeAdapter
)


class PayloadConverter(PydanticPayloadConverter):
    """Workflow and activity inputs and results as JSON, read by pydantic.

    The payloads are the same JSON the default converter writes, so histories recorded with
    it replay unchanged. Reading them is what changes: the default converter resolves every
    dataclass's type hints on every payload, and decoding a case's plan on each activation
    cost the workflow worker more CPU than running the workflow itself."""

    def __init__(self) -> None:
        super().__init__()
        for converter in self.converters.values():
            if isinstance(converter, PydanticJSONPlainPayloadConverter):
                converter._type_adapter = _ADAPTERS


DATA_CONVERTER = DataConverter(payload_converter_class=PayloadConverter)


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox our workflows run in. ``lifecase_lifecycle`` passes through: its modules
    hold no state that runs could share, and importing the workflow module afresh for every
    case (what the sandbox does with modules it does not pass through) cost more CPU than
    the rest of the workflow's work. Non-determinism is still caught by the replay tests
    (``tests/unit/test_replay.py``) and by the sandbox's checks on everything else."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("lifecase_lifecycle")
    )
