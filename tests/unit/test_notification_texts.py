"""What the reporter reads when a unit asks, tells or refuses, in Danish and English."""

from __future__ import annotations

import lifecase_notifications.messages as messages
from lifecase_contracts.events import InfoRequested, Localized, SubcaseRejected

TITLE = Localized(da="Lønoprettelse", en="Payroll setup")


def _asked(text: str, awaits_reply: bool = True) -> InfoRequested:
    return InfoRequested(
        case_id="c",
        subcase_id="s",
        activity="payroll_setup",
        title=TITLE,
        message_id="m",
        question=text,
        asked_by="paula",
        reporter="rita",
        awaits_reply=awaits_reply,
    )


def test_a_question_quotes_itself_and_asks_for_a_reply() -> None:
    text = messages.info_requested(_asked("Hvilket lønnummer?"))
    assert text.da.startswith("Spørgsmål om »Lønoprettelse«: »Hvilket lønnummer?«")
    assert "Svar på sagen" in text.da
    assert text.en.startswith("Question about “Payroll setup”: “Hvilket lønnummer?”")


def test_a_message_asks_for_nothing() -> None:
    text = messages.info_requested(_asked("Vi går i gang", awaits_reply=False))
    assert text == Localized(
        da="Besked om »Lønoprettelse«: »Vi går i gang«",
        en="Message about “Payroll setup”: “Vi går i gang”",
    )


def test_a_long_question_is_cut_to_fit_a_notification() -> None:
    text = messages.info_requested(_asked("x" * 5000))
    assert len(text.da) < 1000 and len(text.en) < 1000
    assert "…" in text.da


def test_a_rejection_gives_the_reason() -> None:
    event = SubcaseRejected(
        case_id="c",
        subcase_id="s",
        activity="payroll_setup",
        title=TITLE,
        reason="Findes allerede",
        rejected_by="paula",
        reporter="rita",
    )
    assert messages.rejected(event) == Localized(
        da="»Lønoprettelse« er afvist. Begrundelse: Findes allerede",
        en="“Payroll setup” was rejected. Reason: Findes allerede",
    )
