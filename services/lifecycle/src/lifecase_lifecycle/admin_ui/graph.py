"""A picture of a template's activities: what waits for what, which dates, which units.

Laid out in columns by how many activities stand before each (an activity that waits for
nothing is in the first column), drawn as SVG by the version page. Pure: the template in,
boxes and arrows out.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifecase_contracts.events import Localized
from lifecase_lifecycle.templates import Activity, Template

BOX_WIDTH = 230
BOX_HEIGHT = 76
COLUMN_GAP = 70
ROW_GAP = 22
MARGIN = 10


@dataclass(frozen=True)
class Box:
    key: str
    title: Localized
    unit: str | None
    date: str | None  # "start_date −21 d": the date trigger, as the template says it
    condition: str | None
    for_each: str | None
    x: int
    y: int


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    path: str  # an SVG path from the source box's right edge to the target's left edge


@dataclass(frozen=True)
class Graph:
    boxes: list[Box]
    arrows: list[Arrow]
    width: int
    height: int


def graph(template: Template) -> Graph:
    depth: dict[str, int] = {}
    activities = {a.key: a for a in template.activities}

    def column(key: str, seen: frozenset[str] = frozenset()) -> int:
        if key not in depth:
            before = [k for k in activities[key].trigger.after if k in activities and k not in seen]
            depth[key] = 1 + max((column(k, seen | {key}) for k in before), default=-1)
        return depth[key]

    rows: dict[int, int] = {}
    boxes: dict[str, Box] = {}
    for a in template.activities:
        c = column(a.key)
        r = rows.get(c, 0)
        rows[c] = r + 1
        boxes[a.key] = _box(
            a,
            MARGIN + c * (BOX_WIDTH + COLUMN_GAP),
            MARGIN + r * (BOX_HEIGHT + ROW_GAP),
        )
    arrows = [
        Arrow(source=k, target=a.key, path=_path(boxes[k], boxes[a.key]))
        for a in template.activities
        for k in a.trigger.after
        if k in boxes
    ]
    columns = max(depth.values(), default=0) + 1
    tallest = max(rows.values(), default=1)
    return Graph(
        boxes=list(boxes.values()),
        arrows=arrows,
        width=2 * MARGIN + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP,
        height=2 * MARGIN + tallest * BOX_HEIGHT + (tallest - 1) * ROW_GAP,
    )


def _box(a: Activity, x: int, y: int) -> Box:
    date = a.trigger.date
    when = None
    if date is not None:
        sign = "+" if date.days >= 0 else "−"
        when = f"{date.field} {sign}{abs(date.days)} d"
    return Box(
        key=a.key,
        title=a.title,
        unit=a.unit_hint,
        date=when,
        condition=a.when,
        for_each=a.for_each,
        x=x,
        y=y,
    )


def _path(source: Box, target: Box) -> str:
    x1, y1 = source.x + BOX_WIDTH, source.y + BOX_HEIGHT // 2
    x2, y2 = target.x - 6, target.y + BOX_HEIGHT // 2
    middle = (x1 + x2) // 2
    return f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}"
