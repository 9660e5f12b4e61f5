"""Error pages: the contract's JSON under /api/, a page for people everywhere else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from wargame.api.errors import error_body


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    html = render_to_string("web/error.html", {"title": title, "message": message}, request=request)
    return HttpResponse(html, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return _page(
        request,
        _("Not found"),
        _("Nothing is here, or it is not yours to see. Check the link or ask your facilitator."),
        404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("Something went wrong on our side; it has been logged.")
    if _wants_json(request):
        return JsonResponse(error_body("server_error", message), status=500)
    # No request context: a broken context processor must not break the error page too.
    html = render_to_string("web/error.html", {"title": _("Server error"), "message": message})
    return HttpResponse(html, status=500)
