"""Reading a bulk CSV upload: one case per row, every row checked like a form before anything
is submitted. Accepts what spreadsheets write: a byte-order mark, ``;`` or ``,`` between
values, UTF-8 or Windows-1252, column headings that are field keys or field labels, and a
choice written as its value or as its label in Danish or English ("Fastansat" for
``permanent``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lifecase_intake.portal.forms import FormField, check

MAX_ROWS = 500


@dataclass
class Row:
    """One data row; ``line`` is its line in the file (the heading is line 1)."""

    line: int
    data: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class CsvReport:
    problems: list[str]  # problems with the file as a whole, in the person's language
    rows: list[Row]

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def invalid_rows(self) -> list[Row]:
        return [r for r in self.rows if r.errors]


def template_csv(fields: list[FormField]) -> str:
    """An empty file with the right headings, for the person to fill in (a repeatable group
    has no column: the portal files such life events with the form only)."""
    out = io.StringIO()
    headings = [f.key for f in fields if not f.is_group]
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(headings)
    return out.getvalue()


def read_csv(
    raw: bytes, schema: Mapping[str, Any], fields: list[FormField], language: str
) -> CsvReport:
    def say(en: str, da: str) -> str:
        return en if language == "en" else da

    text = _decode(raw)
    if not text.strip():
        return CsvReport([say("The file is empty.", "Filen er tom.")], [])
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    heading = next(reader)
    columns, problems = _columns(heading, fields, say)
    rows: list[Row] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) == MAX_ROWS:
            problems.append(
                say(
                    f"The file has more than {MAX_ROWS} rows; split it into smaller files.",
                    f"Filen har mere end {MAX_ROWS} rækker; del den op i mindre filer.",
                )
            )
            break
        named = {key: values[i] for i, key in enumerate(columns) if key and i < len(values)}
        named = choice_values(fields, named)
        data, errors = check(schema, fields, named, language)
        if len(values) > len(columns):
            errors["_row"] = say(
                "The row has more values than headings.",
                "Rækken har flere værdier end overskrifter.",
            )
        rows.append(Row(line=reader.line_num, data=data, errors=errors))
    if not rows and not problems:
        problems.append(
            say(
                "The file has no rows below the headings.",
                "Filen har ingen rækker under overskrifterne.",
            )
        )
    return CsvReport(problems, rows)


def choice_values(fields: list[FormField], named: Mapping[str, str]) -> dict[str, str]:
    """``named`` with each choice given by its label (in either language, any case) replaced
    by the choice's value; anything else is left for ``check`` to judge."""
    labels = {
        f.key: {
            name.strip().lower(): o.value
            for o in f.options
            for name in (o.value, o.label.da, o.label.en)
        }
        for f in fields
        if f.options
    }
    return {
        key: labels.get(key, {}).get(value.strip().lower(), value) for key, value in named.items()
    }


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    first = text.splitlines()[0]
    return ";" if first.count(";") >= first.count(",") else ","


def _columns(
    heading: list[str], fields: list[FormField], say: Any
) -> tuple[list[str | None], list[str]]:
    """Each column's field key (None for an unknown column), and problems with the heading."""
    names: dict[str, str] = {}
    for f in fields:
        for name in (f.key, f.label.da, f.label.en):
            names[name.strip().lower()] = f.key
    columns = [names.get(h.strip().lower()) for h in heading]
    problems = [
        say(f"Unknown column: {h.strip()!r}.", f"Ukendt kolonne: {h.strip()!r}.")
        for h, key in zip(heading, columns, strict=True)
        if key is None and h.strip()
    ]
    missing = [f.key for f in fields if f.required and f.key not in columns]
    if missing:
        problems.append(
            say(
                f"Missing required columns: {', '.join(missing)}.",
                f"Disse påkrævede kolonner mangler: {', '.join(missing)}.",
            )
        )
    return columns, problems
