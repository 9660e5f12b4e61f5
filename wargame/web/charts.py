"""Line charts drawn on the server as inline SVG: no chart library, nothing to download at a venue
with no internet, and the same picture for the console, the projector and the review page.

Each series is told apart by colour (its team), dash pattern and marker shape, so the chart reads
in greyscale and for colour-blind viewers too; the page adds a data table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 16, 48
DASHES = ("", "10 5", "3 4", "14 4 3 4", "6 3", "2 2")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross")
MARKER_SIZE = 5.0
# Lines at the same value would hide each other: each is drawn this many pixels apart from the
# next, well under the distance between two rungs.
NUDGE = 1.8


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str
    team: str
    points: tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class Guide:
    """A horizontal line at a threshold (the nuclear rung, an alert level)."""

    value: float
    label: str
    kind: str = "danger"


@dataclass(frozen=True, slots=True)
class LegendItem:
    key: str
    label: str
    team: str
    swatch: SafeString


@dataclass(frozen=True, slots=True)
class Chart:
    svg: SafeString
    legend: tuple[LegendItem, ...] = field(default=())


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def marker_path(shape: str, x: float, y: float, size: float = MARKER_SIZE) -> str:
    """An SVG path for one marker shape centred on (x, y)."""
    s = size
    if shape == "square":
        return f"M{_fmt(x - s)} {_fmt(y - s)}h{_fmt(2 * s)}v{_fmt(2 * s)}h{_fmt(-2 * s)}Z"
    if shape == "triangle":
        return f"M{_fmt(x)} {_fmt(y - s)}L{_fmt(x + s)} {_fmt(y + s)}L{_fmt(x - s)} {_fmt(y + s)}Z"
    if shape == "triangle-down":
        return f"M{_fmt(x)} {_fmt(y + s)}L{_fmt(x + s)} {_fmt(y - s)}L{_fmt(x - s)} {_fmt(y - s)}Z"
    if shape == "diamond":
        return (
            f"M{_fmt(x)} {_fmt(y - s)}L{_fmt(x + s)} {_fmt(y)}"
            f"L{_fmt(x)} {_fmt(y + s)}L{_fmt(x - s)} {_fmt(y)}Z"
        )
    if shape == "cross":
        return (
            f"M{_fmt(x - s)} {_fmt(y - s)}L{_fmt(x + s)} {_fmt(y + s)}"
            f"M{_fmt(x - s)} {_fmt(y + s)}L{_fmt(x + s)} {_fmt(y - s)}"
        )
    return (
        f"M{_fmt(x - s)} {_fmt(y)}a{_fmt(s)} {_fmt(s)} 0 1 0 {_fmt(2 * s)} 0"
        f"a{_fmt(s)} {_fmt(s)} 0 1 0 {_fmt(-2 * s)} 0Z"
    )


def _style(index: int) -> tuple[str, str]:
    return DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]


def swatch(team: str, index: int) -> SafeString:
    """The legend's sample of one series: its colour, dash and marker."""
    dash, shape = _style(index)
    dash_attr = format_html(' stroke-dasharray="{}"', dash) if dash else ""
    return format_html(
        '<svg class="swatch" width="40" height="14" viewBox="0 0 40 14" aria-hidden="true"'
        ' focusable="false"><line class="series team-{}" x1="1" y1="7" x2="39" y2="7"{}/>'
        '<path class="marker team-{}" d="{}"/></svg>',
        team,
        dash_attr,
        team,
        marker_path(shape, 20, 7, 4),
    )


def line_chart(
    *,
    series: Sequence[Series],
    turns: Sequence[int],
    y_range: tuple[float, float],
    y_ticks: Sequence[float],
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    dom_id: str,
    guides: Sequence[Guide] = (),
    testid: str = "",
    tick_label: Callable[[float], str] = _fmt,
) -> Chart:
    """A chart of ``series`` over ``turns`` (x) against ``y_range`` (y), one polyline a series."""
    first, last = (min(turns), max(turns)) if turns else (0, 0)
    span = max(last - first, 1)
    low, high = y_range
    height = max(high - low, 1e-9)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_at(turn: float) -> float:
        return LEFT + (turn - first) / span * plot_w

    def y_at(value: float) -> float:
        clamped = min(max(value, low), high)
        return TOP + (1 - (clamped - low) / height) * plot_h

    parts: list[str] = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc"'
            ' preserveAspectRatio="xMidYMid meet"{}>',
            WIDTH,
            HEIGHT,
            dom_id,
            dom_id,
            format_html(' data-testid="{}"', testid) if testid else "",
        ),
        format_html('<title id="{}-title">{}</title>', dom_id, title),
        format_html('<desc id="{}-desc">{}</desc>', dom_id, desc),
        '<g class="grid" aria-hidden="true">',
    ]
    for tick in y_ticks:
        y = _fmt(y_at(tick))
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="tick y" x="{}" y="{}" text-anchor="end" dominant-baseline="middle">'
                "{}</text>",
                LEFT,
                y,
                WIDTH - RIGHT,
                y,
                LEFT - 8,
                y,
                tick_label(tick),
            )
        )
    for turn in turns:
        x = _fmt(x_at(turn))
        parts.append(
            format_html(
                '<text class="tick x" x="{}" y="{}" text-anchor="middle">{}</text>',
                x,
                HEIGHT - BOTTOM + 22,
                turn,
            )
        )
    parts.append(
        format_html(
            '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text class="axis-label" x="14" y="{}" text-anchor="middle"'
            ' transform="rotate(-90 14 {})">{}</text></g>',
            LEFT + plot_w / 2,
            HEIGHT - 8,
            x_label,
            TOP + plot_h / 2,
            TOP + plot_h / 2,
            y_label,
        )
    )
    for guide in guides:
        y = _fmt(y_at(guide.value))
        parts.append(
            format_html(
                '<g class="guide {}" data-guide="{}"><line x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text x="{}" y="{}" text-anchor="end">{}</text></g>',
                guide.kind,
                _fmt(guide.value),
                LEFT,
                y,
                WIDTH - RIGHT,
                y,
                WIDTH - RIGHT - 4,
                float(y) - 5,
                guide.label,
            )
        )
    legend: list[LegendItem] = []
    middle = (len(series) - 1) / 2
    for index, item in enumerate(series):
        dash, shape = _style(index)
        nudge = (index - middle) * NUDGE
        coords = [(x_at(t), y_at(v) + nudge) for t, v in item.points]
        points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)
        parts.append(
            format_html(
                '<g class="line" data-series="{}"><polyline class="series team-{}"'
                ' data-series="{}" points="{}" fill="none"{}/>',
                item.key,
                item.team,
                item.key,
                points,
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
            )
        )
        parts.extend(
            format_html(
                '<path class="marker team-{}" d="{}"><title>{}: {} {}</title></path>',
                item.team,
                marker_path(shape, x, y),
                item.label,
                turn,
                tick_label(value),
            )
            for (x, y), (turn, value) in zip(coords, item.points, strict=True)
        )
        parts.append("</g>")
        legend.append(
            LegendItem(
                key=item.key, label=item.label, team=item.team, swatch=swatch(item.team, index)
            )
        )
    parts.append("</svg>")
    # Every piece above went through format_html, which escaped each value it was given.
    return Chart(svg=mark_safe("".join(str(p) for p in parts)), legend=tuple(legend))  # noqa: S308
