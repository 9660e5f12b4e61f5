"""The after-action review over the API (docs/interface.md#endpoints): as a page and as a PDF
(``report.html``, ``report.pdf``), and as a job a worker renders (``reports/``).

Who may read the report: ``exercises.audience.report_audience``, each reader the report of its own
view; anyone else: not found. A report job is followed by control and by the view whose report it
renders (an uncached PDF queues a job of the reader's own view)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import request_principal
from wargame.api.export_views import ERRORS, ExportView
from wargame.api.shapes import ErrorShape, ReportJobShape
from wargame.exercises.audience import all_views, may_see, report_audience
from wargame.exercises.errors import InvalidInput, NotFound
from wargame.exercises.models import Exercise, ReportJob
from wargame.exercises.selectors.reports import (
    CONTENT_TYPES,
    report_job_file,
    report_job_for,
    report_job_number,
    report_job_payload,
)
from wargame.exercises.services.reports import FORMATS, report_pdf_for, report_request
from wargame.exercises.views_of import CONTROL
from wargame.languages import LANGUAGES
from wargame.reports.aar.cache import cached_report, cached_report_path
from wargame.reports.aar.text import report_language

if TYPE_CHECKING:
    from pathlib import Path

    from django.http.response import HttpResponseBase
    from rest_framework.request import Request

# The page loads nothing: its styles, charts and CJK glyphs are inline, and it runs no script.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'"
)
# When a reader of a PDF not rendered yet is told to ask again.
RETRY_AFTER_SECONDS = 5
LANGUAGE_PARAMETER = OpenApiParameter(
    "language", str, enum=list(LANGUAGES), description="default: the exercise's language"
)
DOWNLOAD_PARAMETER = OpenApiParameter(
    "download", str, enum=["1"], description="1: as a file to save; default: opens in the browser"
)
VIEW_PARAMETER = OpenApiParameter(
    "view",
    str,
    description="control only: the copy of another view (`observers`, `team:<CODE>`), to project "
    "what that view may read; anyone else may name only their own view",
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


def copy_view(request: Request, exercise: Exercise, view: str) -> str:
    """The view whose copy is asked for (``?view=``): the reader's own by default; control may
    ask for any view's, since it reads everything that view does (the observers' screen links
    to their copy, so a facilitator at the projector shows what observers may read)."""
    asked = request.query_params.get("view")
    if asked in (None, "", view):
        return view
    if view == CONTROL and asked in all_views(exercise):
        return str(asked)
    raise NotFound(_("Exercise not found."))


def _report_file(request: Request, exercise_id: int, fmt: str) -> tuple[Exercise, str, Path]:
    exercise, view = report_exercise(request, exercise_id)
    lang = requested_language(request, exercise)
    view = copy_view(request, exercise, view)
    return exercise, lang, cached_report(exercise, lang, fmt, view=view)


class ReportHtmlView(ExportView):
    @extend_schema(
        operation_id="exercises_report_html",
        parameters=[LANGUAGE_PARAMETER, DOWNLOAD_PARAMETER, VIEW_PARAMETER],
        responses={(200, "text/html"): OpenApiTypes.STR, **ERRORS},
        description="The after-action review as one self-contained page (cached until the log "
        "changes), shown in the browser (a projector) unless `download=1` asks for a file.",
    )
    def get(self, request: Request, exercise_id: int) -> HttpResponse:
        exercise, lang, path = _report_file(request, exercise_id, "html")
        response = HttpResponse(path.read_bytes(), content_type="text/html; charset=utf-8")
        if request.query_params.get("download") == "1":
            name = f"exercise-{exercise.pk}-report-{lang}.html"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
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
        "rendered yet: 202 with the report job that renders it, the reader's own (`Location`: "
        "the job; `Retry-After`): ask again, or follow the job, when it is done.",
    )
    def get(self, request: Request, exercise_id: int) -> HttpResponseBase:
        exercise, view = report_exercise(request, exercise_id)
        lang = requested_language(request, exercise)
        path = cached_report_path(exercise, lang, "pdf", view=view)
        if path is None:
            # Rendering takes seconds of CPU: never inside a request.
            principal = request_principal(request, exercise_id)
            ready = report_pdf_for(principal=principal, lang=lang)
            if isinstance(ready, ReportJob):
                rid = report_job_number(ready, principal.view)
                pending = Response(report_job_payload(ready, principal.view), status=202)
                pending["Location"] = f"/api/v1/exercises/{exercise_id}/reports/{rid}/"
                pending["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return pending
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


JOB_ERRORS = {**ERRORS, 409: ErrorShape}


class ReportRequestShape(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=list(FORMATS))
    language = serializers.ChoiceField(
        choices=list(LANGUAGES), required=False, help_text="Defaults to the exercise's language."
    )


class ReportJobListView(APIView):
    @extend_schema(
        operation_id="exercises_reports_create",
        request=ReportRequestShape,
        responses={202: ReportJobShape, **JOB_ERRORS},
        description=(
            "Make the after-action report; a finished one is reused while the log is unchanged. "
            "Progress also arrives as report.progress events, then report.ready (control)."
        ),
    )
    def post(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = request.data if isinstance(request.data, dict) else {}
        job = report_request(principal=principal, fmt=data.get("format"), lang=data.get("language"))
        return Response(report_job_payload(job, principal.view), status=202)


# Report job ids count within control's exercise, or within the reader's own view
# (docs/interface.md#ids).
JOB_NUMBER = OpenApiParameter(
    "rid",
    int,
    OpenApiParameter.PATH,
    description="The job's number: control's within the exercise, a reader's within its view.",
)


class ReportJobView(APIView):
    @extend_schema(
        operation_id="exercises_reports_retrieve",
        parameters=[JOB_NUMBER],
        responses={200: ReportJobShape, **JOB_ERRORS},
    )
    def get(self, request: Request, exercise_id: int, rid: int) -> Response:
        principal = request_principal(request, exercise_id)
        job = report_job_for(principal, rid)
        return Response(report_job_payload(job, principal.view))


class ReportJobFileView(ExportView):
    """Errors are JSON whatever the client accepts; the file itself is PDF or HTML."""

    @extend_schema(
        operation_id="exercises_reports_file",
        parameters=[JOB_NUMBER],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "text/html"): OpenApiTypes.STR,
            **JOB_ERRORS,
        },
        description="The finished report; 409 while it is still being made.",
    )
    def get(self, request: Request, exercise_id: int, rid: int) -> FileResponse:
        job, path = report_job_file(request_principal(request, exercise_id), rid)
        response = FileResponse(
            path.open("rb"),
            content_type=CONTENT_TYPES[job.format],
            as_attachment=True,
            filename=f"exercise-{job.exercise_id}-report-{job.language}.{job.format}",
        )
        response["Cache-Control"] = "no-store"
        return response
