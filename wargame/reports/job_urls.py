"""Report jobs (CONTRACT.md): make the after-action report in a worker, follow it, fetch it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import path

from wargame.reports import job_views

if TYPE_CHECKING:
    from django.urls import URLPattern

EX = "exercises/<int:exercise_id>/"

urlpatterns: list[URLPattern] = [
    path(EX + "reports/", job_views.ReportJobListView.as_view(), name="reports"),
    path(EX + "reports/<int:rid>/", job_views.ReportJobView.as_view(), name="report-job"),
    path(EX + "reports/<int:rid>/file", job_views.ReportJobFileView.as_view(), name="report-file"),
]
