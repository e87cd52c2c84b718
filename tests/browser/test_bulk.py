"""Filing many cases of one life event from a CSV file: every row is checked first, nothing is
submitted while any row is wrong, and the rows go in with a progress bar."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, sign_in, unique_name

HEADING = (
    "employee_name;cpr;start_date;position;department;employment_type;weekly_hours;needs_laptop"
)

SOON = (today_in_denmark() + timedelta(days=7)).isoformat()


def csv_file(rows: list[str]) -> dict[str, object]:
    text = "\r\n".join([HEADING, *rows]) + "\r\n"
    return {"name": "sommervikarer.csv", "mimeType": "text/csv", "buffer": text.encode()}


def row(name: str, cpr: str = "010190-1234") -> str:
    return f"{name};{cpr};{SOON};Sommervikar;Solsikken;temporary;30;nej"


def test_a_csv_with_one_bad_row_is_refused_naming_that_row_and_nothing_is_submitted(
    page: Page, a11y: A11y, api: Api
) -> None:
    names = [unique_name("Sommer") for _ in range(3)]
    sign_in(page, a11y)
    page.get_by_role("link", name="Mange på én gang (CSV) : Ansættelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mange sager på én gang: Ansættelse")
    a11y.check(page)

    bad = [row(names[0]), row(names[1], cpr="320190-1234"), row(names[2])]
    page.get_by_label("CSV-fil").set_input_files(csv_file(bad))  # type: ignore[arg-type]
    page.get_by_role("button", name="Kontrollér filen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Filen blev ikke godkendt, og intet er indsendt")
    expect(summary).to_contain_text("1 række har fejl.")
    report = page.locator("#row-report tbody tr")
    expect(report).to_have_count(1)
    expect(report.first).to_contain_text("Række 3")
    expect(report.first).to_contain_text("CPR-nummer")
    expect(report.first).to_contain_text("Ikke et gyldigt CPR-nummer.")
    a11y.check(page)
    assert all(api.cases_of(name) == [] for name in names)

    good = [row(names[0]), row(names[1]), row(names[2])]
    page.get_by_label("CSV-fil").set_input_files(csv_file(good))  # type: ignore[arg-type]
    page.get_by_role("button", name="Kontrollér filen").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Alle 3 rækker i sommervikarer.csv er gyldige. Intet er indsendt endnu."
    )
    a11y.check(page)
    assert all(api.cases_of(name) == [] for name in names)

    page.get_by_role("button", name="Indsend alle 3 sager").click()
    expect(page.get_by_label("Indsender")).to_have_attribute("value", "3")
    expect(page.get_by_text("3 sager indsendt.")).to_be_visible()
    a11y.check(page)
    assert all(len(api.cases_of(name)) == 1 for name in names)

    page.get_by_role("link", name="Gå til mine sager").click()
    expect(page.locator("#case-list tbody tr").filter(has_text="Sommer")).to_have_count(3)
    a11y.check(page)
