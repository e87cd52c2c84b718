"""The event catalogue as an AsyncAPI 3.0 document, generated from the event models, so the
documentation cannot drift from the code (``lifecase events > docs/events/asyncapi.json``)."""

from __future__ import annotations

from typing import Any

from lifecase_contracts.events import EVENT_TYPES, STREAM_NAME, Envelope


def document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for subject, data_type in sorted(EVENT_TYPES.items()):
        name = data_type.__name__
        schema = Envelope[data_type].model_json_schema()  # type: ignore[valid-type]
        messages[name] = {
            "name": name,
            "title": subject,
            "summary": (data_type.__doc__ or "").strip().split("\n")[0] or subject,
            "contentType": "application/json",
            "payload": schema,
        }
        channels[name] = {
            "address": subject,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        operations[f"publish{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "lifecase events",
            "version": "1",
            "description": (
                f"Every event is a CloudEvents 1.0 envelope (structured JSON) on the JetStream "
                f"stream {STREAM_NAME}. The subject is the event type; the event id is the "
                "Nats-Msg-Id, so a repeated publish is dropped as a duplicate."
            ),
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
