from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import include, path

from wargame.api import (
    exercise_views,
    export_views,
    facilitator_views,
    joint_views,
    play_views,
    practice_views,
    report_views,
    review_views,
    scenario_views,
)

if TYPE_CHECKING:
    from django.urls import URLPattern, URLResolver

app_name = "api"

EX = "exercises/<int:exercise_id>/"
TURN = EX + "turns/<int:turn>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", exercise_views.TokenObtainView.as_view(), name="auth-token"),
    path("scenarios/", scenario_views.ScenarioListView.as_view(), name="scenarios"),
    path(
        "scenarios/validate/",
        scenario_views.ScenarioValidateView.as_view(),
        name="scenario-validate",
    ),
    path("scenarios/<slug:slug>/", scenario_views.ScenarioDetailView.as_view(), name="scenario"),
    path("exercises/", exercise_views.ExerciseListView.as_view(), name="exercises"),
    path("join/", exercise_views.JoinView.as_view(), name="join"),
    path("practice/", practice_views.PracticeView.as_view(), name="practice"),
    path(EX, exercise_views.ExerciseDetailView.as_view(), name="exercise"),
    path(EX + "facilitators/", facilitator_views.FacilitatorsView.as_view(), name="facilitators"),
    path(
        EX + "facilitators/<int:user_id>/",
        facilitator_views.FacilitatorRemoveView.as_view(),
        name="facilitator",
    ),
    path(EX + "commands/", exercise_views.CommandView.as_view(), name="commands"),
    path(EX + "state/", play_views.StateView.as_view(), name="state"),
    path(EX + "actions/", play_views.ActionsView.as_view(), name="actions"),
    path(EX + "events/", play_views.EventListView.as_view(), name="events"),
    path(EX + "channels/", play_views.ChannelListView.as_view(), name="channels"),
    path(
        EX + "channels/<int:channel_id>/messages/",
        play_views.MessageListView.as_view(),
        name="messages",
    ),
    path(EX + "statements/", play_views.StatementListView.as_view(), name="statements"),
    path(EX + "agreements/", play_views.AgreementListView.as_view(), name="agreements"),
    path(TURN + "decision/", play_views.DecisionView.as_view(), name="decision"),
    path(TURN + "beliefs/", play_views.BeliefsView.as_view(), name="beliefs"),
    path(
        TURN + "decision/submit/", play_views.DecisionSubmitView.as_view(), name="decision-submit"
    ),
    path(TURN + "joint/", joint_views.JointListView.as_view(), name="joint"),
    path(TURN + "joint/join/", joint_views.JointJoinView.as_view(), name="joint-join"),
    path(TURN + "adjudication/", review_views.AdjudicationView.as_view(), name="adjudication"),
    path(TURN + "adjudication/reroll/", review_views.RerollView.as_view(), name="reroll"),
    path(TURN + "adjudication/publish/", review_views.PublishView.as_view(), name="publish"),
    path(EX + "export.jsonl", export_views.JsonlExportView.as_view(), name="export-jsonl"),
    path(EX + "export.csv", export_views.CsvExportView.as_view(), name="export-csv"),
    path(
        EX + "export.research.jsonl",
        export_views.ResearchExportView.as_view(),
        name="export-research",
    ),
    path(EX + "export.turns.csv", export_views.TurnsExportView.as_view(), name="export-turns-csv"),
    path(
        EX + "export.turns.parquet",
        export_views.TurnsParquetExportView.as_view(),
        name="export-turns-parquet",
    ),
    path("cohort/export.turns.csv", export_views.CohortExportView.as_view(), name="cohort-csv"),
    path(
        "cohort/export.turns.parquet",
        export_views.CohortParquetExportView.as_view(),
        name="cohort-parquet",
    ),
    path("codebook.json", export_views.CodebookView.as_view(), name="codebook"),
    path(EX + "report.html", report_views.ReportHtmlView.as_view(), name="report-html"),
    path(EX + "report.pdf", report_views.ReportPdfView.as_view(), name="report-pdf"),
    path(EX + "reports/", report_views.ReportJobListView.as_view(), name="reports"),
    path(EX + "reports/<int:rid>/", report_views.ReportJobView.as_view(), name="report-job"),
    path(
        EX + "reports/<int:rid>/file", report_views.ReportJobFileView.as_view(), name="report-file"
    ),
    path("", include("wargame.api.branch_urls")),
]
