from __future__ import annotations

from django.urls import path

from wargame.realtime.consumer import ExerciseConsumer

websocket_urlpatterns = [
    path("ws/exercises/<int:exercise_id>/", ExerciseConsumer.as_asgi()),
]
