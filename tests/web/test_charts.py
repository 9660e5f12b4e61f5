"""The server-drawn escalation chart: one line per series with a point per turn, told apart
without colour, and labelled for screen readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from wargame.web.charts import DASHES, MARKERS, Guide, Series, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _chart(series: list[Series], turns: list[int]) -> ET.Element:
    chart = line_chart(
        series=series,
        turns=turns,
        y_range=(0, 11),
        y_ticks=range(12),
        title="Escalation <ladder>",
        desc="Rungs & turns",
        x_label="Turn",
        y_label="Rung",
        dom_id="t",
        guides=(Guide(8, "Nuclear threshold"),),
        testid="escalation-chart",
    )
    # Parsed as XML: the markup is well formed and every text was escaped.
    return ET.fromstring(str(chart.svg).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))  # noqa: S314 - our own markup


def _dyads(rungs: dict[str, list[int]]) -> list[Series]:
    return [
        Series(key=key, label=key, team=key.split("-")[0], points=tuple(enumerate(values)))
        for key, values in rungs.items()
    ]


def test_it_draws_one_polyline_per_dyad_with_a_point_per_turn() -> None:
    rungs = {"DPRK-ROK": [3, 4, 5, 8], "DPRK-US": [2, 2, 3, 3], "ROK-DPRK": [3, 3, 4, 4]}
    svg = _chart(_dyads(rungs), [0, 1, 2, 3])
    lines = svg.findall(f".//{SVG}polyline")
    assert [line.get("data-series") for line in lines] == list(rungs)
    assert [len(line.get("points", "").split()) for line in lines] == [4, 4, 4]


@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=11), min_size=1, max_size=12),
        min_size=1,
        max_size=6,
    )
)
def test_every_series_gets_as_many_points_and_markers_as_it_has_values(
    values: list[list[int]],
) -> None:
    series = [
        Series(key=f"s{i}", label=f"s{i}", team="US", points=tuple(enumerate(v)))
        for i, v in enumerate(values)
    ]
    turns = list(range(max(len(v) for v in values)))
    svg = _chart(series, turns)
    for index, line in enumerate(svg.findall(f".//{SVG}polyline")):
        assert len(line.get("points", "").split()) == len(values[index])
    groups = svg.findall(f".//{SVG}g[@class='line']")
    assert [len(g.findall(f"{SVG}path")) for g in groups] == [len(v) for v in values]


def test_higher_rungs_are_drawn_higher_up() -> None:
    svg = _chart(_dyads({"DPRK-ROK": [1, 9]}), [0, 1])
    line = svg.find(f".//{SVG}polyline")
    assert line is not None
    (x0, y0), (x1, y1) = (tuple(map(float, p.split(","))) for p in line.get("points", "").split())
    assert x1 > x0
    assert y1 < y0


def test_lines_differ_in_dash_and_marker_not_only_in_colour() -> None:
    rungs = {f"DPRK-{t}": [1, 2] for t in ("US", "ROK", "JPN")}
    svg = _chart(_dyads(rungs), [0, 1])
    lines = svg.findall(f".//{SVG}polyline")
    dashes = [line.get("stroke-dasharray", "") for line in lines]
    assert len(set(dashes)) == len(lines) <= len(DASHES)
    first_markers = [g.find(f"{SVG}path") for g in svg.findall(f".//{SVG}g[@class='line']")]
    shapes = {m.get("d", "")[:2] + str(len(m.get("d", ""))) for m in first_markers if m is not None}
    assert len(shapes) == len(lines) <= len(MARKERS)


def test_it_is_labelled_for_screen_readers_and_marks_the_threshold() -> None:
    svg = _chart(_dyads({"DPRK-ROK": [3]}), [0])
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "t-title t-desc"
    assert svg.get("data-testid") == "escalation-chart"
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Escalation <ladder>"
    guide = svg.find(f".//{SVG}g[@data-guide='8']")
    assert guide is not None


def test_the_legend_names_each_series_with_its_swatch() -> None:
    chart = line_chart(
        series=_dyads({"DPRK-ROK": [3], "US-DPRK": [2]}),
        turns=[0],
        y_range=(0, 11),
        y_ticks=(0, 11),
        title="t",
        desc="d",
        x_label="x",
        y_label="y",
        dom_id="c",
    )
    assert [item.label for item in chart.legend] == ["DPRK-ROK", "US-DPRK"]
    assert all("team-" + item.team in str(item.swatch) for item in chart.legend)
