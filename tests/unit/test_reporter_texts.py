"""The texts intake's timeline and notifications' notices both tell the reporter have one home
(``lifecase_contracts.reporter_texts``); each service keeps its own wording where they differ."""

from __future__ import annotations

from datetime import UTC, datetime

import lifecase_notifications.messages as messages
from lifecase_contracts import reporter_texts
from lifecase_contracts.events import (
    CaseCompleted,
    CasePlanningFailed,
    Localized,
    SubcaseResolved,
    SubcaseRouted,
)

TITLE = Localized(da="Lønoprettelse", en="Payroll setup")
PAYROLL = Localized(da="Løn", en="Payroll")


def test_routed_says_where_the_subcase_went() -> None:
    assert reporter_texts.routed(TITLE, "payroll", PAYROLL) == Localized(
        da="»Lønoprettelse« er sendt til Løn.", en="“Payroll setup” went to Payroll."
    )
    assert reporter_texts.routed(TITLE, "payroll", PAYROLL, notice=True) == Localized(
        da="»Lønoprettelse« er sendt til Løn.", en="“Payroll setup” was sent to Payroll."
    )
    assert reporter_texts.routed(TITLE, "payroll").en == "“Payroll setup” went to payroll."


def test_resolved_and_completed_keep_each_services_wording() -> None:
    assert reporter_texts.resolved(TITLE) == Localized(
        da="»Lønoprettelse« er løst.", en="“Payroll setup” was resolved."
    )
    assert reporter_texts.resolved(TITLE, notice=True).en == "“Payroll setup” is resolved."
    assert reporter_texts.completed() == Localized(
        da="Hele sagen er afsluttet.", en="The whole case is completed."
    )
    assert reporter_texts.completed(notice=True).da == (
        "Hele sagen er afsluttet: alle delsager er løst."
    )


def test_notifications_send_the_notice_wording() -> None:
    routed = SubcaseRouted(
        case_id="c",
        subcase_id="s",
        activity="payroll_setup",
        title=TITLE,
        queue="payroll",
        unit="payroll",
        rule="r",
        due_date=None,
        reporter="rita",
        unit_name=PAYROLL,
    )
    assert messages.routed(routed) == reporter_texts.routed(TITLE, "payroll", PAYROLL, notice=True)
    resolved = SubcaseResolved(
        case_id="c",
        subcase_id="s",
        activity="payroll_setup",
        title=TITLE,
        resolution="done",
        resolved_by="paula",
        reporter="rita",
    )
    assert messages.resolved(resolved) == reporter_texts.resolved(TITLE, notice=True)
    now = datetime.now(UTC)
    completed = CaseCompleted(case_id="c", event_type="hiring", reporter="rita", completed_at=now)
    assert messages.completed(completed) == reporter_texts.completed(notice=True)
    failed = CasePlanningFailed(case_id="c", event_type="hiring", reporter="rita", failed_at=now)
    assert messages.planning_failed(failed) == reporter_texts.planning_failed()


def test_a_rejection_quotes_at_most_the_limit_of_its_reason() -> None:
    text = reporter_texts.rejected(TITLE, "x" * 5000)
    assert text.da.endswith("…") and len(text.da) < reporter_texts.QUOTE_LIMIT + 100
    assert reporter_texts.quote(" to\n  linjer ") == "to linjer"
