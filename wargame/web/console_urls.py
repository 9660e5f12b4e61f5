"""Routes of the facilitator console."""

from __future__ import annotations

from django.urls import path

from wargame.web import cohort_views, console_views, region_views
from wargame.web.regions.table import CONSOLE

urlpatterns = [
    path("console/", console_views.console_list, name="console-list"),
    path("console/new/", console_views.console_new, name="console-new"),
    path("console/cohort/", cohort_views.cohort, name="console-cohort"),
    path("console/<int:exercise_id>/", console_views.console, name="console"),
    path(
        "console/<int:exercise_id>/part/<slug:name>/",
        region_views.region_part,
        {"kind": CONSOLE},
        name="console-part",
    ),
    path(
        "console/<int:exercise_id>/qr/<slug:key>.svg", console_views.console_qr, name="console-qr"
    ),
]
