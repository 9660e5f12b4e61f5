"""Route of the branch comparison page."""

from __future__ import annotations

from django.urls import path

from wargame.web import compare_views

urlpatterns = [
    path(
        "exercises/<int:exercise_id>/compare/<int:other_id>/",
        compare_views.compare,
        name="compare",
    ),
]
