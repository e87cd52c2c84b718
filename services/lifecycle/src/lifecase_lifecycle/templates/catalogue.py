"""The templates that ship with lifecycle (``lifecase_lifecycle/catalogue/*.yaml``)."""

from __future__ import annotations

from pathlib import Path

from lifecase_lifecycle.templates.model import Template
from lifecase_lifecycle.templates.source import parse_template

CATALOGUE_DIR = Path(__file__).parents[1] / "catalogue"


def load_template(path: Path) -> Template:
    return parse_template(path.read_text(encoding="utf-8"))


def load_catalogue(directory: Path = CATALOGUE_DIR) -> list[Template]:
    return [load_template(p) for p in sorted(directory.glob("*.yaml"))]
