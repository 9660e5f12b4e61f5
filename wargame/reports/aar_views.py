"""The after-action review as a page and as a PDF (CONTRACT.md: ``report.html``, ``report.pdf``).

Who may read it: ``exercises.audience.report_audience``, each reader the report of its own view.
Anyone else: not found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from wargame.api.auth import request_principal
from wargame.exercises.audience import may_see, report_audience
from wargame.exercises.errors import InvalidInput, NotFound
from wargame.exercises.models import Exercise
from wargame.reports.aar.cache import cached_report, cached_report_path
from wargame.reports.aar.text import LANGUAGES, report_language
from wargame.reports.job_views import ReportJobShape
from wargame.reports.pdf_pending import report_pdf_or_pending
from wargame.reports.views import ERRORS, ExportView

if TYPE_CHECKING:
    from pathlib import Path

    from django.http.response import HttpResponseBase
    from rest_framework.request import Request

# The page loads nothing: its styles, charts and CJK glyphs are inline, and it runs no script.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'"
)
LANGUAGE_PARAMETER = OpenApiParameter(
    "language", str, enum=list(LANGUAGES), description="default: the exercise's language"
)


def report_exercise(request: Request, exercise_id: int) -> tuple[Exercise, str]:
    """The exercise and the caller's view, for whoever may read its report (exercises.audience);
    NotFound for everyone else."""
    principal = request_principal(request, exercise_id)
    exercise = Exercise.objects.get(pk=exercise_id)
    if may_see(principal.view, report_audience(exercise)):
        return exercise, principal.view
    raise NotFound(_("Exercise not found."))


def requested_language(request: Request, exercise: Exercise) -> str:
    asked = request.query_params.get("language")
    if asked is not None and asked not in LANGUAGES:
        raise InvalidInput(
            _("Choose a report language."), fields={"language": [_("Choose en, ja or ko.")]}
        )
    return report_language(asked, exercise.language)


def _report_file(request: Request, exercise_id: int, fmt: str) -> tuple[Exercise, str, Path]:
    exercise, view = report_exercise(request, exercise_id)
    lang = requested_language(request, exercise)
    return exercise, lang, cached_report(exercise, lang, fmt, view=view)


class ReportHtmlView(ExportView):
    @extend_schema(
        operation_id="exercises_report_html",
        parameters=[LANGUAGE_PARAMETER],
        responses={(200, "text/html"): OpenApiTypes.STR, **ERRORS},
        description="The after-action review as one self-contained page (cached until the log "
        "changes).",
    )
    def get(self, request: Request, exercise_id: int) -> HttpResponse:
        _exercise, lang, path = _report_file(request, exercise_id, "html")
        response = HttpResponse(path.read_bytes(), content_type="text/html; charset=utf-8")
        response["Content-Language"] = lang
        response["Content-Security-Policy"] = REPORT_CSP
        response["Cache-Control"] = "private, no-cache"
        return response


class ReportPdfView(ExportView):
    @extend_schema(
        operation_id="exercises_report_pdf",
        parameters=[LANGUAGE_PARAMETER],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (202, "application/json"): ReportJobShape,
            **ERRORS,
        },
        description="The after-action review as a PDF (cached until the log changes). Not "
        "rendered yet: 202 with the report job that renders it (`Location`: the job, for "
        "control; `Retry-After` for everyone): ask again, or follow the job, when it is done.",
    )
    def get(self, request: Request, exercise_id: int) -> HttpResponseBase:
        exercise, view = report_exercise(request, exercise_id)
        lang = requested_language(request, exercise)
        path = cached_report_path(exercise, lang, "pdf", view=view)
        if path is None:
            # Rendering takes seconds of CPU: never inside a request.
            ready = report_pdf_or_pending(request_principal(request, exercise_id), lang)
            if isinstance(ready, Response):
                return ready
            path = ready
        response = FileResponse(
            path.open("rb"),
            content_type="application/pdf",
            as_attachment=False,
            filename=f"exercise-{exercise.pk}-report-{lang}.pdf",
        )
        response["Content-Language"] = lang
        response["Cache-Control"] = "private, no-cache"
        return response
