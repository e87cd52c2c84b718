"""The conversation's FastAPI dependency, built like ``lifecase_intake.deps`` (kept apart
from it: that module imports the portal, whose pages import this)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lifecase_intake.conversation.service import AttachmentRules


def attachment_rules(request: Request) -> AttachmentRules:
    """The limits the files of a reporter's message keep to, and the scanner that sees them."""
    rules: AttachmentRules = request.app.state.attachment_rules
    return rules


AttachmentRulesDep = Annotated[AttachmentRules, Depends(attachment_rules)]
