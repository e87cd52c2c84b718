"""The event catalogue as an AsyncAPI 3.1 document, generated from the event models, so the
documentation cannot drift from the code (``lifecase events > docs/events/asyncapi.json``)."""

from __future__ import annotations

from typing import Any

from lifecase_contracts.events import EVENT_TYPES, STREAM_NAME, Envelope

SCHEMAS = "#/components/schemas/"


def document() -> dict[str, Any]:
    """The document; the models a payload refers to are shared component schemas (a
    payload's own ``$defs`` would be out of reach of ``$ref``s resolved from the document's
    root, which is where AsyncAPI resolves them)."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for subject, data_type in sorted(EVENT_TYPES.items()):
        name = data_type.__name__
        schema = Envelope[data_type].model_json_schema(  # type: ignore[valid-type]
            ref_template=SCHEMAS + "{model}"
        )
        for model, definition in schema.pop("$defs", {}).items():
            if schemas.setdefault(model, definition) != definition:
                raise ValueError(f"two different models are both called {model}")
        messages[name] = {
            "name": name,
            "title": subject,
            "summary": _prose((data_type.__doc__ or subject).split("\n\n")[0]),
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
        "asyncapi": "3.1.0",
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
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def markdown(doc: dict[str, Any] | None = None) -> str:
    """The catalogue as a page to browse (``docs/events/README.md``): every event, its
    subject and what its ``data`` holds, generated from the same document."""
    doc = doc or document()
    schemas = doc["components"]["schemas"]
    lines = [
        f"# {doc['info']['title']}",
        "",
        "Generated from the event models by `lifecase events --format markdown`; the machine-",
        "readable AsyncAPI document is [`asyncapi.json`](asyncapi.json).",
        "",
        doc["info"]["description"],
        "",
        "| Event | Subject | What it says |",
        "|---|---|---|",
    ]
    messages = doc["components"]["messages"]
    for name, message in messages.items():
        lines.append(f"| [{name}](#{name.lower()}) | `{message['title']}` | {message['summary']} |")
    for name, message in messages.items():
        data = schemas[name]
        required = set(data.get("required", []))
        lines += [
            "",
            f"## {name}",
            "",
            f"Subject `{message['title']}`. {_prose(data.get('description', ''))}".rstrip(),
            "",
            "| Field | Type | Required |",
            "|---|---|---|",
        ]
        for field, spec in data.get("properties", {}).items():
            lines.append(f"| `{field}` | {_type(spec)} | {'yes' if field in required else ''} |")
    return "\n".join(lines) + "\n"


def _prose(text: str) -> str:
    """A docstring as one Markdown line."""
    return " ".join(text.split()).replace("``", "`")


def _type(spec: dict[str, Any]) -> str:
    """A JSON schema's type in a few words; a model is linked to its own section."""
    if "$ref" in spec:
        model = spec["$ref"].removeprefix(SCHEMAS)
        return f"[{model}](#{model.lower()})" if model in EVENT_NAMES else model
    if "anyOf" in spec:
        return " or ".join(_type(option) for option in spec["anyOf"])
    if spec.get("type") == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if spec.get("type") == "object" and "additionalProperties" in spec:
        values = spec["additionalProperties"]
        return f"map to {_type(values) if isinstance(values, dict) else 'anything'}"
    if "enum" in spec:
        return " \\| ".join(f"`{value}`" for value in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    kind = spec.get("type", "any")
    return f"{kind} ({spec['format']})" if "format" in spec else str(kind)


EVENT_NAMES = {data_type.__name__ for data_type in EVENT_TYPES.values()}
