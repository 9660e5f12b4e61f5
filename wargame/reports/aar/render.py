"""The after-action review as one self-contained HTML page (inline CSS and SVG, the CJK glyphs it
uses embedded, no external resource) and as a PDF of that page (WeasyPrint, which keeps the SVG
charts as vectors and embeds the subset of each font it uses, the project's CJK fonts included)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from wargame.exercises.views_of import CONTROL
from wargame.reports.aar import fonts
from wargame.reports.aar.causes import cause_texts
from wargame.reports.aar.charts import CHART_KINDS, report_charts
from wargame.reports.aar.data import ReportData, report_data
from wargame.reports.aar.text import report_language

if TYPE_CHECKING:
    from collections.abc import Callable

    from wargame.exercises.models import Exercise

    Progress = Callable[[int, str], None]

TEMPLATE = "reports/aar.html"


class ReportFetchRefusedError(ValueError):
    """The report is self-contained: nothing may be fetched while it is laid out."""


def _step(progress: Progress | None, percent: int, stage: str) -> None:
    if progress is not None:
        progress(percent, stage)


def _perception_digest(data: ReportData) -> dict[str, Any]:
    """The body lists only what a team perceived wrongly; the rest is counted (appendix B)."""
    wrong = [
        {"turn": row["turn"], "team": row["team"], "team_name": row["team_name"], **item}
        for row in data.perception
        for item in row["items"]
        if item["wrong"]
    ]
    items = [item for row in data.perception for item in row["items"]]
    counts = {
        "seen": sum(1 for i in items if i["status"] == "seen"),
        "missed": sum(1 for i in items if i["status"] == "missed"),
    }
    key = "perception_counts" if wrong else "perception_none_wrong"
    return {"perception_wrong": wrong, "perception_note": data.words.label(key, **counts)}


def _say_do_digest(data: ReportData) -> dict[str, Any]:
    """The body sets words beside deeds where a team spoke; silent turns are only counted."""
    spoken = [row for row in data.say_do if row["said"]]
    silent = len(data.say_do) - len(spoken)
    return {"say_do_spoken": spoken, "say_do_note": data.words.label("say_do_note", silent=silent)}


def _context(data: ReportData, charts: dict[str, str], font_faces: str) -> dict[str, Any]:
    words = data.words
    return {
        **_perception_digest(data),
        **_say_do_digest(data),
        "summary": data.summary,
        "turning_points": data.turning_points,
        "dice": data.dice,
        "lang": data.lang,
        "t": words.t,
        "font_stack": fonts.css_font_stack(data.lang),
        "font_faces": font_faces,
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
        "scorecard": data.scorecard,
        "learning_objectives": data.learning_objectives,
        "beliefs": data.beliefs,
        "released": data.released,
        # The causal chains and the consultation timeline read control's truth.
        "causes_shown": data.view == CONTROL,
        "ct": cause_texts(data.lang),
        "causes": data.causes,
        "consultations": data.consultations,
    }


def _html(
    exercise: Exercise,
    lang: str,
    view: str,
    progress: Progress | None,
    scale: float,
    *,
    for_pdf: bool,
) -> str:
    language = report_language(lang, exercise.language)
    _step(progress, int(5 * scale), "data")
    data = report_data(exercise, language, view)
    _step(progress, int(30 * scale), "charts")
    charts = report_charts(data.charts, data.words)
    _step(progress, int(70 * scale), "layout")
    if for_pdf:
        return render_to_string(TEMPLATE, _context(data, charts, fonts.pdf_font_faces(data.lang)))
    # The page's own text decides which glyphs travel with it.
    bare = render_to_string(TEMPLATE, _context(data, charts, ""))
    embedded = fonts.embedded_font_faces(data.lang, bare)
    return render_to_string(TEMPLATE, _context(data, charts, embedded)) if embedded else bare


def report_html(
    exercise: Exercise, lang: str, progress: Progress | None = None, view: str = CONTROL
) -> str:
    """The report page in ``lang`` (en, ja or ko; otherwise the exercise's language), as ``view``
    may read it."""
    html = _html(exercise, lang, view, progress, 1.0, for_pdf=False)
    _step(progress, 100, "layout")
    return html


def fonts_only_fetcher(url: str) -> Any:
    """WeasyPrint's URL fetcher: the bundled font files, and nothing else."""
    from weasyprint.urls import URLFetcherResponse

    path = fonts.font_file_for(url)
    if path is None:
        raise ReportFetchRefusedError(_("The report may not load %(url)s.") % {"url": url[:80]})
    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": "font/otf"})


def report_pdf(
    exercise: Exercise, lang: str, progress: Progress | None = None, view: str = CONTROL
) -> bytes:
    """The report as a PDF: the same page laid out for A4 by its print CSS."""
    from weasyprint import HTML  # imported here: it loads Pango, which only reports need

    html = _html(exercise, lang, view, progress, 0.6, for_pdf=True)
    _step(progress, 60, "pdf")
    document = HTML(
        string=html, base_url=fonts.font_base_url(), url_fetcher=fonts_only_fetcher
    ).write_pdf()
    _step(progress, 100, "pdf")
    return bytes(document or b"")
