"""The after-action review as one self-contained HTML page (inline CSS and SVG, no external
resource) and as a PDF of that page (WeasyPrint, which keeps the SVG charts as vectors and
embeds the subset of each font it uses)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from wargame.reports.aar.charts import CHART_KINDS, report_charts
from wargame.reports.aar.data import ReportData, report_data
from wargame.reports.aar.text import report_language

if TYPE_CHECKING:
    from collections.abc import Callable

    from wargame.exercises.models import Exercise

    Progress = Callable[[int, str], None]

TEMPLATE = "reports/aar.html"
# CSS stacks: the language's CJK face first where it has one, so that its glyph forms win
# (Japanese and Korean share code points but not shapes); DejaVu covers what Noto lacks.
FONT_STACKS = {
    "ja": '"Noto Sans CJK JP", "Noto Sans JP", "Noto Sans", "DejaVu Sans", sans-serif',
    "ko": '"Noto Sans CJK KR", "Noto Sans KR", "Noto Sans", "DejaVu Sans", sans-serif',
    "en": '"Noto Sans", "DejaVu Sans", "Noto Sans CJK JP", sans-serif',
}


class ReportFetchRefusedError(ValueError):
    """The report is self-contained: nothing may be fetched while it is laid out."""


def _step(progress: Progress | None, percent: int, stage: str) -> None:
    if progress is not None:
        progress(percent, stage)


def _context(data: ReportData, charts: dict[str, str]) -> dict[str, Any]:
    words = data.words
    return {
        "lang": data.lang,
        "t": words.t,
        "font_stack": FONT_STACKS.get(data.lang, FONT_STACKS["en"]),
        "generated": str(words.t["generated"]).format(seq=data.last_seq),
        "overview": data.overview,
        "turns": data.turns,
        "charts": [
            {"kind": kind, "title": words.t["charts"][kind], "svg": charts[kind]}
            for kind in CHART_KINDS
        ],
        "perception": data.perception,
        "say_do": data.say_do,
        "agreements": data.agreements,
        "overrides": data.overrides,
        "decision_points": [
            {
                **point,
                "text": words.label(
                    "decision_point", team=words.team(point["team"]), rung=point["rung"]
                ),
            }
            for point in data.decision_points
        ],
        "questions": data.questions,
    }


def _html(exercise: Exercise, lang: str, progress: Progress | None, scale: float) -> str:
    language = report_language(lang, exercise.language)
    _step(progress, int(5 * scale), "data")
    data = report_data(exercise, language)
    _step(progress, int(30 * scale), "charts")
    charts = report_charts(data.charts, data.words)
    _step(progress, int(70 * scale), "layout")
    return render_to_string(TEMPLATE, _context(data, charts))


def report_html(exercise: Exercise, lang: str, progress: Progress | None = None) -> str:
    """The report page in ``lang`` (en, ja or ko; otherwise the exercise's language)."""
    html = _html(exercise, lang, progress, 1.0)
    _step(progress, 100, "layout")
    return html


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ReportFetchRefusedError(_("The report may not load %(url)s.") % {"url": url[:80]})


def report_pdf(exercise: Exercise, lang: str, progress: Progress | None = None) -> bytes:
    """The report as a PDF: the same page laid out for A4 by its print CSS."""
    from weasyprint import HTML  # imported here: it loads Pango, which only reports need

    html = _html(exercise, lang, progress, 0.6)
    _step(progress, 60, "pdf")
    document = HTML(string=html, url_fetcher=_refuse).write_pdf()
    _step(progress, 100, "pdf")
    return bytes(document or b"")
