"""The errors the services raise, one hierarchy for all of them: each says what went wrong in
Danish and English (``Localized``), whether a retry could mend it, and what it means over
HTTP. Each way out maps them once: problem+json (``problems.install_problem_handlers``),
JetStream (``messaging``: a permanent error dead-letters the event at once, anything else is
redelivered) and Temporal (``lifecase_lifecycle.activities``: a permanent error fails the
activity without retries). Domain code names the error; it never picks a status code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from lifecase_contracts.events import Localized

VALIDATION = "urn:lifecase:problem:validation"


class DomainError(Exception):
    """A failure with a text for people. ``permanent``: no retry can mend it."""

    status: int = 400  # its meaning over HTTP (problem+json)
    type: str = "about:blank"
    permanent: ClassVar[bool] = True
    default: ClassVar[Localized | None] = None

    def __init__(
        self,
        text: Localized | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        type: str | None = None,
    ) -> None:
        self.text = text or self.default
        super().__init__(self.text.en if self.text else type_name(self))
        self.errors = errors
        self.headers = headers
        if type is not None:
            self.type = type


def type_name(error: Exception) -> str:
    return error.__class__.__name__


class BadRequest(DomainError):
    status = 400


class Forbidden(DomainError):
    status = 403
    type = "urn:lifecase:problem:forbidden"
    default = Localized(da="Du må ikke gøre dette.", en="You may not do this.")


class NotFound(DomainError):
    """``what`` names the missing thing: "No such case." / "Kunne ikke finde sagen."."""

    status = 404
    type = "urn:lifecase:problem:not-found"

    def __init__(self, what: Localized | None = None) -> None:
        what = what or Localized(da="ressourcen", en="resource")
        super().__init__(Localized(da=f"Kunne ikke finde {what.da}.", en=f"No such {what.en}."))


class Conflict(DomainError):
    """The request or event does not fit the current state (a completed case, a queue that
    is gone)."""

    status = 409
    type = "urn:lifecase:problem:conflict"


class TooLarge(DomainError):
    status = 413


class Invalid(DomainError):
    """Data that breaks the rules, with one entry per field (``field_error``)."""

    status = 422
    type = VALIDATION


class Unavailable(DomainError):
    """Something the request needs is down for now: a retry may work."""

    status = 503
    permanent = False


def field_error(loc: Sequence[str | int], msg: str, type: str) -> dict[str, Any]:
    """One entry of a 422 body's ``errors``: where (``["body", "data", "start_date"]``),
    what to tell the user, and a stable code. Every validation error is built here."""
    return {"loc": list(loc), "msg": msg, "type": type}


def is_permanent(error: BaseException) -> bool:
    return isinstance(error, DomainError) and error.permanent
