"""Temporal workflows: deterministic code only; activities do the I/O."""

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox our workflows run in. ``lifecase_lifecycle`` passes through: its modules
    hold no state that runs could share, and importing the workflow module afresh for every
    case (what the sandbox does with modules it does not pass through) cost more CPU than
    the rest of the workflow's work. Non-determinism is still caught by the replay tests
    (``tests/unit/test_replay.py``) and by the sandbox's checks on everything else."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("lifecase_lifecycle")
    )
