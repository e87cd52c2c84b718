"""What a caseworker reads when an item she holds is due soon, in Danish and English."""

from __future__ import annotations

from datetime import date

from lifecase_contracts.events import Localized, SlaDueSoon
from lifecase_notifications.handlers import CASEWORKER_NOTICES, sla_due_soon

MONDAY = date(2027, 3, 15)


def _due(on: date, assignee: str | None = "paula") -> SlaDueSoon:
    return SlaDueSoon(
        case_id="c",
        subcase_id="s",
        activity="payroll_setup",
        queue="payroll",
        due_date=on,
        reporter="rita",
        title=Localized(da="Lønoprettelse", en="Payroll setup"),
        assignee=assignee,
    )


def test_today_and_tomorrow_are_named_and_a_later_day_is_dated() -> None:
    assert sla_due_soon(_due(MONDAY), MONDAY) == Localized(
        da="»Lønoprettelse« skal være færdig i dag", en="“Payroll setup” is due today"
    )
    assert sla_due_soon(_due(date(2027, 3, 16)), MONDAY) == Localized(
        da="»Lønoprettelse« skal være færdig i morgen", en="“Payroll setup” is due tomorrow"
    )
    assert sla_due_soon(_due(date(2027, 3, 17)), MONDAY) == Localized(
        da="»Lønoprettelse« skal være færdig den 17. marts 2027",
        en="“Payroll setup” is due on 17 March 2027",
    )


def test_only_the_assignee_is_told_and_nobody_while_it_waits_in_the_queue() -> None:
    notice = CASEWORKER_NOTICES[SlaDueSoon](_due(MONDAY))
    assert (notice.kind, notice.recipients, notice.action_required) == (
        "sla_due_soon",
        ["paula"],
        False,
    )
    assert CASEWORKER_NOTICES[SlaDueSoon](_due(MONDAY, assignee=None)).recipients == []
