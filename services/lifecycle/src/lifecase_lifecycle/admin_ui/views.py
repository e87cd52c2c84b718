"""The admin area's pages. Thin, like the API's views: check who asks, read through
``library``, render."""

from __future__ import annotations

import json

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from lifecase_lifecycle import service
from lifecase_lifecycle.admin_ui import library
from lifecase_lifecycle.deps import RoutingPreviewDep
from lifecase_lifecycle.operations import require_operator
from lifecase_lifecycle.templates import to_yaml
from lifecase_platform import deadletters
from lifecase_platform.deps import JetStreamDep, SessionDep, WebUIDep
from lifecase_platform.webui import PageUser
from lifecase_platform.webui.admin_area import require_admin_area
from lifecase_platform.webui.i18n import language_of
from lifecase_platform.webui.session import session_token
from lifecase_platform.workdays import today_in_denmark

router = APIRouter(include_in_schema=False)
DEAD_LETTERS_SHOWN = 100


@router.get("/")
async def template_library(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep
) -> Response:
    """Every life event, its versions and the cases running on each."""
    require_admin_area(user)
    entries = await library.library(session=session)
    return ui.render(request, "admin/library.html", {"entries": entries})


@router.get("/operations")
async def operations_page(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep, js: JetStreamDep
) -> Response:
    """What waits for an administrator: cases whose workflow cannot proceed, and events a
    consumer gave up on (handled with ``lifecase operations`` or the operations API)."""
    require_operator(user)
    stuck = await service.stuck_cases(session=session)
    letters = await deadletters.list_dead_letters(js, limit=DEAD_LETTERS_SHOWN)
    context = {"stuck": stuck, "letters": letters, "limit": DEAD_LETTERS_SHOWN}
    return ui.render(request, "admin/operations.html", context)


@router.get("/templates/{key}/{number}")
async def template_version(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    session: SessionDep,
    key: str = Path(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    number: int = Path(ge=1, le=1_000_000),
) -> Response:
    """One version: its fields, its activities (what each waits for, when it is due, where it
    goes) and the YAML it is written in."""
    require_admin_area(user)
    template, row = await library.version(session=session, key=key, number=number)
    context = {"template": template, "row": row, "source": to_yaml(template)}
    return ui.render(request, "admin/version.html", context)


@router.get("/templates/{key}/{number}/test-run")
async def test_run_form(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    session: SessionDep,
    key: str = Path(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    number: int = Path(ge=1, le=1_000_000),
) -> Response:
    """Sample data to try the version with, filled in to start from."""
    require_admin_area(user)
    template, row = await library.version(session=session, key=key, number=number)
    sample = json.dumps(
        library.example_data(template, today_in_denmark()), indent=2, ensure_ascii=False
    )
    context = {
        "template": template,
        "row": row,
        "sample": sample,
        "result": None,
        "errors": [],
        "routes": None,
    }
    return ui.render(request, "admin/test_run.html", context)


@router.post("/templates/{key}/{number}/test-run")
async def test_run(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    session: SessionDep,
    destinations: RoutingPreviewDep,
    key: str = Path(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    number: int = Path(ge=1, le=1_000_000),
) -> Response:
    """Which sub-cases the sample would open, when, with which due dates and fields; or what
    is wrong with the sample. Nothing is filed."""
    require_admin_area(user)
    template, row = await library.version(session=session, key=key, number=number)
    sample = str((await request.form()).get("data") or "")
    result, errors = library.try_sample(
        template, sample, today=today_in_denmark(), language=language_of(request)
    )
    routes = None
    if result:
        token = session_token(request) or ""
        routes = await destinations.destinations(
            token=token, activities=result, data=json.loads(sample)
        )
    context = {
        "routes": routes,
        "template": template,
        "row": row,
        "sample": sample,
        "result": result,
        "errors": errors,
    }
    return ui.render(request, "admin/test_run.html", context, status_code=422 if errors else 200)
