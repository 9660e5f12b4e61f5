"""Routes of the after-action review (CONTRACT.md): the report as a page and as a PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import path

from wargame.reports.aar_views import ReportHtmlView, ReportPdfView

if TYPE_CHECKING:
    from django.urls import URLPattern

EX = "exercises/<int:exercise_id>/"

urlpatterns: list[URLPattern] = [
    path(EX + "report.html", ReportHtmlView.as_view(), name="report-html"),
    path(EX + "report.pdf", ReportPdfView.as_view(), name="report-pdf"),
]
