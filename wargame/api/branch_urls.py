"""What-if branch routes (`POST fork/`, `GET compare/{other}/`): docs/interface.md#endpoints."""

from __future__ import annotations

from django.urls import path

from wargame.api.branch_views import CompareView, ForkView

EX = "exercises/<int:exercise_id>/"

urlpatterns = [
    path(EX + "fork/", ForkView.as_view(), name="fork"),
    path(EX + "compare/<int:other_id>/", CompareView.as_view(), name="compare"),
]
