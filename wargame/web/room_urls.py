"""Routes of the team room: the page and the fragments of its live regions."""

from __future__ import annotations

from django.urls import path

from wargame.web import region_views, room_views
from wargame.web.regions.table import ROOM

urlpatterns = [
    path("play/<int:exercise_id>/", room_views.room, name="room"),
    path(
        "play/<int:exercise_id>/part/<slug:name>/",
        region_views.region_part,
        {"kind": ROOM},
        name="room-part",
    ),
]
