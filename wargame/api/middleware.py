"""Request guards that must act before any view reads the body or touches the database."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from wargame.api.errors import error_body, service_unavailable_response

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)


class RequestSizeLimitMiddleware:
    """Answers 413 for a declared body over the cap, without reading it
    (docs/interface.md#rest-conventions: 256 KiB)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.MAX_REQUEST_BODY_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        stream = getattr(request, "_stream", None)
        if not declared and stream is not None and stream.seekable():
            # Under ASGI a chunked body (no Content-Length) is already spooled: measure it.
            declared = stream.seek(0, 2)
            stream.seek(0)
        if declared > limit:
            return JsonResponse(
                error_body(
                    "payload_too_large",
                    f"The request body is {declared} bytes; the limit is {limit} bytes.",
                ),
                status=413,
            )
        return self.get_response(request)


class ServiceUnavailableMiddleware:
    """A briefly unreachable database becomes a 503 with Retry-After, never a 500 traceback."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            # Raised by session or auth middleware before a view's own handler could map it.
            logger.warning("database unavailable: %s", exc)
            return service_unavailable_response()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("database unavailable: %s", exception)
            return service_unavailable_response()
        return None
