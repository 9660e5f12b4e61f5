"""Password guessing is limited on every door that checks a password or a reset token.

The sign-in page, the admin's sign-in page and the API's token endpoint share one count per
client address (and one server-wide), so an address refused at one door is refused at the others.
Each attempt is counted before the password is checked, atomically (``limiter_take``: concurrent
attempts queue on the limiter's row), and taken back when it succeeds; so at most the limit is
evaluated however many arrive at once. The password-reset pages have a count of their own, and
every request to them counts: they send mail and check reset tokens.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from wargame.api.errors import error_body
from wargame.exercises.services.limiter import limiter_release, limiter_take

if TYPE_CHECKING:
    from collections.abc import Callable

WINDOW_SECONDS = 60
SIGN_IN_PATHS = frozenset({"/accounts/login/", "/admin/login/", "/api/v1/auth/token/"})
RESET_PREFIXES = ("/accounts/password_reset/", "/accounts/reset/")


def client_address(request: HttpRequest) -> str:
    """The address limits count by (Uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _door(request: HttpRequest) -> str | None:
    if request.path in SIGN_IN_PATHS and request.method == "POST":
        return "signin"
    if request.path.startswith(RESET_PREFIXES):
        return "reset"
    return None


def _signed_in(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith("/api/"):
        return response.status_code == 200
    # The sign-in views redirect after login(), which has set request.user.
    return response.status_code == 302 and request.user.is_authenticated


def _refusal(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = _("Too many failed sign-ins. Try again in %(n)d seconds.") % {"n": retry_after}
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("rate_limited", message), status=429)
    else:
        title = _("Too many attempts")
        html = render_to_string(
            "web/error.html", {"title": title, "message": message}, request=request
        )
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class SignInThrottleMiddleware:
    """429 with Retry-After past the limit of password (and reset-token) attempts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        door = _door(request)
        if door is None:
            return self.get_response(request)
        keys = (
            (f"{door}:addr:{client_address(request)}", settings.JOIN_FAILURES_PER_ADDRESS),
            (f"{door}:all", settings.JOIN_FAILURES_IN_TOTAL),
        )
        now = time.time()
        verdict = limiter_take(keys=keys, window_seconds=WINDOW_SECONDS, now=now)
        if not verdict.allowed:
            return _refusal(request, verdict.retry_after)
        response = self.get_response(request)
        if door == "signin" and _signed_in(request, response):
            limiter_release(keys=keys, now=now)
        return response
