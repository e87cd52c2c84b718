"""The picture of a template's activities: what waits for what stands to its right, with
an arrow from each activity to the ones that wait for it."""

from __future__ import annotations

from lifecase_lifecycle.admin_ui.graph import BOX_WIDTH, graph
from lifecase_lifecycle.templates import CATALOGUE_DIR, load_template


def test_activities_stand_after_what_they_wait_for_with_an_arrow_between() -> None:
    picture = graph(load_template(CATALOGUE_DIR / "parental_leave.yaml"))
    boxes = {b.key: b for b in picture.boxes}
    assert boxes["leave_periods"].x < boxes["payroll_adjustment"].x < boxes["reimbursement_claim"].x
    assert boxes["partner_leave_periods"].x == boxes["leave_periods"].x
    assert boxes["partner_leave_periods"].y > boxes["leave_periods"].y
    assert {(a.source, a.target) for a in picture.arrows} == {
        ("leave_periods", "payroll_adjustment"),
        ("payroll_adjustment", "reimbursement_claim"),
        ("partner_leave_periods", "partner_payroll_adjustment"),
    }
    claim = boxes["reimbursement_claim"]
    assert claim.date == "leave_periods.start +0 d" and claim.for_each == "leave_periods"
    assert boxes["partner_leave_periods"].condition == "partner_employed"
    assert picture.width >= claim.x + BOX_WIDTH


def test_dates_before_a_field_read_with_a_minus() -> None:
    hiring = graph(load_template(CATALOGUE_DIR / "hiring.yaml"))
    it = next(b for b in hiring.boxes if b.key == "it_equipment")
    assert it.date == "start_date −21 d" and it.unit == "it"
    assert hiring.arrows == []  # nothing in hiring waits for another activity
