"""Routes of the room pages (placeholder until the room views land)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def _placeholder(request: HttpRequest, exercise_id: int) -> HttpResponse:
    return HttpResponse(status=503)


urlpatterns = [path("play/<int:exercise_id>/", _placeholder, name="room")]
