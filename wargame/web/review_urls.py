"""Routes of the review pages: the console's adjudication review and escalation dashboard, the
observer screen and the timeline."""

from __future__ import annotations

from django.urls import path

from wargame.web import region_views, screen_views, timeline_views
from wargame.web.regions.table import CONSOLE, SCREEN

urlpatterns = [
    path(
        "console/<int:exercise_id>/adjudication/part/",
        region_views.region_part,
        {"kind": CONSOLE, "name": "review"},
        name="adjudication-part",
    ),
    path(
        "console/<int:exercise_id>/dashboard/part/",
        region_views.region_part,
        {"kind": CONSOLE, "name": "dashboard"},
        name="dashboard-part",
    ),
    path("screen/<int:exercise_id>/", screen_views.screen, name="screen"),
    path(
        "screen/<int:exercise_id>/part/<slug:name>/",
        region_views.region_part,
        {"kind": SCREEN},
        name="screen-part",
    ),
    path("exercises/<int:exercise_id>/timeline/", timeline_views.timeline, name="timeline"),
]
