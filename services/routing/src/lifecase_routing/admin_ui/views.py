"""The routing admin pages: read through routing's own service functions, render. Rule sets
are changed only by administrators, through the service functions the API uses and with
the API's access-log lines; process owners and auditors read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_contracts.workspace import DryRunPublic, RuleSetSpec
from lifecase_platform.auth import Principal
from lifecase_platform.deps import OutboxDep, SessionDep, SessionsDep, WebUIDep
from lifecase_platform.errors import DomainError, Invalid
from lifecase_platform.outbox import Outbox
from lifecase_platform.web import VersionNumber
from lifecase_platform.webui import PageUser, WebUI
from lifecase_platform.webui.admin_area import require_admin_area
from lifecase_platform.webui.i18n import language_of
from lifecase_routing import organisation, rulesets, sla
from lifecase_routing.access import require_admin
from lifecase_routing.admin_ui.rule_text import (
    LineProblem,
    ParsedRules,
    in_line_order,
    parse_rules,
    problems_at,
    rules_as_text,
    spec_of,
)
from lifecase_routing.admin_views import admin_principal, record_change

router = APIRouter(include_in_schema=False)


@router.get("/")
async def units_and_routing(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep
) -> Response:
    """The units with their queues and members, the active rules in the order they are
    tried (with what each routed and how much of it was transferred away), and the SLA."""
    require_admin_area(user)
    units = await organisation.list_units(session=session)
    rule_set = await rulesets.get_rule_set(session=session, version=None)
    policy = await sla.sla_policy(session=session)
    queue_names = {q.key: q.name for unit in units for q in unit.queues}
    context = {"units": units, "rule_set": rule_set, "policy": policy, "queue_names": queue_names}
    return ui.render(request, "admin_routing/overview.html", context)


@router.get("/rules")
async def rule_sets_page(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep
) -> Response:
    """Every rule-set version, newest first; the active rules with their counts; and, for
    administrators, a new version and the way back to the version active before."""
    require_admin_area(user)
    return await _rule_sets_page(request, user, ui, session)


async def _rule_sets_page(
    request: Request,
    user: Principal,
    ui: WebUI,
    session: AsyncSession,
    *,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "versions": await rulesets.list_rule_sets(session=session),
        "rule_set": await rulesets.get_rule_set(session=session, version=None),
        "previous": await rulesets.previously_active(session=session),
        "queue_names": await _queue_names(session),
        "may_change": user.is_admin,
        "done": request.query_params.get("done"),
        "problem": problem,
    }
    return ui.render(request, "admin_routing/rules.html", context, status_code=status_code)


@dataclass(frozen=True)
class Draft:
    """What the editor shows: the rules as text, the fallback queue, and the version they
    started from."""

    text: str
    fallback_queue: str
    base: int | None


From = Annotated[int | None, Query(alias="from", ge=1, le=2_147_483_647)]


@router.get("/rules/new")
async def new_rule_set_form(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep, start: From = None
) -> Response:
    """A new version to write, starting from the active one (or version ``from``)."""
    require_admin(user)
    base = await rulesets.get_rule_set(session=session, version=start)
    draft = Draft(rules_as_text(base.rules), base.fallback_queue, base.version)
    return await _editor(request, ui, session, draft)


@router.post("/rules/new")
async def new_rule_set(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep, outbox: OutboxDep
) -> Response:
    """``action=dry-run``: what the rules would do to past sub-cases, nothing saved;
    ``action=save``: the next version, not active yet. The rules are checked as the API
    checks them; each problem is shown on its line and nothing is saved."""
    admin = await admin_principal(request, user)
    form = await request.form()
    draft = Draft(
        text=str(form.get("rules") or ""),
        fallback_queue=str(form.get("fallback_queue") or ""),
        base=_number(form.get("from")),
    )
    parsed = parse_rules(draft.text, draft.fallback_queue)
    async with sessions() as session:
        if parsed.spec is None:
            problems = [*parsed.problems, *await _checked(session, parsed, draft.text)]
            return await _editor(request, ui, session, draft, problems=in_line_order(problems))
        try:
            if form.get("action") == "save":
                version = await _create(session, outbox, admin, parsed.spec)
                return RedirectResponse(ui.path(f"rules/{version}?done=created"), status_code=303)
            dry_run = await rulesets.dry_run_rule_set(session=session, spec=parsed.spec)
        except Invalid as invalid:
            problems = problems_at(invalid.errors or [], parsed.lines, draft.text)
            return await _editor(request, ui, session, draft, problems=problems)
        return await _editor(request, ui, session, draft, dry_run=dry_run)


async def _checked(session: AsyncSession, parsed: ParsedRules, text: str) -> list[LineProblem]:
    """What the API's checks find in the rules that are sound so far: all problems at once,
    so the rules are fixed in one round."""
    if parsed.sound is None:
        return []
    try:
        await rulesets.check_rule_set(session=session, spec=parsed.sound)
    except Invalid as invalid:
        return problems_at(invalid.errors or [], parsed.lines, text)
    return []


async def _create(
    session: AsyncSession, outbox: Outbox, admin: Principal, spec: RuleSetSpec
) -> int:
    """The next version, not active yet, with the API's line in the access log."""
    async with session.begin():
        created = await rulesets.create_rule_set(
            session=session, spec=spec, by=admin.username, activate=False
        )
        await record_change(
            outbox, session, admin, "rule_set.created", ("rule_set", str(created.version))
        )
    return created.version


async def _editor(
    request: Request,
    ui: WebUI,
    session: AsyncSession,
    draft: Draft,
    *,
    problems: Sequence[LineProblem] = (),
    dry_run: DryRunPublic | None = None,
) -> Response:
    context = {
        "draft": draft,
        "problems": problems,
        "dry_run": dry_run,
        "queue_names": await _queue_names(session),
    }
    status_code = 422 if problems else 200
    return ui.render(request, "admin_routing/edit.html", context, status_code=status_code)


@router.get("/rules/{version}")
async def rule_set_version(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep, version: VersionNumber
) -> Response:
    """One version with its rules and their counts; for administrators, if it is not the
    active one, what it would change (a dry run against the latest sub-cases) and the
    button that activates it."""
    require_admin_area(user)
    rule_set = await rulesets.get_rule_set(session=session, version=version)
    dry_run, problem = None, None
    if user.is_admin and not rule_set.active:
        await admin_principal(request, user)  # a dry run costs what the API's does
        try:
            dry_run = await rulesets.dry_run_rule_set(session=session, spec=spec_of(rule_set))
        except Invalid as invalid:
            problem = _text(invalid, request)
    context = {
        "rule_set": rule_set,
        "dry_run": dry_run,
        "problem": problem,
        "queue_names": await _queue_names(session),
        "may_change": user.is_admin,
        "done": request.query_params.get("done"),
    }
    return ui.render(request, "admin_routing/version.html", context)


@router.post("/rules/{version}/activate")
async def activate_rule_set(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    version: VersionNumber,
) -> Response:
    """Route with this version from now on: a new version goes live, or an earlier one
    comes back (a roll back)."""
    admin = await admin_principal(request, user)
    try:
        async with sessions() as session, session.begin():
            await rulesets.activate(session=session, version=version)
            resource = ("rule_set", str(version))
            await record_change(outbox, session, admin, "rule_set.activated", resource)
    except DomainError as error:
        if error.status in (401, 404) or error.text is None:
            raise
        async with sessions() as session:
            problem = _text(error, request)
            return await _rule_sets_page(
                request, user, ui, session, problem=problem, status_code=error.status
            )
    return RedirectResponse(ui.path("rules?done=activated"), status_code=303)


async def _queue_names(session: AsyncSession) -> dict[str, Localized]:
    units = await organisation.list_units(session=session)
    return {q.key: q.name for unit in units for q in unit.queues}


def _number(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _text(error: DomainError, request: Request) -> str | None:
    return error.text.pick(language_of(request)) if error.text else None
