"""Which life event a reporter's own words describe. Routing's triage model answers
(``POST /api/v1/triage/suggestions``), asked over HTTP with the reporter's own token, as the
preview is: the portal reads no other service's tables. The text travels only in request
bodies and is never logged.

Routing names the values it could read from the text by the template's field keys, a group's
rows as ``group.INDEX.field`` from 0; the form names its inputs ``group-N-field`` from 1
(``lifecase_intake.portal.forms``): ``prefill`` turns the one into the other."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Protocol

import httpx
from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lifecase_intake.portal.forms import ROW_LIMIT, FormField, row_key

TIMEOUT_SECONDS = 5.0
TEXT_LIMIT = 2000  # characters of a description, as the suggestions API takes them
GENERAL_REQUEST = "general_request"  # the life event of reports that fit no other form
GROUP_KEY = re.compile(r"^([a-z][a-z0-9_]*)\.([0-9]{1,3})\.([a-z][a-z0-9_]*)$")
log = logging.getLogger(__name__)


class TriageUnavailable(Exception):
    """Routing could not suggest (no model active, or not reachable); the reporter picks the
    form themselves."""


class SuggestedEvent(BaseModel):
    """A life event the text may describe: how likely, the words that weighed most, and
    the form values the text already gives."""

    model_config = ConfigDict(extra="ignore")

    key: str
    probability: float = Field(ge=0.0, le=1.0)
    words: list[str] = []
    fields: dict[str, str] = {}


class Suggestions(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model_version: int
    threshold: float
    confident: bool
    life_events: list[SuggestedEvent]


class Triage(Protocol):
    """Port: the life events a reporter's description suggests."""

    async def suggest(self, *, token: str, text: str, language: str) -> Suggestions:
        """Best first; raises ``TriageUnavailable`` when no suggestion can be had."""
        ...


@dataclass
class HttpTriage:
    """Asks routing's suggestions endpoint; ``transport`` lets the embedded system answer
    in-process, without a network hop."""

    routing_url: str
    transport: httpx.AsyncBaseTransport | None = None

    async def suggest(self, *, token: str, text: str, language: str) -> Suggestions:
        try:
            async with httpx.AsyncClient(
                transport=self.transport,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT_SECONDS,
            ) as client:
                response = await client.post(
                    f"{self.routing_url}/api/v1/triage/suggestions",
                    json={"text": text, "language": language},
                )
                response.raise_for_status()
                return Suggestions.model_validate(response.json())
        except (httpx.HTTPError, ValidationError, ValueError) as error:
            # The error's type only: a response body could echo the text.
            log.warning("triage suggestions unavailable", extra={"error": type(error).__name__})
            raise TriageUnavailable() from error


def triage(request: Request) -> Triage:
    found: Triage = request.app.state.triage
    return found


TriageDep = Annotated[Triage, Depends(triage)]


def prefill(fields: list[FormField], values: Mapping[str, str]) -> dict[str, str]:
    """The suggested ``values`` as the form's inputs name them, only those of fields the
    form has: ``leave_periods.0.start`` is the first row's ``leave_periods-1-start``."""
    by_key = {f.key: f for f in fields}
    result: dict[str, str] = {}
    for key, value in values.items():
        match = GROUP_KEY.match(key)
        if match:
            group = by_key.get(match[1])
            n = int(match[2]) + 1
            sub = next((f for f in group.fields if f.key == match[3]), None) if group else None
            if group and sub and n <= ROW_LIMIT and _fits(sub, value):
                result[row_key(group.key, n, sub.key)] = value
        elif key in by_key and not by_key[key].is_group and _fits(by_key[key], value):
            result[key] = value
    return result


def _fits(field: FormField, value: object) -> bool:
    """A value the form can show: an ISO date for a date, one of a choice's options."""
    if not isinstance(value, str) or not value:
        return False
    if field.kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
    if field.kind == "choice":
        return any(option.value == value for option in field.options)
    return True


@dataclass(frozen=True)
class Prefilled:
    """One value the form will open with, to show before it does: ``field`` (of ``group``'s
    row ``row`` for a group's field) and the text the form gets."""

    field: FormField
    value: str
    group: FormField | None = None
    row: int | None = None


def prefilled(fields: list[FormField], values: Mapping[str, str]) -> list[Prefilled]:
    """The form values ``prefill`` gives, in the form's order."""
    items: list[Prefilled] = []
    for field in fields:
        if not field.is_group:
            if field.key in values:
                items.append(Prefilled(field=field, value=values[field.key]))
            continue
        for n in range(1, ROW_LIMIT + 1):
            for sub in field.fields:
                key = field.row_key(n, sub.key)
                if key in values:
                    items.append(Prefilled(field=sub, value=values[key], group=field, row=n))
    return items
