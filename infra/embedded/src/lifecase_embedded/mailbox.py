"""The embedded mode's mail server: SMTP on 127.0.0.1 in this process (``aiosmtpd``), which
keeps the newest mails it receives in memory and shows them at ``/dev/mail``. The demo's
notifications service sends to it, so nothing leaves the machine. Development only."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import escape
from typing import Any, Self

from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

PATH = "/dev/mail"
CAPACITY = 500
STYLE = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'"


@dataclass(frozen=True)
class ReceivedMail:
    id: int
    received_at: datetime
    sender: str
    to: list[str]
    subject: str
    body: str
    headers: list[tuple[str, str]]


def parse(id: int, envelope: Envelope) -> ReceivedMail:
    content = envelope.original_content or envelope.content or b""
    raw = content if isinstance(content, bytes) else content.encode()
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if isinstance(part, EmailMessage) else ""
    return ReceivedMail(
        id=id,
        received_at=datetime.now(UTC),
        sender=envelope.mail_from or "",
        to=list(envelope.rcpt_tos),
        subject=str(message.get("subject", "")),
        body=str(body),
        headers=[(k, str(v)) for k, v in message.items()],
    )


class Mailbox:
    """An in-process SMTP server that accepts every mail and keeps the newest ``capacity``.
    Its ``handle_*`` methods are aiosmtpd's handler hooks (a test overrides one to refuse)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.mails: deque[ReceivedMail] = deque(maxlen=capacity)
        self._ids = itertools.count(1)
        self._server: asyncio.Server | None = None
        self.host = "127.0.0.1"
        self.port = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host``:``port`` (0: a free port, then in ``self.port``)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="lifecase.localhost", ident="lifecase dev mailbox"),
            host=host,
            port=port,
        )
        self.host, self.port = host, self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> Self:
        if self._server is None:
            await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.mails.append(parse(next(self._ids), envelope))
        return "250 OK"

    def to(self, address: str) -> list[ReceivedMail]:
        """The mails received for ``address``, oldest first."""
        return [m for m in self.mails if address in m.to]

    # --- the page ----------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        """``/dev/mail``: the mails, newest first; ``/dev/mail/{id}``: one of them."""
        return Starlette(routes=[Route(PATH, self._list), Route(PATH + "/{id:int}", self._one)])

    async def _list(self, request: Request) -> Response:
        rows = "".join(
            f"<tr><td>{m.received_at:%Y-%m-%d %H:%M:%S}</td><td>{escape(', '.join(m.to))}</td>"
            f'<td><a href="{PATH}/{m.id}">{escape(m.subject or "(no subject)")}</a></td></tr>'
            for m in reversed(self.mails)
        )
        table = (
            "<table><caption>Newest first</caption><thead><tr><th scope=col>Received (UTC)</th>"
            f"<th scope=col>To</th><th scope=col>Subject</th></tr></thead><tbody>{rows}</tbody>"
            "</table>"
            if self.mails
            else "<p>No mail yet.</p>"
        )
        intro = (
            f"<p>What the demo sent by e-mail: the SMTP server at {self.host}:{self.port} in "
            f"this process keeps the newest {self.mails.maxlen} mails, in memory.</p>"
        )
        return _page("Mail", intro + table)

    async def _one(self, request: Request) -> Response:
        wanted = request.path_params["id"]
        mail = next((m for m in self.mails if m.id == wanted), None)
        if mail is None:
            return _page("No such mail", f'<p><a href="{PATH}">All mail</a></p>', status=404)
        headers = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in mail.headers)
        return _page(
            mail.subject or "(no subject)",
            f'<p><a href="{PATH}">All mail</a></p><dl>{headers}</dl><pre>{escape(mail.body)}</pre>',
        )


def _page(title: str, main: str, status: int = 200) -> Response:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} – lifecase dev mail</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}"
        "td,th{text-align:left;padding:.3rem .8rem .3rem 0;border-bottom:1px solid #ccc}"
        "pre{white-space:pre-wrap;background:#f3f2f1;padding:1rem}dt{font-weight:600}"
        "</style></head><body><main>"
        f"<h1>{escape(title)}</h1>{main}</main></body></html>"
    )
    headers: dict[str, Any] = {"Content-Security-Policy": STYLE, "Cache-Control": "no-store"}
    return HTMLResponse(html, status_code=status, headers=headers)
