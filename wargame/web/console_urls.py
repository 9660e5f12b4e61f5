"""Routes of the console pages (placeholder until the console views land)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def _placeholder(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=503)


urlpatterns = [path("console/", _placeholder, name="console-list")]
