"""The triage model at work: train a draft from the seed set and routing's own history,
activate it under the four-eyes rule (not by the one who trained it), load the active one
(once per version and process), suggest life events for a reporter's text and propose the
unit queue of a general request.

Training takes seconds of CPU and runs in a worker thread, outside any transaction; so do
loading a model and predicting with it. The reporter's text is never logged or stored here;
the training examples are scrubbed when they are stored (``store.add_example``)."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.errors import Conflict, Forbidden, NotFound, Unavailable
from lifecase_platform.outbox import Outbox
from lifecase_routing.admin_views import record_change
from lifecase_routing.models import Queue, RuleSet, WorkItem
from lifecase_routing.triage import store
from lifecase_routing.triage.extract import extract_fields
from lifecase_routing.triage.model import (
    Example,
    Suggestion,
    TriageModel,
    dumps,
    loads,
    seed_examples,
    train,
)

log = logging.getLogger(__name__)

GENERAL_REQUEST = "general.request"  # the sub-case type of a free-text case
GENERAL_REQUEST_EVENT = "general_request"  # the life-event label for "no form fits"
SYSTEM = Principal(username="system", name="lifecase", roles=["admin"])
# Who may approve and activate a version another person trained: as with templates, the
# people who answer for the processes, and administrators.
APPROVERS = frozenset({"admin", "process_owner"})
RULE_PREFIX = "triage-model-v"
# Distinct task titles and queues taken from the routing history (a handful per template).
ROUTED_EXAMPLES_MAX = 2000


def rule_name(version: int) -> str:
    """The routing decision's rule for an item the model placed: ``triage-model-v3``."""
    return f"{RULE_PREFIX}{version}"


# Loaded models by fingerprint (the SHA-256 of their bytes): a version's bytes are read and
# unpickled once per process. Keyed by content, not version number, since one process may
# serve several databases (the tests do).
_LOADED: OrderedDict[str, TriageModel] = OrderedDict()
_LOADED_LIMIT = 4


def _keep(key: str, model: TriageModel) -> None:
    _LOADED[key] = model
    _LOADED.move_to_end(key)
    while len(_LOADED) > _LOADED_LIMIT:
        _LOADED.popitem(last=False)


async def active_model(session: AsyncSession) -> tuple[int, TriageModel] | None:
    """The active version and its model; None when no version is active."""
    active = await store.active_version(session)
    if active is None:
        return None
    version, key = active
    model = _LOADED.get(key)
    if model is None:
        data = await store.model_bytes(session, version)
        if data is None:
            return None
        try:
            model = await asyncio.to_thread(loads, data)
        except Exception as error:  # a pickle from another scikit-learn, a damaged row
            # Suggestions are then unavailable and general requests go to triage: routing
            # goes on. Training a new version (with the installed libraries) mends it.
            log.error(
                "triage model cannot be loaded; train a new version",
                extra={"version": version, "error": type(error).__name__},
            )
            return None
        _keep(key, model)
    return version, model


@dataclass(frozen=True)
class Trained:
    model: bytes
    evaluation: dict[str, Any]
    trained_on: dict[str, int]


def _train(life_events: list[Example], units: list[Example], threshold: float) -> Trained:
    model = train(life_events, units, threshold=threshold)
    return Trained(
        model=dumps(model),
        evaluation={name: e.to_json() for name, e in model.evaluation.items()},
        trained_on=dict(model.trained_on),
    )


@functools.lru_cache(maxsize=2)
def _seed_only(threshold: float) -> Trained:
    """The model of the seed set alone: the first version of every new installation, the
    same each time (the split is seeded), so trained once per process."""
    life_events, units = seed_examples()
    return _train(life_events, units, threshold)


async def _examples(sessions: SessionFactory) -> tuple[list[Example], list[Example]]:
    seed_life, seed_units = seed_examples()
    async with sessions() as session:
        life_events, units = await store.history_examples(session)
        routed = await _routed_examples(session)
        queues = set((await session.scalars(_unit_queues())).all())
    # A transfer to a queue that is no unit's any longer teaches nothing routing could use.
    taught = [e for e in (*units, *routed) if e.label in queues]
    return [*seed_life, *life_events], [*seed_units, *taught]


async def _routed_examples(session: AsyncSession) -> list[Example]:
    """The routed sub-cases a unit resolved in its queue: each task's title (in both
    languages) names its queue ("Lønoprettelse" is payroll's). One example per title and
    queue, however many such items there were; the free-text requests are kept apart."""
    rows = await session.execute(
        select(WorkItem.title_da, WorkItem.title_en, WorkItem.queue)
        .where(WorkItem.status == "resolved", WorkItem.subcase_type != GENERAL_REQUEST)
        .distinct()
        .limit(ROUTED_EXAMPLES_MAX)
    )
    return [
        Example(text=title, label=queue, source="routed")
        for title_da, title_en, queue in rows
        for title in dict.fromkeys((title_da, title_en))
        if title.strip()
    ]


def _unit_queues() -> Select[tuple[str]]:
    fallback = select(RuleSet.fallback_queue).where(RuleSet.active.is_(True)).scalar_subquery()
    return select(Queue.key).where(Queue.key.is_distinct_from(fallback))


async def train_version(
    *,
    sessions: SessionFactory,
    outbox: Outbox,
    by: Principal,
    threshold: float,
    note: str | None = None,
) -> store.VersionRow:
    """Train a new draft from the seed set and the history, with its evaluation on a
    held-out split; recorded in the access log. It routes nothing until it is activated."""
    life_events, units = await _examples(sessions)
    trained = await asyncio.to_thread(_train, life_events, units, threshold)
    for _ in range(5):  # another admin may be saving a version at the same moment
        async with sessions() as session, session.begin():
            version = await store.next_version(session)
            saved = await store.add_version(
                session,
                version=version,
                model=trained.model,
                evaluation=trained.evaluation,
                trained_on=trained.trained_on,
                by=by.username,
                note=note,
            )
            if saved:
                await record_change(
                    outbox, session, by, "triage_model.trained", ("triage_model", str(version))
                )
                row = await store.get_version(session, version)
                assert row is not None
                log.info(
                    "triage model trained",
                    extra={"version": version, "trained_on": trained.trained_on},
                )
                return row
    raise Conflict(
        Localized(
            da="Versionsnummeret blev taget imens. Prøv igen.",
            en="The version number was taken meanwhile. Try again.",
        )
    )


def may_activate(row: store.VersionRow, user: Principal) -> Localized | None:
    """Why ``user`` may not activate ``row`` (None: they may)."""
    if not APPROVERS & set(user.roles):
        return Localized(
            da="Kun administratorer og procesejere må aktivere en triagemodel.",
            en="Only administrators and process owners may activate a triage model.",
        )
    if row.trained_by == user.username:
        return Localized(
            da="Du har selv trænet denne version. En anden skal godkende og aktivere den "
            "(fire øjne).",
            en="You trained this version yourself. Someone else must approve and activate it "
            "(four eyes).",
        )
    return None


async def activate_version(
    *, session: AsyncSession, outbox: Outbox, version: int, by: Principal
) -> store.VersionRow:
    """Approve a draft and route with it from now on; the version active before is retired.
    Refused for the one who trained it (four eyes) and for anything but a draft."""
    row = await store.get_version(session, version)
    if row is None:
        raise NotFound(Localized(da="modelversionen", en="model version"))
    refusal = may_activate(row, by)
    if refusal is not None:
        raise Forbidden(refusal)
    if row.status != "draft":
        raise Conflict(
            Localized(
                da="Kun en kladde kan aktiveres; denne version er allerede brugt.",
                en="Only a draft can be activated; this version has been used already.",
            )
        )
    await store.activate(session, version=version, by=by.username)
    await record_change(
        outbox, session, by, "triage_model.activated", ("triage_model", str(version))
    )
    log.info("triage model activated", extra={"version": version})
    activated = await store.get_version(session, version)
    assert activated is not None
    return activated


async def ensure_first_version(
    *, sessions: SessionFactory, outbox: Outbox, threshold: float
) -> int | None:
    """A new installation routes and suggests from the start: with no version at all, the
    seed set's model becomes version 1, trained and activated by ``system`` (recorded).
    Returns the version made, None when there was one already."""
    async with sessions() as session:
        if await store.any_version(session):
            return None
    trained = await asyncio.to_thread(_seed_only, threshold)
    async with sessions() as session, session.begin():
        saved = await store.add_version(
            session,
            version=1,
            model=trained.model,
            evaluation=trained.evaluation,
            trained_on=trained.trained_on,
            by=SYSTEM.username,
            note="seed",
            active=True,
        )
        if not saved:
            return None  # another replica made it
        for action in ("triage_model.trained", "triage_model.activated"):
            await record_change(outbox, session, SYSTEM, action, ("triage_model", "1"))
    log.info("triage model trained from the seed set", extra={"version": 1})
    return 1


@dataclass(frozen=True)
class Suggestions:
    version: int
    threshold: float
    life_events: list[tuple[Suggestion, dict[str, str]]]
    unit: Suggestion | None

    @property
    def confident(self) -> bool:
        if not self.life_events:
            return False
        best = self.life_events[0][0]
        return best.probability >= self.threshold and best.label != GENERAL_REQUEST_EVENT


def _suggest(model: TriageModel, text: str, today: date) -> tuple[list[Any], Suggestion | None]:
    life_events = [
        (
            s,
            {}
            if s.label == GENERAL_REQUEST_EVENT
            else extract_fields(text, life_event=s.label, today=today),
        )
        for s in model.life_events.predict(text, k=3)
    ]
    units = model.units.predict(text, k=1)
    return life_events, units[0] if units else None


async def suggest(*, session: AsyncSession, text: str, today: date) -> Suggestions:
    """The life events that fit ``text`` (best first, at most three, each with the form
    values the text gives) and the unit queue a general request would go to."""
    active = await active_model(session)
    if active is None:
        raise Unavailable(
            Localized(
                da="Der er ingen aktiv triagemodel endnu.", en="No triage model is active yet."
            )
        )
    version, model = active
    life_events, unit = await asyncio.to_thread(_suggest, model, text, today)
    return Suggestions(
        version=version, threshold=model.threshold, life_events=life_events, unit=unit
    )


async def propose_queue(
    session: AsyncSession, text: str, queues: set[str] | frozenset[str]
) -> tuple[str, str] | None:
    """The queue the active model is confident a general request belongs in, with the rule
    name the routing decision records; None: no model, not confident, or no such queue
    (the item goes to the fallback queue, never to a wrong unit silently)."""
    active = await active_model(session)
    if active is None:
        return None
    version, model = active
    found = model.units.predict(text, k=1)
    if not found:
        return None
    best = found[0]
    if best.probability < model.threshold or best.label not in queues:
        return None
    return best.label, rule_name(version)


def keep_example(
    session: AsyncSession,
    *,
    item_id: str,
    fields: dict[str, Any],
    queue: str,
    fallback_queue: str | None,
    source: str = store.TRANSFER,
) -> None:
    """A general request's description, scrubbed, as a training example for ``queue``:
    where a caseworker moved it (``transfer``), or where its unit resolved it
    (``free_text``: the queue was right). The fallback queue teaches nothing ("not here")."""
    description = fields.get("description")
    if not isinstance(description, str) or not description.strip() or queue == fallback_queue:
        return
    store.add_example(
        session, text=description, label=queue, kind=store.UNIT, source=source, item_id=item_id
    )
