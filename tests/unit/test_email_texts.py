"""What an e-mail says, in Danish and English, and when a failed one is tried again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lifecase_notifications.email import texts
from lifecase_notifications.email.config import EmailConfig
from lifecase_notifications.email.kinds import KINDS, default_choice
from lifecase_notifications.email.queue import digest_cutoff
from lifecase_notifications.email.sender import MAX_BACKOFF, backoff

LINK = "https://lifecase.example.dk/portal/cases/c1"
PREFS = "https://lifecase.example.dk/notifications/preferences"


def test_a_question_is_mailed_in_danish_with_its_text_and_links() -> None:
    mail = texts.immediate(
        kind="info_requested",
        text="Spørgsmål om »Løn«: »Hvilket lønnummer?«",
        link=LINK,
        preferences_link=PREFS,
        language="da",
    )
    assert mail.subject == "lifecase: Du har fået et spørgsmål om din sag"
    assert mail.body.startswith("Hej\n\nSpørgsmål om »Løn«: »Hvilket lønnummer?«\n\n")
    assert f"Åbn i lifecase: {LINK}" in mail.body
    assert f"Skift hvad du får e-mail om: {PREFS}" in mail.body
    assert "»Spørgsmål til dig«" in mail.body  # why they get it: their choice for the kind


def test_the_english_mail_is_english_throughout() -> None:
    mail = texts.immediate(
        kind="case_completed",
        text="Your case is done.",
        link=LINK,
        preferences_link=PREFS,
        language="en",
    )
    assert mail.subject == "lifecase: Your case is complete"
    assert mail.body.startswith("Hello,\n\nYour case is done.\n\n")
    assert f"Open it in lifecase: {LINK}" in mail.body
    assert "“Completed cases”" in mail.body
    for danish in ("Hej", "sagen", "Venlig hilsen"):
        assert danish not in mail.body


def test_a_kind_without_its_own_subject_gets_a_general_one() -> None:
    mail = texts.immediate(
        kind="something_new", text="x", link=LINK, preferences_link=PREFS, language="da"
    )
    assert mail.subject == "lifecase: Nyt om din sag"


def test_a_digest_lists_each_notice_with_its_link_and_counts_them() -> None:
    lines = [
        texts.DigestLine("Opgave A er sendt videre", LINK),
        texts.DigestLine("B er løst", LINK),
    ]
    da = texts.digest(lines=lines, preferences_link=PREFS, language="da")
    assert da.subject == "lifecase: dagens nyt om dine sager (2)"
    assert f"- Opgave A er sendt videre\n  {LINK}\n\n- B er løst\n  {LINK}" in da.body
    en = texts.digest(lines=lines, preferences_link=PREFS, language="en")
    assert en.subject == "lifecase: today's news about your cases (2)"


def test_questions_and_stops_come_at_once_and_progress_waits_for_the_digest() -> None:
    assert KINDS["info_requested"].default == "immediately"
    assert KINDS["case_planning_failed"].default == "immediately"
    assert KINDS["subcase_routed"].default == "digest"
    assert default_choice("unheard_of", action_required=True) == "immediately"
    assert default_choice("unheard_of") == "digest"


def test_retries_wait_twice_as_long_each_time_up_to_a_cap() -> None:
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(40, 30) == MAX_BACKOFF


def test_the_digest_moment_is_the_last_one_passed_in_danish_time() -> None:
    winter_morning = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)  # 07:30 in Copenhagen
    assert digest_cutoff(winter_morning, 7) == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    assert digest_cutoff(winter_morning, 8) == datetime(2026, 12, 6, 7, 0, tzinfo=UTC)
    summer_evening = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)  # 22:00 in Copenhagen
    assert digest_cutoff(summer_evening, 7) == datetime(2026, 7, 1, 5, 0, tzinfo=UTC)
    assert digest_cutoff(summer_evening - timedelta(hours=16), 7) == datetime(
        2026, 6, 30, 5, 0, tzinfo=UTC
    )


def test_links_join_the_public_url_and_a_path() -> None:
    config = EmailConfig(public_url="https://lifecase.example.dk/")
    assert config.link("/portal/cases/c1") == LINK
    assert config.preferences_link == PREFS
