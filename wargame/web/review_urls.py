"""Routes of the review pages: the console's adjudication review and escalation dashboard, the
observer screen and the timeline."""

from __future__ import annotations

from django.urls import path

from wargame.web import review_views, screen_views, timeline_views

urlpatterns = [
    path(
        "console/<int:exercise_id>/adjudication/part/",
        review_views.adjudication_part,
        name="adjudication-part",
    ),
    path(
        "console/<int:exercise_id>/dashboard/part/",
        review_views.dashboard_part,
        name="dashboard-part",
    ),
    path("screen/<int:exercise_id>/", screen_views.screen, name="screen"),
    path(
        "screen/<int:exercise_id>/part/<slug:name>/",
        screen_views.screen_part,
        name="screen-part",
    ),
    path("exercises/<int:exercise_id>/timeline/", timeline_views.timeline, name="timeline"),
]
