"""What a webhook subscriber may see: the allow-list per event type, the rules for
subscriptions' addresses, event types and secrets, and the retry backoff."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from lifecase_contracts.events import (
    EVENT_TYPES,
    CaseSubmitted,
    Envelope,
    EventData,
    InfoRequested,
    Localized,
    SubcaseRejected,
    SubcaseRouted,
)
from lifecase_notifications.webhooks.payload import ALLOWED_FIELDS, NEVER, OFFERED, payload
from lifecase_notifications.webhooks.sender import DeliveryPolicy
from lifecase_notifications.webhooks.service import (
    check_event_types,
    check_secret,
    check_url,
    matches,
    new_secret,
)
from lifecase_platform.errors import Invalid

TITLE = Localized(da="Løn", en="Payroll")


def _envelope(data: EventData) -> Envelope[EventData]:
    return Envelope.wrap(data, source="test", id="event-1")


def test_every_allowed_field_is_a_field_of_its_event_and_none_is_personal() -> None:
    for event_type, fields in ALLOWED_FIELDS.items():
        assert event_type in EVENT_TYPES, event_type
        assert set(fields) <= set(EVENT_TYPES[event_type].model_fields), event_type
        assert not set(fields) & NEVER, event_type


def test_the_access_log_is_not_offered() -> None:
    assert "lifecase.access.recorded" not in OFFERED


def test_a_filed_case_goes_out_without_its_data_or_reporter() -> None:
    event = CaseSubmitted(
        case_id="case-1",
        event_type="hiring",
        template_version=2,
        reporter="rita",
        department="Børnehuset",
        data={"cpr": "0101901234", "employee_name": "Mette Hansen"},
        submitted_at=datetime(2026, 12, 7, 8, tzinfo=UTC),
    )
    body = payload(_envelope(event))
    doc = json.loads(body)
    assert doc == {
        "type": "lifecase.case.submitted",
        "id": "event-1",
        "time": doc["time"],
        "data": {
            "case_id": "case-1",
            "event_type": "hiring",
            "template_version": 2,
            "submitted_at": "2026-12-07T08:00:00Z",
        },
    }
    for personal in (b"rita", b"0101901234", b"Mette", "Børnehuset".encode()):
        assert personal not in body


def test_questions_and_reasons_stay_inside() -> None:
    question = InfoRequested(
        case_id="c",
        subcase_id="s",
        activity="payroll_setup",
        title=TITLE,
        message_id="m",
        question="Hvad er dit CPR-nummer, Mette?",
        asked_by="paula",
        reporter="rita",
    )
    rejected = SubcaseRejected(
        case_id="c",
        subcase_id="s",
        activity="payroll_setup",
        title=TITLE,
        reason="Mette er ikke ansat",
        rejected_by="paula",
        reporter="rita",
    )
    assert json.loads(payload(_envelope(question)))["data"] == {
        "case_id": "c",
        "subcase_id": "s",
        "activity": "payroll_setup",
        "message_id": "m",
        "awaits_reply": True,
    }
    for event in (question, rejected):
        body = payload(_envelope(event))
        assert b"Mette" not in body and b"paula" not in body and b"rita" not in body


def test_a_routed_subcase_carries_its_unit_queue_and_due_date() -> None:
    routed = SubcaseRouted(
        case_id="c",
        subcase_id="s",
        activity="payroll_setup",
        title=TITLE,
        queue="payroll",
        unit="payroll",
        rule="payroll-by-type",
        due_date=date(2026, 12, 14),
        reporter="rita",
    )
    data = json.loads(payload(_envelope(routed)))["data"]
    assert data["unit"] == "payroll" and data["due_date"] == "2026-12-14"
    assert "reporter" not in data and "title" not in data


def test_a_signed_payload_verifies_with_the_standard_webhooks_library() -> None:
    secret = new_secret()
    body = b'{"type":"lifecase.case.completed"}'
    now = datetime.now(UTC)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_1", now, body),
    }
    assert Webhook(secret).verify(body, headers) == {"type": "lifecase.case.completed"}
    assert check_secret(secret) == secret


@pytest.mark.parametrize(
    ("pattern", "event_type", "expected"),
    [
        ("*", "lifecase.case.submitted", True),
        ("lifecase.subcase.*", "lifecase.subcase.routed", True),
        ("lifecase.subcase.*", "lifecase.case.submitted", False),
        ("lifecase.case.submitted", "lifecase.case.submitted", True),
        ("lifecase.case", "lifecase.case.submitted", False),
    ],
)
def test_patterns_match_exact_types_and_prefixes(
    pattern: str, event_type: str, expected: bool
) -> None:
    assert matches(pattern, event_type) is expected


def test_event_types_must_be_offered_or_match_one() -> None:
    assert check_event_types(["lifecase.case.*", "lifecase.case.*", "*"]) == [
        "lifecase.case.*",
        "*",
    ]
    for bad in (["lifecase.access.recorded"], ["lifecase.nothing.*"], ["case.submitted"]):
        with pytest.raises(Invalid):
            check_event_types(bad)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.dk/x", "example.dk/hooks", "http://", "https://u:p@example.dk/", "http://a/#x"],
)
def test_addresses_must_be_plain_http_or_https(url: str) -> None:
    with pytest.raises(Invalid):
        check_url(url)


def test_local_addresses_are_allowed() -> None:
    assert check_url("http://127.0.0.1:8080/hooks") == "http://127.0.0.1:8080/hooks"


@pytest.mark.parametrize("secret", ["whsec_", "whsec_c2hvcnQ=", "abc", "whsec_!!!!"])
def test_secrets_must_be_whsec_with_enough_random_bytes(secret: str) -> None:
    with pytest.raises(Invalid):
        check_secret(secret)


def test_retries_back_off_exponentially_up_to_the_cap() -> None:
    policy = DeliveryPolicy(retry_base_seconds=30, retry_max_seconds=3600)
    assert [policy.backoff(n) for n in (1, 2, 3)] == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
    ]
    assert policy.backoff(20) == timedelta(hours=1)
