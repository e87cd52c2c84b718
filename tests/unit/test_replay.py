"""Stored histories of finished cases replay on the current workflow code. A change that
would break running cases (a non-deterministic one) fails here; guard it with
``workflow.patched``. Record new histories with
``LIFECASE_RECORD_HISTORIES=1 pytest tests/integration/test_histories.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from lifecase_lifecycle.workflows import DATA_CONVERTER
from lifecase_lifecycle.workflows.case import CaseWorkflow

HISTORIES = sorted((Path(__file__).parents[1] / "replay" / "histories").glob("*.json"))


def test_every_catalogue_template_has_a_stored_history() -> None:
    names = " ".join(p.stem for p in HISTORIES)
    for template in ("hiring", "parental-leave", "termination", "leave-of-absence"):
        assert template in names, f"no stored history for {template}"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_a_stored_history_replays_on_the_current_code(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    result = await Replayer(
        workflows=[CaseWorkflow], data_converter=DATA_CONVERTER
    ).replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
