"""Charts fit to sit inside the report page: no URLs, ids of their own, styles as attributes."""

from __future__ import annotations

import io
import re

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager

from wargame.reports.aar.charts import inline_svg
from wargame.reports.aar.fonts import JAPANESE_FACE, KOREAN_FACE, chart_families


def _matplotlib_svg() -> str:
    figure, axes = plt.subplots(figsize=(2, 1))
    axes.plot([0, 1, 2], [1, 3, 2], linestyle="--")
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    return buffer.getvalue()


def test_it_leaves_no_url_prolog_or_metadata_in_an_inlined_chart() -> None:
    raw = _matplotlib_svg()
    assert "http://" in raw  # matplotlib's own output names namespaces and metadata by URL
    svg = inline_svg(raw, "ci", "Crisis <index>")
    assert "http" not in svg
    assert "<?xml" not in svg
    assert "<metadata" not in svg
    assert svg.startswith('<svg class="chart-svg" data-chart="ci"')
    assert "<title>Crisis &lt;index&gt;</title>" in svg


def test_it_prefixes_every_id_and_reference_with_the_chart_kind() -> None:
    svg = inline_svg(_matplotlib_svg(), "rung", "Rung")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids
    assert all(i.startswith("rung-") for i in ids)
    references = re.findall(r'href="#([^"]+)"', svg) + re.findall(r"url\(#([^)]+)\)", svg)
    assert references
    assert set(references) <= set(ids)


def test_it_writes_stroke_and_fill_as_attributes_not_css() -> None:
    svg = inline_svg(_matplotlib_svg(), "ci", "CI")
    assert not re.search(r'style="[^"]*stroke', svg)
    assert 'stroke-dasharray="' in svg


def test_it_draws_japanese_and_korean_labels_with_the_bundled_faces() -> None:
    def first_file(lang: str) -> str:
        properties = font_manager.FontProperties(family=chart_families(lang)[0])
        return font_manager.findfont(properties, fallback_to_default=False)

    assert first_file("ja") == str(JAPANESE_FACE.path)
    assert first_file("ko") == str(KOREAN_FACE.path)
    assert chart_families("en")[0] == "DejaVu Sans"
