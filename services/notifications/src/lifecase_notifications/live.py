"""Live inbox updates: the open event streams of one process, and the one poller that tells
them when their person's notifications change.

Notifications are recorded by whichever replica's consumer took the event, so a stream cannot
wait for an in-process signal. Instead each process polls the notifications table once per
``interval`` for the people it has streams open for (one grouped statement, however many
streams), and only for a person whose unread count or newest notification changed does it
read what is new. Marking read in this process wakes the poller at once. See
docs/adr/0027-the-inbox-and-live-updates.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from lifecase_contracts.events import Localized
from lifecase_notifications import service
from lifecase_notifications.models import Notification
from lifecase_platform.db import SessionFactory
from lifecase_platform.errors import DomainError

log = logging.getLogger(__name__)

# What a stream may hold back for a client that reads slowly; past it, updates are dropped
# (the next one carries the count again).
QUEUE_SIZE = 16
# The newest unread notifications compared to find what is new for a person.
WINDOW = 20


class TooManyStreams(DomainError):
    status = 429
    type = "urn:lifecase:problem:too-many-streams"
    permanent: ClassVar[bool] = False
    default = Localized(
        da="Du har for mange åbne notifikationsstrømme. Luk nogle faner, og prøv igen.",
        en="You have too many open notification streams. Close some tabs and try again.",
    )


@dataclass(frozen=True)
class Update:
    """What a stream sends: the unread count, and the notifications that are new since."""

    unread: int
    new: tuple[Notification, ...] = ()


@dataclass
class _Person:
    streams: set[asyncio.Queue[Update | None]] = field(default_factory=set)
    unread: int = 0
    newest: datetime | None = None
    seen: set[str] = field(default_factory=set)


class InboxHub:
    """The open streams of this process, at most ``per_person`` per person and ``total`` in
    all, and the poller (``run``) that feeds them."""

    def __init__(
        self,
        sessions: SessionFactory,
        *,
        interval: float = 1.0,
        per_person: int = 5,
        total: int = 2000,
    ) -> None:
        self.sessions = sessions
        self.interval = interval
        self.per_person = per_person
        self.total = total
        self.people: dict[str, _Person] = {}
        self.wake = asyncio.Event()

    @property
    def open_streams(self) -> int:
        return sum(len(p.streams) for p in self.people.values())

    def admit(self, recipient: str) -> None:
        """Refuse another stream past the limits (before a response starts)."""
        person = self.people.get(recipient)
        if self.open_streams >= self.total or (person and len(person.streams) >= self.per_person):
            raise TooManyStreams()

    @contextlib.asynccontextmanager
    async def subscribe(self, recipient: str) -> AsyncIterator[asyncio.Queue[Update | None]]:
        """A queue of updates for ``recipient``, the first one (the current count) already
        in it; ``None`` in the queue means the process is stopping."""
        self.admit(recipient)
        person = self.people.get(recipient)
        if person is None:
            person = self.people[recipient] = _Person()
            await self._refresh(recipient, person, announce=False)
        queue: asyncio.Queue[Update | None] = asyncio.Queue(maxsize=QUEUE_SIZE)
        queue.put_nowait(Update(unread=person.unread))
        person.streams.add(queue)
        try:
            yield queue
        finally:
            person.streams.discard(queue)
            if not person.streams and self.people.get(recipient) is person:
                del self.people[recipient]

    def poke(self) -> None:
        """Something changed here (a notification read): poll now rather than at the tick."""
        self.wake.set()

    async def run(self) -> None:
        """Poll while the process runs; when it stops, end every stream."""
        try:
            while True:
                if self.people:
                    await self.poll()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.interval)
                self.wake.clear()
        finally:
            for person in self.people.values():
                for queue in person.streams:
                    _offer(queue, None)

    async def poll(self) -> None:
        """One statement for everybody with a stream; what is new only for who changed."""
        recipients = list(self.people)
        async with self.sessions() as session:
            counts = await service.unread_counts(session=session, recipients=recipients)
        for recipient in recipients:
            person = self.people.get(recipient)
            unread, newest = counts.get(recipient, (0, None))
            if person is None or (unread, newest) == (person.unread, person.newest):
                continue
            new = await self._refresh(recipient, person, announce=True)
            for queue in person.streams:
                _offer(queue, Update(unread=person.unread, new=new))

    async def _refresh(
        self, recipient: str, person: _Person, *, announce: bool
    ) -> tuple[Notification, ...]:
        """Read the person's count and newest unread notifications; with ``announce``,
        return those not seen before, oldest first."""
        async with self.sessions() as session:
            counts = await service.unread_counts(session=session, recipients=[recipient])
            newest = await service.newest_unread(session=session, recipient=recipient, limit=WINDOW)
        person.unread, person.newest = counts.get(recipient, (0, None))
        new = tuple(n for n in reversed(newest) if n.id not in person.seen) if announce else ()
        person.seen = {n.id for n in newest}
        return new


def _offer(queue: asyncio.Queue[Update | None], update: Update | None) -> None:
    try:
        queue.put_nowait(update)
    except asyncio.QueueFull:
        log.info("inbox stream behind; update dropped")
