"""Sharing templates between municipalities: a version exported as a bundle, a bundle
imported as a draft with a report of what must be mapped locally, and the bundles that ship
with lifecase. The bundle format is ``templates.bundle``; routing is asked (with the
person's own token) where sub-case types go and which units and queues exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_lifecycle import publishing, service
from lifecase_lifecycle.models import NOTE_LENGTH, TemplateVersion
from lifecase_lifecycle.routing_preview import RoutingPreview
from lifecase_lifecycle.templates import CATALOGUE_DIR, Template, load_catalogue
from lifecase_lifecycle.templates.bundle import Bundle, make_bundle, subcase_types
from lifecase_platform.auth import Principal
from lifecase_platform.outbox import Outbox

FALLBACK_RULE = "fallback"  # routing's name for "no rule matched": the item went to triage


async def export_bundle(
    session: AsyncSession, routing: RoutingPreview, *, token: str, key: str, version: int
) -> Bundle:
    found = await service.get_version(session=session, key=key, version=version)
    template = Template.model_validate(found.definition)
    types = [(t.type, t.unit_hint) for t in subcase_types(template)]
    routes = await routing.by_type(token=token, types=types) or {}
    queues = {t: r.queue for t, r in routes.items() if r.rule != FALLBACK_RULE}
    return make_bundle(template, version=version, queues=queues, now=datetime.now(UTC))


def shipped_bundles() -> list[Bundle]:
    """The templates that ship with lifecase, as bundles (without example rules: where
    their sub-cases go is each municipality's own organisation)."""
    moment = datetime.fromtimestamp(CATALOGUE_DIR.stat().st_mtime, UTC).replace(microsecond=0)
    return [make_bundle(t, version=1, queues={}, now=moment) for t in load_catalogue()]


@dataclass
class Mapping:
    """What an imported template needs of this system before it routes as intended."""

    routing_checked: bool
    unknown_units: list[str] = field(default_factory=list)
    unknown_queues: list[str] = field(default_factory=list)
    unrouted_types: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.routing_checked and not (
            self.unknown_units or self.unknown_queues or self.unrouted_types
        )


async def local_mapping(
    routing: RoutingPreview, *, token: str, bundle: Bundle, template: Template
) -> Mapping:
    """Units the template names and example rules' queues that this system lacks, and the
    sub-case types its active rules send to triage."""
    directory = await routing.directory(token=token)
    types = subcase_types(template)
    routes = await routing.by_type(token=token, types=[(t.type, t.unit_hint) for t in types])
    if directory is None or routes is None:
        return Mapping(routing_checked=False)
    hints = {t.unit_hint for t in types if t.unit_hint}
    return Mapping(
        routing_checked=True,
        unknown_units=sorted(hints - directory.units.keys()),
        unknown_queues=sorted({r.queue for r in bundle.example_rules} - directory.queues.keys()),
        unrouted_types=[t.type for t in types if routes[t.type].rule == FALLBACK_RULE],
    )


async def import_draft(
    session: AsyncSession,
    outbox: Outbox,
    *,
    user: Principal,
    bundle: Bundle,
    template: Template,
) -> TemplateVersion:
    """The bundle's template as a new draft here, recorded as imported."""
    draft = await service.create_draft(session=session, template=template)
    note = (
        f"Importeret fra en pakke (version {bundle.source_version}, "
        f"eksporteret {bundle.exported_at:%Y-%m-%d}) / imported from a bundle"
    )[:NOTE_LENGTH]
    await publishing.log_change(
        session, outbox, user=user, action="imported", version=draft, note=note
    )
    return draft
