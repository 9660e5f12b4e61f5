"""Export endpoints (docs/interface.md#exports): streamed, for the exercise's facilitators only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import facilitator_user, request_principal
from wargame.api.shapes import ErrorShape
from wargame.engine.research import resolved_codebook
from wargame.exercises.models import Exercise
from wargame.exercises.selectors.cohorts import cohort_exercises
from wargame.reports.exports import export_csv, export_jsonl
from wargame.reports.research import TEXT_MODES, export_research
from wargame.reports.tidy import cohort_rows, exercise_rows, tidy_csv, tidy_parquet

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rest_framework.renderers import BaseRenderer
    from rest_framework.request import Request

ERRORS = {400: ErrorShape, 401: ErrorShape, 403: ErrorShape, 404: ErrorShape}
NDJSON = "application/x-ndjson"
CSV = "text/csv; charset=utf-8"
PARQUET = "application/vnd.apache.parquet"


def control_exercise(request: Request, exercise_id: int) -> Exercise:
    """The exercise, for its facilitators: 404 where it is hidden, 403 for its participants."""
    principal = request_principal(request, exercise_id)
    if not principal.is_control:
        raise exceptions.PermissionDenied(_("Only the exercise's facilitators may export it."))
    return Exercise.objects.get(pk=exercise_id)


def streamed(lines: Iterator[str], *, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((line.encode() for line in lines), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class ExportView(APIView):
    """Errors are JSON whatever the client accepts; the export itself is its own type."""

    renderer_classes = (JSONRenderer,)

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        return super().perform_content_negotiation(request, force=True)


class JsonlExportView(ExportView):
    @extend_schema(
        operation_id="exercises_export_jsonl",
        responses={(200, NDJSON): OpenApiTypes.STR, **ERRORS},
        description="The full event log, one event a line by global seq.",
    )
    def get(self, request: Request, exercise_id: int) -> StreamingHttpResponse:
        exercise = control_exercise(request, exercise_id)
        return streamed(
            export_jsonl(exercise),
            content_type=NDJSON,
            filename=f"exercise-{exercise.pk}-events.jsonl",
        )


class CsvExportView(ExportView):
    @extend_schema(
        operation_id="exercises_export_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS},
        description="Decisions, messages, statements and outcomes, one row each.",
    )
    def get(self, request: Request, exercise_id: int) -> StreamingHttpResponse:
        exercise = control_exercise(request, exercise_id)
        return streamed(
            export_csv(exercise), content_type=CSV, filename=f"exercise-{exercise.pk}.csv"
        )


class ResearchExportView(ExportView):
    @extend_schema(
        operation_id="exercises_export_research",
        parameters=[
            OpenApiParameter("text", str, enum=list(TEXT_MODES), default="keep"),
        ],
        responses={(200, NDJSON): OpenApiTypes.STR, **ERRORS},
        description="The event log de-identified (docs/research-export.md).",
    )
    def get(self, request: Request, exercise_id: int) -> Any:
        exercise = control_exercise(request, exercise_id)
        text = request.query_params.get("text", "keep")
        if text not in TEXT_MODES:
            raise exceptions.ValidationError({"text": [_("Choose keep or omit.")]})
        return streamed(
            export_research(exercise, text=text),  # type: ignore[arg-type]
            content_type=NDJSON,
            filename=f"exercise-{exercise.pk}-research-{text}.jsonl",
        )


def parquet(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=PARQUET)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


TABLE_FORMATS = ("csv", "parquet")
TURNS_DESCRIPTION = (
    "One row per published turn and team, typed columns (codebook exercise_turns), "
    "de-identified; export.turns.csv or export.turns.parquet."
)
COHORT_DESCRIPTION = (
    "The exercises' tidy per-turn tables in one (codebook exercise_turns), for their "
    "facilitator; all must share one scenario."
)
COHORT_PARAMETERS = [
    OpenApiParameter("exercises", str, description="Exercise ids, '3,5,8'"),
    OpenApiParameter("cohort", str, description="Or: every exercise with this cohort"),
]


class TurnsExportView(ExportView):
    """The tidy per-turn table of one exercise (codebook table ``exercise_turns``), as CSV."""

    fmt = "csv"

    @extend_schema(
        operation_id="exercises_export_turns_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS},
        description=TURNS_DESCRIPTION,
    )
    def get(self, request: Request, exercise_id: int) -> HttpResponse | StreamingHttpResponse:
        exercise = control_exercise(request, exercise_id)
        name = f"exercise-{exercise.pk}-turns.{self.fmt}"
        if self.fmt == "parquet":
            return parquet(tidy_parquet(exercise_rows(exercise)), filename=name)
        return streamed(tidy_csv(exercise_rows(exercise)), content_type=CSV, filename=name)


class TurnsParquetExportView(TurnsExportView):
    """The same table as Parquet: an operation of its own in the OpenAPI document."""

    fmt = "parquet"

    @extend_schema(
        operation_id="exercises_export_turns_parquet",
        responses={(200, PARQUET): OpenApiTypes.BINARY, **ERRORS},
        description=TURNS_DESCRIPTION,
    )
    def get(self, request: Request, exercise_id: int) -> HttpResponse | StreamingHttpResponse:
        return super().get(request, exercise_id)


class CohortExportView(ExportView):
    """The tidy per-turn table of several exercises of one scenario, one file, as CSV."""

    fmt = "csv"

    @extend_schema(
        operation_id="cohort_export_turns_csv",
        parameters=COHORT_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS},
        description=COHORT_DESCRIPTION,
    )
    def get(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        user = facilitator_user(request)
        exercises = cohort_exercises(
            user,
            exercises=request.query_params.get("exercises"),
            cohort=request.query_params.get("cohort"),
        )
        name = f"cohort-{exercises[0].scenario_slug}-turns.{self.fmt}"
        if self.fmt == "parquet":
            return parquet(tidy_parquet(cohort_rows(exercises)), filename=name)
        return streamed(tidy_csv(cohort_rows(exercises)), content_type=CSV, filename=name)


class CohortParquetExportView(CohortExportView):
    """The same table as Parquet: an operation of its own in the OpenAPI document."""

    fmt = "parquet"

    @extend_schema(
        operation_id="cohort_export_turns_parquet",
        parameters=COHORT_PARAMETERS,
        responses={(200, PARQUET): OpenApiTypes.BINARY, **ERRORS},
        description=COHORT_DESCRIPTION,
    )
    def get(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        return super().get(request)


class CodebookView(ExportView):
    @extend_schema(
        operation_id="codebook",
        responses={200: OpenApiTypes.OBJECT, 401: ErrorShape, 403: ErrorShape},
        description="The codebook of every research table, with each action, rule and inject "
        "linked to its essay points and public sources.",
    )
    def get(self, request: Request) -> Any:
        facilitator_user(request)
        return Response(resolved_codebook())
