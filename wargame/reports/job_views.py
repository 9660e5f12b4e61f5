"""Report jobs over the API (CONTRACT.md: POST reports/, GET reports/{rid}/): facilitators only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import request_principal
from wargame.api.shapes import ErrorShape
from wargame.reports.jobs import (
    CONTENT_TYPES,
    FORMATS,
    LANGUAGES,
    report_job_file,
    report_job_for,
    report_job_payload,
    report_request,
)

if TYPE_CHECKING:
    from rest_framework.renderers import BaseRenderer
    from rest_framework.request import Request

ERRORS = {400: ErrorShape, 401: ErrorShape, 403: ErrorShape, 404: ErrorShape, 409: ErrorShape}


class ReportJobShape(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    progress = serializers.IntegerField(min_value=0, max_value=100)
    url = serializers.CharField(allow_null=True, help_text="The file, once done; null before.")


class ReportRequestShape(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=list(FORMATS))
    language = serializers.ChoiceField(
        choices=list(LANGUAGES), required=False, help_text="Defaults to the exercise's language."
    )


class ReportJobListView(APIView):
    @extend_schema(
        operation_id="exercises_reports_create",
        request=ReportRequestShape,
        responses={202: ReportJobShape, **ERRORS},
        description=(
            "Make the after-action report; a finished one is reused while the log is unchanged. "
            "Progress also arrives as report.progress events, then report.ready (control)."
        ),
    )
    def post(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = request.data if isinstance(request.data, dict) else {}
        job = report_request(principal=principal, fmt=data.get("format"), lang=data.get("language"))
        return Response(report_job_payload(job), status=202)


class ReportJobView(APIView):
    @extend_schema(
        operation_id="exercises_reports_retrieve",
        responses={200: ReportJobShape, **ERRORS},
    )
    def get(self, request: Request, exercise_id: int, rid: int) -> Response:
        job = report_job_for(request_principal(request, exercise_id), rid)
        return Response(report_job_payload(job))


class ReportJobFileView(APIView):
    """Errors are JSON whatever the client accepts; the file itself is PDF or HTML."""

    renderer_classes = (JSONRenderer,)

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="exercises_reports_file",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "text/html"): OpenApiTypes.STR,
            **ERRORS,
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
