"""Rate limits per user and endpoint class: filing cases, searching, administration. A caller
over the limit gets 429 problem+json with ``Retry-After`` before anything happens.

Counters live in ``rate_limit_storage`` (``memory://`` per process by default; a shared
store such as ``redis://host:6379`` makes the limit hold across replicas), counted in a
moving window by the ``limits`` library."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal, current_principal
from lifecase_platform.errors import DomainError
from lifecase_platform.settings import PlatformSettings
from lifecase_platform.webui.session import page_user

Kind = Literal["filing", "search", "admin"]


class TooManyRequests(DomainError):
    """The limit holds for now: a later try may pass."""

    status = 429
    permanent = False

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            Localized(
                da=f"For mange forespørgsler af denne slags. Prøv igen om {retry_after} s.",
                en=f"Too many requests of this kind. Try again in {retry_after} s.",
            ),
            type="urn:lifecase:problem:rate-limited",
            headers={"Retry-After": str(retry_after)},
        )


class RateLimits:
    """The limits of one service, from its settings."""

    def __init__(self, settings: PlatformSettings) -> None:
        storage = settings.rate_limit_storage
        self.limiter = MovingWindowRateLimiter(storage_from_string(f"async+{storage}"))
        self.items: dict[Kind, RateLimitItem] = {
            "filing": parse(settings.rate_limit_filing),
            "search": parse(settings.rate_limit_search),
            "admin": parse(settings.rate_limit_admin),
        }

    async def hit(self, kind: Kind, username: str) -> None:
        """Count one request of ``kind`` by ``username``; refuse it over the limit."""
        item = self.items[kind]
        if await self.limiter.hit(item, kind, username):
            return
        stats = await self.limiter.get_window_stats(item, kind, username)
        raise TooManyRequests(max(1, math.ceil(stats.reset_time - time.time())))


def limited(kind: Kind) -> Callable[..., Awaitable[None]]:
    """A dependency for an API route: the caller (bearer token) is counted against ``kind``."""

    async def check(request: Request, user: Principal = Depends(current_principal)) -> None:
        await count(request, kind, user)

    return check


async def count(request: Request, kind: Kind, user: Principal) -> None:
    """Count a request of ``kind`` (for pages, which know their user another way)."""
    limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
    if limits is not None:
        await limits.hit(kind, user.username)


def limited_page(kind: Kind) -> Callable[..., Awaitable[None]]:
    """A dependency for a page route: the signed-in person is counted against ``kind``."""

    async def check(request: Request, user: Principal = Depends(page_user)) -> None:
        await count(request, kind, user)

    return check
