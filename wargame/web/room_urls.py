"""Routes of the team room: the page and the fragments of its live regions."""

from __future__ import annotations

from django.urls import path

from wargame.web import room_views

urlpatterns = [
    path("play/<int:exercise_id>/", room_views.room, name="room"),
    path("play/<int:exercise_id>/part/<slug:name>/", room_views.room_part, name="room-part"),
]
