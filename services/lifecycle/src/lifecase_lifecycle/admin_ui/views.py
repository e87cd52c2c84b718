"""The admin area's pages. Thin, like the API's views: check who asks, read through
``library``, render."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from lifecase_contracts.events import Localized
from lifecase_lifecycle import migration, publishing, service, sharing
from lifecase_lifecycle.admin_ui import library
from lifecase_lifecycle.admin_ui.graph import graph
from lifecase_lifecycle.deps import RoutingPreviewDep, TemporalDep, workflow_progress
from lifecase_lifecycle.models import NOTE_LENGTH
from lifecase_lifecycle.operations import require_operator
from lifecase_lifecycle.templates import InvalidTemplate, TemplateIssue, parse_template, to_yaml
from lifecase_lifecycle.templates.bundle import Bundle, bundle_name, bundle_yaml, read_bundle
from lifecase_platform import deadletters
from lifecase_platform.auth import Principal
from lifecase_platform.deps import (
    JetStreamDep,
    OutboxDep,
    SessionDep,
    SessionsDep,
    WebUIDep,
)
from lifecase_platform.errors import DomainError, Forbidden, NotFound
from lifecase_platform.webui import PageUser, WebUI
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


Key = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Number = Annotated[int, Path(ge=1, le=1_000_000)]


@router.get("/templates/{key}/{number}")
async def template_version(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep, key: Key, number: Number
) -> Response:
    """One version: its fields, its activities (what each waits for, when it is due, where it
    goes), its YAML, what it changes against the published version, its history, and what
    the signed-in person may do with it (edit, submit, approve or send back)."""
    require_admin_area(user)
    return await _version_page(request, user, ui, session, key, number)


async def _version_page(
    request: Request,
    user: Principal,
    ui: WebUI,
    session: AsyncSession,
    key: str,
    number: int,
    *,
    note_error: str | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    template, row = await library.version(session=session, key=key, number=number)
    authors = await publishing.authors(session, key=key, version=number)
    context = {
        "template": template,
        "row": row,
        "source": to_yaml(template),
        "picture": graph(template),
        "comparison": await publishing.compare(session, key=key, version=number),
        "history": await publishing.history(session, key=key, version=number),
        "may_draft": publishing.may(user, publishing.DRAFTERS),
        "may_approve": await publishing.may_approve(session, key=key, user=user),
        "owners": await publishing.owners(session, key=key),
        "is_admin": user.is_admin,
        "is_author": user.username in authors,
        "movable": len(await migration.candidates(session, key=key, version=number))
        if row.status == "published"
        else 0,
        "note_error": note_error,
        "problem": problem,
        "done": request.query_params.get("done"),
    }
    return ui.render(request, "admin/version.html", context, status_code=status_code)


@router.get("/templates/{key}/{number}/migration")
async def migration_page(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep, key: Key, number: Number
) -> Response:
    """The running cases on older versions of the life event, to choose from for a move to
    this (published) version."""
    _require_drafter(user)
    return await _migration_page(request, ui, session, key, number, moves=None, done=None)


@router.post("/templates/{key}/{number}/migration")
async def migration_step(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    temporal: TemporalDep,
    key: Key,
    number: Number,
) -> Response:
    """``action=dry-run``: what moving the chosen cases would change, per case (nothing
    changes); ``action=migrate``: move those that can, and say which could not and why."""
    _require_drafter(user)
    form = await request.form()
    chosen = [v for v in form.getlist("case_id") if isinstance(v, str)][: migration.MAX_CASES]
    language = language_of(request)
    if not chosen:
        async with sessions() as session:
            return await _migration_page(
                request,
                ui,
                session,
                key,
                number,
                moves=None,
                done=None,
                problem=NONE_CHOSEN.pick(language),
                status_code=422,
            )
    progress = workflow_progress(temporal)
    today = today_in_denmark()
    if form.get("action") == "migrate":
        async with sessions() as session, session.begin():
            moves = await migration.migrate(
                session,
                outbox,
                progress,
                user=user,
                key=key,
                version=number,
                case_ids=chosen,
                today=today,
                language=language,
            )
        done = sum(m.movable for m in moves)
    else:
        async with sessions() as session:
            moves = await migration.dry_run(
                session,
                progress,
                key=key,
                version=number,
                case_ids=chosen,
                today=today,
                language=language,
            )
        done = None
    async with sessions() as session:
        return await _migration_page(request, ui, session, key, number, moves=moves, done=done)


async def _migration_page(
    request: Request,
    ui: WebUI,
    session: AsyncSession,
    key: str,
    number: int,
    *,
    moves: list[migration.CaseMove] | None,
    done: int | None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    template, row = await library.version(session=session, key=key, number=number)
    context = {
        "template": template,
        "row": row,
        "cases": await migration.candidates(session, key=key, version=number),
        "moves": moves,
        "done": done,
        "problem": problem,
    }
    return ui.render(request, "admin/migration.html", context, status_code=status_code)


NONE_CHOSEN = Localized(da="Vælg mindst én sag.", en="Choose at least one case.")


@router.get("/templates/{key}/{number}/bundle")
async def download_bundle(
    request: Request,
    user: PageUser,
    session: SessionDep,
    routing: RoutingPreviewDep,
    key: Key,
    number: Number,
) -> Response:
    """The version as a bundle file, to share with another municipality."""
    require_admin_area(user)
    bundle = await sharing.export_bundle(
        session, routing, token=session_token(request) or "", key=key, version=number
    )
    return _bundle_file(bundle_yaml(bundle), bundle_name(key, number))


@router.get("/catalogue")
async def catalogue(request: Request, user: PageUser, ui: WebUIDep) -> Response:
    """The bundles that ship with lifecase, to download or import as a draft, and a form
    to import a bundle file from another municipality."""
    require_admin_area(user)
    context = {
        "bundles": sharing.shipped_bundles(),
        "may_draft": publishing.may(user, publishing.DRAFTERS),
        "issues": [],
    }
    return ui.render(request, "admin/catalogue.html", context)


@router.get("/catalogue/{key}")
async def download_shipped(user: PageUser, key: Key) -> Response:
    require_admin_area(user)
    bundle = _shipped(key)
    return _bundle_file(bundle_yaml(bundle), bundle_name(key, bundle.source_version))


@router.post("/catalogue/import")
async def import_bundle(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    routing: RoutingPreviewDep,
) -> Response:
    """Import an uploaded bundle file, or a shipped one, as a new draft; show what must be
    mapped here before it routes as intended. A broken file is refused with its problems
    and nothing is saved."""
    _require_drafter(user)
    form = await request.form()
    upload, shipped = form.get("bundle"), form.get("shipped")
    if isinstance(shipped, str) and shipped:
        text = bundle_yaml(_shipped(shipped))
    elif isinstance(upload, UploadFile):
        text = (await upload.read(MAX_BUNDLE_BYTES + 1)).decode("utf-8", errors="replace")
    else:
        text = ""
    try:
        if len(text.encode()) > MAX_BUNDLE_BYTES:
            raise InvalidTemplate([TemplateIssue(loc=(), message=BUNDLE_TOO_LARGE)])
        bundle, template = await asyncio.to_thread(read_bundle, text)
    except InvalidTemplate as invalid:
        context = {
            "bundles": sharing.shipped_bundles(),
            "may_draft": True,
            "issues": invalid.issues,
        }
        return ui.render(request, "admin/catalogue.html", context, status_code=422)
    token = session_token(request) or ""
    mapping = await sharing.local_mapping(routing, token=token, bundle=bundle, template=template)
    async with sessions() as session, session.begin():
        draft = await sharing.import_draft(
            session, outbox, user=user, bundle=bundle, template=template
        )
        key, version = draft.key, draft.version
    context = {"template": template, "version": version, "key": key, "mapping": mapping}
    return ui.render(request, "admin/imported.html", context, status_code=201)


def _shipped(key: str) -> Bundle:
    for bundle in sharing.shipped_bundles():
        if bundle.template["key"] == key:
            return bundle
    raise NotFound(Localized(da="pakken", en="bundle"))


def _bundle_file(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


MAX_BUNDLE_BYTES = 200_000
BUNDLE_TOO_LARGE = "the file is larger than 200 kB"


@router.get("/templates/{key}/{number}/edit")
async def edit_form(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep, key: Key, number: Number
) -> Response:
    """The version's YAML to edit: a draft is changed in place, any other version is the
    starting point of a new draft."""
    _require_drafter(user)
    template, row = await library.version(session=session, key=key, number=number)
    context = {"template": template, "row": row, "source": to_yaml(template), "issues": []}
    return ui.render(request, "admin/edit.html", context)


@router.post("/templates/{key}/{number}/edit")
async def save_edit(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    key: Key,
    number: Number,
) -> Response:
    """Save the YAML, checked as the API checks it: a draft is changed, any other version
    gets a new draft. Problems are listed with their lines and nothing is saved."""
    _require_drafter(user)
    source = str((await request.form()).get("source") or "")
    try:
        edited = await asyncio.to_thread(parse_template, source)
        if edited.key != key:
            raise InvalidTemplate([TemplateIssue(loc=("key",), message=KEY_CHANGED, line=None)])
    except InvalidTemplate as invalid:
        async with sessions() as session:
            template, row = await library.version(session=session, key=key, number=number)
        context = {"template": template, "row": row, "source": source, "issues": invalid.issues}
        return ui.render(request, "admin/edit.html", context, status_code=422)
    async with sessions() as session, session.begin():
        current = await service.get_version(session=session, key=key, version=number)
        if current.status == "draft":
            saved = await publishing.change_draft(
                session, outbox, user=user, key=key, version=number, template=edited
            )
        else:
            saved = await publishing.create_draft(session, outbox, user=user, template=edited)
        target = f"templates/{key}/{saved.version}?done=saved"
    return RedirectResponse(ui.path(target), status_code=303)


@router.post("/templates/{key}/{number}/owners")
async def save_owners(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    key: Key,
    number: Number,
) -> Response:
    """Name the life event's process owners (administrators): user names, separated by
    commas or spaces; none: every process owner approves."""
    require_operator(user)
    text = str((await request.form()).get("owners") or "")
    names = [n for n in text.replace(",", " ").split() if n]
    if len(names) > 20 or any(not OWNER.match(n) for n in names):
        async with sessions() as session:
            return await _version_page(
                request,
                user,
                ui,
                session,
                key,
                number,
                problem=BAD_OWNERS.pick(language_of(request)),
                status_code=422,
            )
    async with sessions() as session, session.begin():
        await publishing.set_owners(session, outbox, user=user, key=key, usernames=names)
    return RedirectResponse(ui.path(f"templates/{key}/{number}?done=owners"), status_code=303)


OWNER = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
BAD_OWNERS = Localized(
    da="Skriv højst 20 brugernavne, adskilt af komma eller mellemrum.",
    en="Write at most 20 user names, separated by commas or spaces.",
)

Step = Literal["submit", "approve", "send-back"]


@router.post("/templates/{key}/{number}/steps/{step}")
async def publishing_step(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    key: Key,
    number: Number,
    step: Step,
) -> Response:
    """Submit a draft for approval, approve and publish it, or send it back: one step of
    four-eyes publishing, with its note. A refusal is shown on the version's page."""
    require_admin_area(user)
    note = str((await request.form()).get("note") or "").strip()
    language = language_of(request)
    if step != "approve" and not note:
        async with sessions() as session:
            return await _version_page(
                request,
                user,
                ui,
                session,
                key,
                number,
                note_error=NOTE_NEEDED.pick(language),
                status_code=422,
            )
    if len(note) > NOTE_LENGTH:
        async with sessions() as session:
            return await _version_page(
                request,
                user,
                ui,
                session,
                key,
                number,
                note_error=NOTE_TOO_LONG.pick(language),
                status_code=422,
            )
    try:
        async with sessions() as session, session.begin():
            match step:
                case "submit":
                    _require_drafter(user)
                    await publishing.submit(
                        session, outbox, key=key, version=number, user=user, note=note
                    )
                case "approve":
                    await publishing.approve(
                        session, outbox, key=key, version=number, user=user, note=note
                    )
                case "send-back":
                    await publishing.send_back(
                        session, outbox, key=key, version=number, user=user, note=note
                    )
    except DomainError as error:
        if error.status in (401, 404) or error.text is None:
            raise
        async with sessions() as session:
            return await _version_page(
                request,
                user,
                ui,
                session,
                key,
                number,
                problem=error.text.pick(language),
                status_code=error.status,
            )
    return RedirectResponse(ui.path(f"templates/{key}/{number}?done={step}"), status_code=303)


def _require_drafter(user: Principal) -> None:
    if not publishing.may(user, publishing.DRAFTERS):
        raise Forbidden(
            Localized(
                da="Kun administratorer og procesejere kan udarbejde skabeloner.",
                en="Only administrators and process owners draft templates.",
            )
        )


KEY_CHANGED = "the key names the life event and cannot change in a new version"
NOTE_NEEDED = Localized(
    da="Skriv en note: hvad ændres og hvorfor.", en="Write a note: what changes and why."
)
NOTE_TOO_LONG = Localized(
    da=f"Noten må højst være {NOTE_LENGTH} tegn.",
    en=f"The note may be at most {NOTE_LENGTH} characters.",
)


@router.get("/templates/{key}/{number}/test-run")
async def test_run_form(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    session: SessionDep,
    key: Key,
    number: Number,
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
    key: Key,
    number: Number,
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
