"""Charts as inline SVG, drawn on the server: no script, no inline style (the pages' content
security policy allows neither), legible in print.

Every chart is an image with a name and a description (``role="img"``, ``<title>``,
``<desc>``); its numbers are written on it, and series differ by pattern, dash and marker as
well as by colour, so nothing is told by colour alone. The page puts the same numbers in a
table beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from markupsafe import Markup, escape

WIDTH = 760
LABEL_WIDTH = 210
VALUE_ROOM = 110
ROW = 22
GAP = 10
FONT = 13
TEXT = "#1a1a1a"
AXIS = "#6f777b"
# Okabe-Ito colours (told apart with colour-blindness too), each with its own pattern.
STYLES = (
    ("#0072b2", "solid"),
    ("#e69f00", "hatch"),
    ("#009e73", "dots"),
    ("#d55e00", "cross"),
    ("#cc79a7", "hatch-back"),
    ("#56b4e9", "dots"),
)
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "1 2")
Number = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    number: Number,
    stacked: bool = False,
    styles: Sequence[int] | None = None,
) -> Markup:
    """Horizontal bars, one group per category: side by side, or ``stacked`` in one bar."""
    picks = list(styles) if styles is not None else list(range(len(series)))
    per_group = 1 if stacked else len(series)
    group = per_group * ROW + GAP
    top = _legend_height(series)
    height = top + max(len(categories), 1) * group + 24
    totals = [
        sum(v or 0.0 for v in (s.values[i] for s in series)) if stacked else 0.0
        for i in range(len(categories))
    ]
    peak = max([*totals, *(v or 0.0 for s in series for v in s.values), 1e-9])
    label_width = min(max([LABEL_WIDTH, *(7.5 * len(c) + 12 for c in categories)]), 340)
    scale = (WIDTH - label_width - VALUE_ROOM) / peak
    parts = [_defs(chart_id, picks), _legend(chart_id, series, picks)]
    for i, category in enumerate(categories):
        y0 = top + i * group
        parts.append(_text(label_width - 8, y0 + per_group * ROW / 2 + 4, category, "end"))
        x = float(label_width)
        for j, s in enumerate(series):
            value = s.values[i]
            width = (value or 0.0) * scale
            y = y0 if stacked else y0 + j * ROW
            parts.append(_bar(chart_id, picks[j], x, y + 2, width, ROW - 4))
            if stacked:
                if value and width >= 28:
                    parts.append(_label_box(x + width / 2, y + ROW / 2 + 4, number(value)))
                x += width
            else:
                shown = "–" if value is None else number(value)
                parts.append(_text(x + width + 6, y + ROW / 2 + 4, shown))
        if stacked:
            parts.append(_text(x + 6, y0 + ROW / 2 + 4, number(totals[i])))
    parts.append(_line(label_width, top - 4, label_width, height - 20))
    return _svg(chart_id, title, description, height, parts)


def lines(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    number: Number,
) -> Markup:
    """One line per series over ``x_labels``; each line ends with its last value."""
    top = _legend_height(series) + 8
    left, right, plot_height = 56, WIDTH - VALUE_ROOM - 40, 220
    bottom = top + plot_height
    peak = _nice(max([*(v or 0.0 for s in series for v in s.values), 1.0]))
    steps = max(len(x_labels) - 1, 1)
    picks = list(range(len(series)))
    parts = [_defs(chart_id, picks), _legend(chart_id, series, picks, lines=True)]
    for k in range(5):
        value = peak * k / 4
        y = bottom - plot_height * k / 4
        parts.append(_line(left, y, right, y, colour="#dddddd" if k else AXIS))
        parts.append(_text(left - 6, y + 4, number(value), "end"))
    every = max(1, round(len(x_labels) / 7))
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == len(x_labels) - 1:
            x = left + (right - left) * i / steps
            parts.append(_line(x, bottom, x, bottom + 5, colour=AXIS))
            parts.append(_text(x, bottom + 20, label, "middle"))
    for j, s in enumerate(series):
        points = [
            (left + (right - left) * i / steps, bottom - plot_height * v / peak)
            for i, v in enumerate(s.values)
            if v is not None
        ]
        parts.append(_polyline(points, j))
        if len(points) <= 31:
            parts.extend(_marker(x, y, j) for x, y in points)
        last = next((v for v in reversed(s.values) if v is not None), None)
        if points and last is not None and len(series) <= 2:
            x, y = points[-1]
            parts.append(_text(x + 8, y + 4, f"{number(last)} {s.name}"))
    return _svg(chart_id, title, description, bottom + 32, parts)


def _svg(chart_id: str, title: str, description: str, height: float, parts: list[str]) -> Markup:
    body = "".join(parts)
    return Markup(
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _defs(chart_id: str, picks: Sequence[int]) -> str:
    patterns = []
    for pick in sorted(set(picks)):
        colour, kind = STYLES[pick % len(STYLES)]
        pid = f"{chart_id}-p{pick}"
        mark = {
            "solid": "",
            "hatch": '<path d="M0 8 L8 0" stroke="#ffffff" stroke-width="2"/>',
            "hatch-back": '<path d="M0 0 L8 8" stroke="#ffffff" stroke-width="2"/>',
            "dots": '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
            "cross": '<path d="M0 0 L8 8 M0 8 L8 0" stroke="#ffffff" stroke-width="1.5"/>',
        }[kind]
        patterns.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{mark}</pattern>'
        )
    return f"<defs>{''.join(patterns)}</defs>"


def _legend_height(series: Sequence[Series]) -> int:
    return 30 if len(series) > 1 else 8


def _legend(
    chart_id: str, series: Sequence[Series], picks: Sequence[int], *, lines: bool = False
) -> str:
    if len(series) < 2:
        return ""
    parts, x = [], float(LABEL_WIDTH if not lines else 56)
    for j, s in enumerate(series):
        if lines:
            parts.append(_polyline([(x, 12), (x + 28, 12)], j))
            parts.append(_marker(x + 14, 12, j))
        else:
            parts.append(_bar(chart_id, picks[j], x, 4, 18, 16))
        parts.append(_text(x + 34, 17, s.name))
        x += 34 + 8 * len(s.name) + 24
    return "".join(parts)


def _bar(chart_id: str, pick: int, x: float, y: float, width: float, height: float) -> str:
    colour = STYLES[pick % len(STYLES)][0]
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" '
        f'fill="url(#{chart_id}-p{pick})" stroke="{colour}" stroke-width="1"/>'
    )


def _polyline(points: Sequence[tuple[float, float]], j: int) -> str:
    colour = STYLES[j % len(STYLES)][0]
    dash = DASHES[j % len(DASHES)]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dashed}/>'


def _marker(x: float, y: float, j: int) -> str:
    colour = STYLES[j % len(STYLES)][0]
    shape = j % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    return (
        f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y + 3.5:.1f} '
        f'L{x - 4.5:.1f} {y + 3.5:.1f} Z" fill="{colour}"/>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{TEXT}">{escape(text)}</text>'
    )


def _label_box(x: float, y: float, text: str) -> str:
    width = 8 * len(text) + 6
    return (
        f'<rect x="{x - width / 2:.1f}" y="{y - 13:.1f}" width="{width}" height="17" '
        f'fill="#ffffff" rx="2"/>{_text(x, y, text, "middle")}'
    )


def _line(x1: float, y1: float, x2: float, y2: float, *, colour: str = AXIS) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{colour}" stroke-width="1"/>'
    )


def _nice(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value``: round axis steps."""
    magnitude = 10.0 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return value


@dataclass(frozen=True)
class Draw:
    """The chart functions for a template, with numbers written the reader's way."""

    locale: str

    def number(self, value: float) -> str:
        return format_decimal(round(value, 1), locale=self.locale)

    def series(self, name: str, values: Sequence[float | None]) -> Series:
        return Series(name, values)

    def labels(self, rows: Sequence[object], *fields: str) -> list[str]:
        """Each row's ``fields`` joined into one category name."""
        return [" · ".join(str(getattr(row, f)) for f in fields) for row in rows]

    def bars(self, **kwargs: Any) -> Markup:
        return bars(number=self.number, **kwargs)

    def lines(self, **kwargs: Any) -> Markup:
        return lines(number=self.number, **kwargs)
