"""Error pages under the JSON contract (the API's views arrive with the exercise endpoints)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from wargame.api.errors import error_body


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        error_body("server_error", _("Something went wrong on our side; it has been logged.")),
        status=500,
    )
