"""The delivery worker: sends due deliveries, signed per the Standard Webhooks
specification, records every attempt, retries with exponential backoff, and pauses a
subscription (telling the administrators) once too many deliveries in a row have failed.

Replicas may run it side by side: a delivery is claimed by moving its due time forward
(only one replica's update matches), so each attempt is made once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook

from lifecase_contracts.events import Localized, derived_id
from lifecase_notifications.service import notify
from lifecase_notifications.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from lifecase_platform.db import SessionFactory

log = logging.getLogger(__name__)

SNIPPET_CHARS = 200
SNIPPET_BYTES = 1024
USER_AGENT = "lifecase-webhooks/1"


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard the worker tries: per-request timeout, backoff ``base * 2**(n-1)`` capped
    at ``max``, attempts per delivery, failed deliveries in a row before a pause."""

    timeout_seconds: float = 10.0
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 8
    pause_after_failures: int = 5
    poll_seconds: float = 1.0
    admins: Sequence[str] = ("ada",)
    batch: int = 20

    def backoff(self, attempt: int) -> timedelta:
        seconds = self.retry_base_seconds * 2 ** max(attempt - 1, 0)
        return timedelta(seconds=min(seconds, self.retry_max_seconds))


@dataclass(frozen=True)
class Job:
    delivery_id: str
    url: str
    secret: str
    payload: str


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    status_code: int | None
    error: str | None
    duration_ms: int
    snippet: str | None


class WebhookSender:
    def __init__(
        self,
        sessions: SessionFactory,
        policy: DeliveryPolicy,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.sessions = sessions
        self.policy = policy
        self.transport = transport

    async def run(self) -> None:
        """Send what is due, then look again after ``poll_seconds`` (at once while there is
        more)."""
        async with httpx.AsyncClient(
            timeout=self.policy.timeout_seconds,
            follow_redirects=False,  # a redirect could lead anywhere: see ADR 0025
            transport=self.transport,
            headers={"User-Agent": USER_AGENT},
        ) as client:
            while True:
                sent = await self.send_due(client)
                if sent < self.policy.batch:
                    await asyncio.sleep(self.policy.poll_seconds)

    async def send_due(self, client: httpx.AsyncClient) -> int:
        jobs = await self._claim()
        await asyncio.gather(*(self._deliver(client, job) for job in jobs))
        return len(jobs)

    async def _claim(self) -> list[Job]:
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=self.policy.timeout_seconds + 30)
        async with self.sessions() as session, session.begin():
            due = (
                await session.execute(
                    select(
                        WebhookDelivery.id,
                        WebhookDelivery.next_attempt_at,
                        WebhookDelivery.payload,
                        WebhookSubscription.url,
                        WebhookSubscription.secret,
                    )
                    .join(WebhookSubscription)
                    .where(
                        WebhookDelivery.status == "pending",
                        WebhookDelivery.next_attempt_at <= now,
                        WebhookSubscription.active,
                    )
                    .order_by(WebhookDelivery.next_attempt_at)
                    .limit(self.policy.batch)
                )
            ).all()
            jobs = []
            for delivery_id, due_at, body, url, secret in due:
                claimed = await session.execute(
                    update(WebhookDelivery)
                    .where(
                        WebhookDelivery.id == delivery_id,
                        WebhookDelivery.next_attempt_at == due_at,
                        WebhookDelivery.status == "pending",
                    )
                    .values(next_attempt_at=lease)
                )
                if getattr(claimed, "rowcount", 0) == 1:
                    jobs.append(Job(delivery_id, url, secret, body))
        return jobs

    async def _deliver(self, client: httpx.AsyncClient, job: Job) -> None:
        outcome = await self._post(client, job)
        async with self.sessions() as session, session.begin():
            await self._record(session, job, outcome)

    async def _post(self, client: httpx.AsyncClient, job: Job) -> Outcome:
        sent_at = datetime.now(UTC)
        headers = {
            "Content-Type": "application/json",
            "webhook-id": job.delivery_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": Webhook(job.secret).sign(job.delivery_id, sent_at, job.payload),
        }
        started = time.monotonic()
        status, error, snippet = None, None, None
        try:
            async with asyncio.timeout(self.policy.timeout_seconds):
                async with client.stream(
                    "POST", job.url, content=job.payload.encode(), headers=headers
                ) as response:
                    status = response.status_code
                    snippet = await _snippet(response)
        except TimeoutError:
            error = "Timeout"
        except (httpx.HTTPError, httpx.InvalidURL) as failure:
            # The kind only: an exception's text can quote the URL, and with it a token.
            error = type(failure).__name__
        duration_ms = int((time.monotonic() - started) * 1000)
        succeeded = status is not None and 200 <= status < 300
        return Outcome(succeeded, status, error, duration_ms, snippet)

    async def _record(self, session: AsyncSession, job: Job, outcome: Outcome) -> None:
        delivery = await session.get(WebhookDelivery, job.delivery_id)
        if delivery is None:
            return  # its subscription was deleted while the request was out
        # Locked: deliveries of one subscription are recorded side by side, and each
        # counts towards its failures in a row.
        sub = await session.get(WebhookSubscription, delivery.subscription_id, with_for_update=True)
        assert sub is not None  # a delivery goes with its subscription
        now = datetime.now(UTC)
        number = delivery.attempts + 1
        session.add(
            WebhookAttempt(
                id=derived_id("webhook-attempt", delivery.id, number),
                delivery_id=delivery.id,
                number=number,
                attempted_at=now,
                succeeded=outcome.succeeded,
                status_code=outcome.status_code,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
                response_snippet=outcome.snippet,
                replay=delivery.replay_requested,
            )
        )
        delivery.attempts, delivery.last_attempt_at = number, now
        delivery.replay_requested = False
        if outcome.succeeded:
            delivery.status, delivery.next_attempt_at = "succeeded", None
            sub.consecutive_failures = 0
        elif number < self.policy.max_attempts:
            delivery.next_attempt_at = now + self.policy.backoff(number)
        else:
            delivery.status, delivery.next_attempt_at = "failed", None
            sub.consecutive_failures += 1
            if sub.active and sub.consecutive_failures >= self.policy.pause_after_failures:
                await self._pause(session, sub, delivery.id)
        log.info(
            "webhook attempt",
            extra={
                "subscription_id": sub.id,
                "delivery_id": delivery.id,
                "attempt": number,
                "status_code": outcome.status_code,
                "error": outcome.error,
                "succeeded": outcome.succeeded,
            },
        )

    async def _pause(self, session: AsyncSession, sub: WebhookSubscription, cause: str) -> None:
        """Stop sending to a subscriber that keeps failing, and tell the administrators."""
        sub.active, sub.paused_reason = False, "failing"
        sub.updated_at = datetime.now(UTC)
        host = httpx.URL(sub.url).host
        failures = sub.consecutive_failures
        text = Localized(
            da=f"Webhooken til {host} er sat på pause efter {failures} mislykkede leveringer "
            "i træk. Se leveringsloggen under Administration › Webhooks, og genoptag den.",
            en=f"The webhook to {host} was paused after {failures} failed deliveries in a "
            "row. See its delivery log under Administration › Webhooks, then resume it.",
        )
        for admin in dict.fromkeys([*self.policy.admins, sub.created_by]):
            await notify(
                session=session,
                event_id=f"webhook-paused:{cause}",
                recipient=admin,
                case_id="",
                kind="webhook_paused",
                text=text,
                action_required=True,
                link=f"/admin/webhooks/{sub.id}",
            )
        log.warning("webhook subscription paused", extra={"subscription_id": sub.id})


async def _snippet(response: httpx.Response) -> str | None:
    """The start of the response body, for the log (never more: it is the subscriber's)."""
    read = b""
    async for chunk in response.aiter_bytes():
        read += chunk
        if len(read) >= SNIPPET_BYTES:
            break
    text = read[:SNIPPET_BYTES].decode("utf-8", errors="replace").strip()
    return text[:SNIPPET_CHARS] or None
