"""Typed FastAPI dependencies for what only intake puts on ``app.state``, built like
``lifecase_platform.deps`` (which holds the ones every service shares)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lifecase_intake.portal.preview import CasePlanner


def case_planner(request: Request) -> CasePlanner:
    """The portal's planner: what lifecycle and routing would make of a case, before it is
    filed or its dates move."""
    planner: CasePlanner = request.app.state.planner
    return planner


PlannerDep = Annotated[CasePlanner, Depends(case_planner)]
