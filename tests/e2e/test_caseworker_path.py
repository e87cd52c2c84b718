"""The README's caseworker path on a real `lifecase run`: paula sees the payroll queue,
claims, asks rita a question, sees the reply and resolves; ada dry-runs a rule file with the
`lifecase rules` command against the running system; `lifecase operations` finds nothing
stuck and nothing dead-lettered."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.test_embedded_run import HIRING, _wait

LIFECASE = str(Path(sys.executable).parent / "lifecase")
RULES = """\
fallback_queue: triage
rules:
  - name: everything-payroll
    condition: subcase_type.startsWith("payroll.") || subcase_type.startsWith("hr.")
    queue: payroll
"""


def test_a_caseworker_claims_asks_the_reporter_sees_the_reply_and_resolves(
    running: tuple[str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    base, _process = running
    with httpx.Client(base_url=base, timeout=10) as http:

        def token(user: str) -> dict[str, str]:
            r = http.post("/api/v1/dev/token", json={"username": user})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        rita, paula = token("rita"), token("paula")
        case = http.post(
            "/api/v1/cases", headers=rita, json={"event_type": "hiring", "data": HIRING}
        ).json()

        def queued() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = http.get(
                "/api/v1/queues/payroll/items", headers=paula, params={"status": "queued"}
            ).json()["items"]
            return items

        [item] = _wait(queued, 30, "the payroll item")
        [queue] = http.get("/api/v1/queues", headers=paula).json()
        assert (queue["key"], queue["open_count"]) == ("payroll", 1)
        path = f"/api/v1/work-items/{item['id']}"
        assert http.post(f"{path}/claim", headers=paula).json()["status"] == "claimed"

        asked = http.post(
            f"{path}/request-info", headers=paula, json={"question": "Hvilket lønnummer?"}
        ).json()
        assert (asked["status"], asked["sla"]["paused"]) == ("waiting_for_reporter", True)

        def question() -> dict[str, Any] | None:
            messages = http.get(f"/api/v1/cases/{case['id']}", headers=rita).json()["messages"]
            return messages[0] if messages else None

        asked_id = _wait(question, 30, "the question on rita's case")["id"]
        reply = http.post(
            f"/api/v1/cases/{case['id']}/messages",
            headers=rita,
            json={"text": "Lønnummer 4711", "in_reply_to": asked_id},
        )
        assert reply.status_code == 201

        def answered() -> dict[str, Any] | None:
            body: dict[str, Any] = http.get(path, headers=paula).json()
            return body if body["status"] == "claimed" else None

        seen = _wait(answered, 30, "the reply to reach paula")
        assert [m["text"] for m in seen["messages"]] == [
            "Hvilket lønnummer?",
            "Lønnummer 4711",
        ]
        resolved = http.post(f"{path}/resolve", headers=paula, json={"resolution": "Oprettet"})
        assert resolved.json()["status"] == "resolved"

    rule_file = tmp_path / "rules.yaml"
    rule_file.write_text(RULES, encoding="utf-8")
    dry = subprocess.run(
        [LIFECASE, "rules", "dry-run", str(rule_file), "--url", base],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[0] == (
        "This change would move 4 of 5 items: 2 from facilities to triage; "
        "1 from it to triage; 1 from hr to payroll."
    )

    def operations(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [LIFECASE, "operations", *args, "--url", base],
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert operations("stuck").stdout == "No stuck cases.\n"
    assert operations("dead-letters").stdout == "No dead-lettered events.\n"
    missing = operations("replay", "999999")
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: 404 ")
