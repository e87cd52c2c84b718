"""Signing a person out everywhere: an admin revokes every token a user holds, and from then
on no service accepts a token of theirs issued before that moment.

The revocations live in a NATS JetStream key-value bucket (key: the username, value: the
second of the revocation), kept for as long as a token may live; every service watches the
bucket and checks each token against it (``RevocationCheck``), so a revocation reaches all
replicas of all services within moments, and survives restarts."""

from __future__ import annotations

import asyncio
import logging
import time

from nats.js import JetStreamContext
from nats.js.errors import BucketNotFoundError
from nats.js.kv import KeyValue

from lifecase_platform.auth import InvalidToken, Principal, TokenVerifier
from lifecase_platform.tasks import stopping

log = logging.getLogger(__name__)

BUCKET = "lifecase_revocations"


async def bucket(js: JetStreamContext, *, ttl_seconds: float) -> KeyValue:
    """The revocations bucket; a revocation outlives every token it revokes."""
    try:
        return await js.key_value(BUCKET)
    except BucketNotFoundError:
        return await js.create_key_value(bucket=BUCKET, history=1, ttl=ttl_seconds)


async def revoke(js: JetStreamContext, username: str, *, ttl_seconds: float) -> int:
    """Revoke every token of ``username`` issued up to now; returns the second it holds."""
    now = int(time.time())
    await (await bucket(js, ttl_seconds=ttl_seconds)).put(username, str(now).encode())
    return now


class Revocations:
    """The revocations this process knows of, kept current by ``watch``."""

    def __init__(self) -> None:
        self.revoked_at: dict[str, int] = {}

    def revoked(self, principal: Principal) -> bool:
        at = self.revoked_at.get(principal.username)
        return at is not None and (principal.issued_at or 0) <= at

    async def watch(self, js: JetStreamContext, *, ttl_seconds: float) -> None:
        """Follow the bucket for good: every value now in it, then every change."""
        kv = await bucket(js, ttl_seconds=ttl_seconds)
        watcher = await kv.watchall()
        try:
            while not stopping():
                try:
                    entry = await watcher.updates(timeout=1)  # type: ignore[no-untyped-call]
                except TimeoutError:
                    continue
                if entry is None or entry.value is None:
                    continue  # the end of the initial values, or a deleted key
                try:
                    self.revoked_at[entry.key] = int(entry.value.decode())
                except ValueError:
                    log.warning("unreadable revocation ignored")
        finally:
            await watcher.stop()  # type: ignore[no-untyped-call]
        raise asyncio.CancelledError


class RevocationCheck:
    """A token verifier that also refuses tokens revoked after they were issued."""

    def __init__(self, inner: TokenVerifier, revocations: Revocations) -> None:
        self.inner = inner
        self.revocations = revocations

    def verify(self, token: str) -> Principal:
        principal = self.inner.verify(token)
        if self.revocations.revoked(principal):
            raise InvalidToken("token revoked")
        return principal
