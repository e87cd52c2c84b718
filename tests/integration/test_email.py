"""E-mail notifications: a question mails the reporter at once, in her language, with a link
and nothing of the case's data; a kind turned off mails nothing; a server that refuses gets
the mail on a later attempt; the daily digest gathers what waited into one mail. A real SMTP
server (aiosmtpd) in the test's process receives them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import func, select

from lifecase_embedded.mailbox import Mailbox, ReceivedMail
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_notifications.email import EmailConfig, send_digests
from lifecase_notifications.email.models import DigestEntry, OutgoingMail
from lifecase_platform.workdays import DANISH_TIME
from tests.support import Api, hiring_data, page_client, wait_for
from tests.workspace import act, put, routed_hiring, subcase_in

pytestmark = pytest.mark.integration

PUBLIC_URL = "https://lifecase.example.dk"
RITA = "rita@demo.lifecase.dk"
PROBLEM = "application/problem+json"
# Twelve hours from now: the background digest never falls due while a test runs.
DIGEST_HOUR = (datetime.now(DANISH_TIME).hour + 12) % 24


class FussyMailbox(Mailbox):
    """Refuses the next ``refusals`` recipients for now (451), then accepts as usual."""

    def __init__(self) -> None:
        super().__init__()
        self.refusals = 0
        self.refused = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refused < self.refusals:
            self.refused += 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
async def mailbox() -> AsyncIterator[FussyMailbox]:
    async with FussyMailbox() as box:
        yield box


@pytest.fixture
def system_config(system_config: SystemConfig, mailbox: FussyMailbox) -> SystemConfig:
    system_config.notifications = {
        "smtp_host": mailbox.host,
        "smtp_port": mailbox.port,
        "smtp_tls": "none",
        "public_url": PUBLIC_URL,
        "email_poll_seconds": 0.1,
        "email_retry_seconds": 0.2,
        "email_digest_hour": DIGEST_HOUR,
    }
    return system_config


async def ask_rita(api: Api) -> dict[str, object]:
    """A hiring case filed by rita, whose payroll task paula claims and asks about."""
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")
    assert (await act(api, payroll["id"], "claim")).status_code == 200
    asked = await act(api, payroll["id"], "request-info", question="Hvilket lønnummer?")
    assert asked.status_code == 200, asked.text
    return case


async def mails(system: EmbeddedSystem, **where: object) -> list[OutgoingMail]:
    async with system.notifications.app.state.sessions() as session:
        rows = await session.scalars(select(OutgoingMail).filter_by(**where))
        return list(rows)


async def test_a_question_mails_the_reporter_in_danish_with_a_link_and_no_case_data(
    api: Api, system: EmbeddedSystem, mailbox: FussyMailbox
) -> None:
    case = await ask_rita(api)

    async def received() -> list[ReceivedMail]:
        return mailbox.to(RITA)

    [mail] = await wait_for(received, what="the question's mail to rita")
    assert mail.subject == "lifecase: Du har fået et spørgsmål om din sag"
    assert "Spørgsmål om »Lønoprettelse«: »Hvilket lønnummer?«" in mail.body
    assert f"{PUBLIC_URL}/portal/cases/{case['id']}" in mail.body
    assert f"{PUBLIC_URL}/notifications/preferences" in mail.body
    assert ("Content-Language", "da") in mail.headers
    data = hiring_data()
    for personal in (data["cpr"], data["employee_name"], "Rita Reporter", data["position"]):
        assert personal not in mail.body and personal not in mail.subject

    async def recorded() -> list[OutgoingMail]:
        return await mails(system, kind="info_requested", status="sent")

    [sent] = await wait_for(recorded, what="the mail recorded as sent")
    assert (sent.to_address, sent.language, sent.attempts) == (RITA, "da", 1)
    assert sent.sent_at is not None and sent.last_error is None
    # Progress (five tasks routed) waits for the digest: no other mail went out.
    assert len(mailbox.to(RITA)) == 1


async def test_a_kind_turned_off_mails_nothing(
    api: Api, system: EmbeddedSystem, mailbox: FussyMailbox
) -> None:
    turned_off = await put(
        api,
        "/api/v1/notifications/preferences",
        as_="rita",
        json={"language": "da", "kinds": {"info_requested": "off"}},
    )
    assert turned_off.status_code == 200, turned_off.text
    choices = {k["kind"]: k["choice"] for k in turned_off.json()["kinds"]}
    assert choices["info_requested"] == "off"
    assert choices["case_completed"] == "immediately"  # left out: its default

    await ask_rita(api)

    async def notified() -> bool:
        notes = (await api.get("/api/v1/notifications", as_="rita")).json()
        return any(n["kind"] == "info_requested" for n in notes)

    await wait_for(notified, what="the in-app notice of the question")
    # A mail is queued in the notice's own transaction: none now means none ever.
    assert await mails(system, recipient="rita") == []
    assert mailbox.to(RITA) == []


async def test_preferences_show_the_defaults_and_refuse_unknown_kinds_and_choices(
    api: Api,
) -> None:
    shown = await api.get("/api/v1/notifications/preferences", as_="paula")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["address"], body["language"]) == ("paula@demo.lifecase.dk", "da")
    kinds = {k["kind"]: k["choice"] for k in body["kinds"]}
    assert kinds == {
        "reply_filed": "immediately",
        "sla_breached": "immediately",
        "sla_due_soon": "immediately",
    }

    for wrong in (
        {"language": "da", "kinds": {"no_such_kind": "off"}},
        {"language": "da", "kinds": {"info_requested": "weekly"}},
        {"language": "de"},
        {"language": "da", "address": "someone@else.dk"},
    ):
        refused = await put(api, "/api/v1/notifications/preferences", as_="rita", json=wrong)
        assert refused.status_code == 422, (wrong, refused.text)
        assert refused.headers["content-type"].startswith(PROBLEM)
    english = await put(
        api, "/api/v1/notifications/preferences", as_="rita", json={"language": "en"}
    )
    assert english.json()["language"] == "en"
    anonymous = await api.get("/api/v1/notifications/preferences", as_=None)
    assert anonymous.status_code == 401


async def test_a_refusing_server_gets_the_mail_on_the_third_attempt(
    api: Api, system: EmbeddedSystem, mailbox: FussyMailbox
) -> None:
    mailbox.refusals = 2
    await ask_rita(api)

    async def received() -> list[ReceivedMail]:
        return mailbox.to(RITA)

    await wait_for(received, what="the mail once the server takes it")

    async def recorded() -> list[OutgoingMail]:
        return await mails(system, kind="info_requested", status="sent")

    [sent] = await wait_for(recorded, what="the mail recorded as sent")
    assert (sent.status, sent.attempts, mailbox.refused) == ("sent", 3, 2)
    assert sent.last_error is not None and "451" in sent.last_error
    assert RITA not in sent.last_error


async def test_the_digest_gathers_what_waited_into_one_mail(
    api: Api, system: EmbeddedSystem, mailbox: FussyMailbox
) -> None:
    case = await routed_hiring(api)  # five tasks routed: "digest" by default
    sessions = system.notifications.app.state.sessions

    async def waiting() -> int:
        async with sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(DigestEntry)) or 0)

    async def five_waiting() -> bool:
        return await waiting() >= 5

    await wait_for(five_waiting, what="five notices waiting for the digest")
    config = EmailConfig(public_url=PUBLIC_URL)
    before = datetime.now(UTC)
    async with sessions() as session, session.begin():
        assert await send_digests(session=session, config=config, now=before, hour=DIGEST_HOUR) == 0
    tomorrow = before + timedelta(days=1)
    async with sessions() as session, session.begin():
        assert (
            await send_digests(session=session, config=config, now=tomorrow, hour=DIGEST_HOUR) == 1
        )
    async with sessions() as session, session.begin():  # again: nothing left to gather
        assert (
            await send_digests(session=session, config=config, now=tomorrow, hour=DIGEST_HOUR) == 0
        )
    assert await waiting() == 0

    async def received() -> list[ReceivedMail]:
        return mailbox.to(RITA)

    [digest] = await wait_for(received, what="the digest mail")
    assert digest.subject == "lifecase: dagens nyt om dine sager (5)"
    assert digest.body.count(f"{PUBLIC_URL}/portal/cases/{case['id']}") == 5
    assert hiring_data()["cpr"] not in digest.body


async def test_the_preferences_page_shows_and_saves_the_choices_in_both_languages(
    api: Api, system: EmbeddedSystem
) -> None:
    page = "/notifications/preferences/"
    bare = await api.client.get("/notifications/preferences")  # the address in the mails
    assert (bare.status_code, bare.headers["location"]) == (307, page)
    anonymous = await api.client.get(page)
    assert anonymous.headers["location"].startswith("/notifications/preferences/sign-in")
    async with page_client(system.app, "/notifications/preferences", "rita") as rita:
        shown = await rita.get(page)
        assert shown.status_code == 200, shown.text
        assert "Indstillinger for e-mail" in shown.text
        assert RITA in shown.text
        assert 'name="kind-info_requested" value="immediately" checked' in shown.text
        assert "kind-sla_breached" not in shown.text  # a caseworker's kind
        assert "E-mail preferences" in (await rita.get(page + "?lang=en")).text

        saved = await rita.post(
            page,
            data={"language": "en", "kind-info_requested": "digest", "kind-case_completed": "off"},
        )
        assert saved.status_code == 303
        again = await rita.get(saved.headers["location"])
        assert "Your choices are saved." in again.text
        assert 'name="kind-info_requested" value="digest" checked' in again.text

        tampered = await rita.post(page, data={"language": "da", "kind-info_requested": "hourly"})
        assert tampered.status_code == 422
    stored = (await api.get("/api/v1/notifications/preferences", as_="rita")).json()
    choices = {k["kind"]: k["choice"] for k in stored["kinds"]}
    assert stored["language"] == "en"
    assert (choices["info_requested"], choices["case_completed"]) == ("digest", "off")
    assert choices["subcase_rejected"] == "immediately"  # not in the form's post: the default
