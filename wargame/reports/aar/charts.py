"""The report's charts: matplotlib (Agg) line charts written as SVG, to be inlined in the HTML.

Text is drawn as glyph outlines (``svg.fonttype: path``) from the report language's font, so a
chart needs no font of its own in a browser or in WeasyPrint, whose PDF keeps it as vectors. The
project's CJK fonts are registered by path when this module loads: matplotlib's font cache is
built once per machine and never sees a font installed later."""

from __future__ import annotations

import io
import re
from html import escape
from typing import TYPE_CHECKING, Any

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from wargame.reports.aar.fonts import chart_families, register_with_matplotlib

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from wargame.reports.aar.shapes import ChartData, Series
    from wargame.reports.aar.text import Words

register_with_matplotlib()

CHART_KINDS = ("rung", "ci", "threat", "assurance")
# Colour-blind-safe (Okabe-Ito), and distinct in grey print through the line styles.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
SIZE_INCHES = (6.6, 2.9)


_DROP = (
    re.compile(r"<\?xml[^>]*\?>\s*"),
    re.compile(r"<!DOCTYPE[^>]*>\s*"),
    re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL),
    re.compile(r'\s+xmlns(:\w+)?="[^"]*"'),
)


_STYLE = re.compile(r'style="([^"]*)"')
# SVG properties that are also presentation attributes: written as attributes, the HTML side of
# a renderer does not take them for (unknown) CSS of the page.
_PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
    }
)


def _presentation(match: re.Match[str]) -> str:
    declarations = [d.split(":", 1) for d in match.group(1).split(";") if ":" in d]
    pairs = [(name.strip(), value.strip()) for name, value in declarations]
    if not pairs or any(name not in _PRESENTATION for name, _ in pairs):
        return match.group(0)
    return " ".join(f'{name}="{escape(value)}"' for name, value in pairs)


def inline_svg(text: str, kind: str, title: str) -> str:
    """matplotlib's SVG made fit to sit inside HTML: no prolog, no metadata, no namespace URLs
    (an HTML parser puts <svg> in the SVG namespace itself), ``href`` instead of ``xlink:href``."""
    for pattern in _DROP:
        text = pattern.sub("", text)
    text = text.replace("xlink:href=", "href=")
    text = _STYLE.sub(_presentation, text)
    # Several charts share one page: every id gets the chart's prefix, and so does each use of it.
    text = re.sub(r'\bid="([^"]+)"', rf'id="{kind}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{kind}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{kind}-\1)", text)
    opening = re.search(r"<svg[^>]*>", text)
    if opening is None:
        raise ValueError("matplotlib wrote no <svg> element")
    named = opening.group(0).replace(
        "<svg ", f'<svg class="chart-svg" data-chart="{kind}" role="img" ', 1
    )
    # The page shows the title as the figure's caption; screen readers get it here too.
    return f"{text[: opening.start()]}{named}<title>{escape(title)}</title>{text[opening.end() :]}"


def _style(lang: str, salt: str) -> dict[Any, Any]:
    return {
        "font.family": chart_families(lang),
        "svg.fonttype": "path",
        # Fixed ids: the same data gives the same bytes, and charts differ in their ids.
        "svg.hashsalt": salt,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 9,
    }


def _finished(figure: Figure, axes: Axes, *, legend: bool) -> str:
    """The figure as SVG text, its legend (if any) to the right of the plot."""
    if legend:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _plot(axes: Axes, turns: list[int], series: list[Series]) -> None:
    for index, line in enumerate(series):
        points = [(t, v) for t, v in zip(turns, line["values"], strict=False) if v is not None]
        if not points:
            continue
        axes.plot(
            [t for t, _ in points],
            [v for _, v in points],
            label=line["label"],
            color=COLOURS[index % len(COLOURS)],
            linestyle=STYLES[index % len(STYLES)],
            marker=MARKERS[index % len(MARKERS)],
            markersize=4,
            linewidth=1.6,
        )


def chart_svg(
    kind: str,
    title: str,
    turns: list[int],
    series: list[Series],
    words: Words,
    *,
    ylim: tuple[float, float] | None = None,
    integer_y: bool = False,
) -> str:
    with mpl.rc_context(_style(words.lang, f"aar-{kind}")):
        figure, axes = plt.subplots(figsize=SIZE_INCHES)
        try:
            _plot(axes, turns, series)
            axes.set_xlabel(words.t["axes"]["turn"])
            axes.set_ylabel(words.t["axes"][kind])
            axes.set_xticks(turns)
            axes.set_xticklabels([words.label("start") if t == 0 else str(t) for t in turns])
            if ylim is not None:
                axes.set_ylim(*ylim)
            if integer_y:
                axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            axes.grid(visible=True, axis="y", linewidth=0.4, alpha=0.5)
            svg = _finished(figure, axes, legend=len(series) > 1)
        finally:
            plt.close(figure)
    return inline_svg(svg, kind, title)


def report_charts(data: ChartData, words: Words) -> dict[str, str]:
    """One SVG per chart kind, keyed by kind, titled in the report's language."""
    titles = words.t["charts"]
    low, high = data["rung_bounds"]
    turns = data["turns"]
    return {
        "rung": chart_svg(
            "rung",
            titles["rung"],
            turns,
            data["rung"],
            words,
            ylim=(min(0, low) - 0.3, high + 0.7),
            integer_y=True,
        ),
        "ci": chart_svg("ci", titles["ci"], turns, data["ci"], words, ylim=(0.0, 1.0)),
        "threat": chart_svg(
            "threat", titles["threat"], turns, data["threat"], words, ylim=(0.0, 100.0)
        ),
        "assurance": chart_svg(
            "assurance", titles["assurance"], turns, data["assurance"], words, ylim=(0.0, 100.0)
        ),
    }


def bar_chart_svg(
    kind: str,
    title: str,
    labels: list[str],
    series: list[Series],
    lang: str,
    *,
    axis: str,
) -> str:
    """Horizontal bars, one group per label (an exercise) and one bar per series (a team, or
    the measure alone); a value that is not known draws no bar."""
    height = 0.9 + 0.32 * len(labels) * max(1, len(series))
    with mpl.rc_context(_style(lang, f"cohort-{kind}")):
        figure, axes = plt.subplots(figsize=(SIZE_INCHES[0], height))
        try:
            width = 0.8 / max(1, len(series))
            for index, line in enumerate(series):
                offset = (index - (len(series) - 1) / 2) * width
                bars = [
                    (row + offset, value)
                    for row, value in enumerate(line["values"])
                    if value is not None
                ]
                axes.barh(
                    [y for y, _ in bars],
                    [v for _, v in bars],
                    height=width * 0.9,
                    label=line["label"],
                    color=COLOURS[index % len(COLOURS)],
                )
            axes.set_yticks(range(len(labels)))
            axes.set_yticklabels(labels)
            axes.invert_yaxis()  # the first exercise on top, as in the table
            axes.set_xlabel(axis)
            axes.grid(visible=True, axis="x", linewidth=0.4, alpha=0.5)
            svg = _finished(figure, axes, legend=len(series) > 1)
        finally:
            plt.close(figure)
    return inline_svg(svg, kind, title)
