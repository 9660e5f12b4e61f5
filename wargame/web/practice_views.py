"""Practice alone: pick a scenario and a team; bots play the others and the game paces itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from wargame.exercises.errors import RateLimited, WargameError
from wargame.exercises.selectors.scenarios import builtin_scenarios, scenario_summary
from wargame.exercises.services.practice import practice_create
from wargame.languages import active_language
from wargame.web.join_views import LEFT_PRACTICE_COOKIE, left_practice, seat_cookie_set, seat_url

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@require_http_methods(["GET", "POST"])
def practice(request: HttpRequest) -> HttpResponse:
    lang = active_language()
    context: dict[str, object] = {
        "scenarios": [scenario_summary(s, lang) for s in builtin_scenarios()],
        "chosen": {
            "scenario": request.POST.get("scenario", ""),
            "team": request.POST.get("team", ""),
        },
        "errors": {},
        "left_practice": left_practice(request),
    }
    if request.method == "GET":
        return render(request, "web/practice.html", context)
    scenario, _, team = request.POST.get("seat", "").partition(":")
    context["chosen"] = {"scenario": scenario, "team": team}
    try:
        seat = practice_create(
            scenario=scenario,
            team=team,
            language=lang,
            address=str(request.META.get("REMOTE_ADDR") or "unknown"),
        )
    except WargameError as exc:
        context["form_error"] = exc.message
        response = render(request, "web/practice.html", context, status=exc.status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    response = redirect(reverse("web:room", args=[seat.participant.exercise_id]))
    seat_cookie_set(response, seat.token)
    return response


@require_http_methods(["POST"])
def practice_return(request: HttpRequest) -> HttpResponse:
    """Take back the practice seat this browser left; the practice page if its game has ended."""
    seat = left_practice(request)
    token = request.COOKIES.get(LEFT_PRACTICE_COOKIE)
    if seat is None or not token:
        response = redirect("web:practice")
    else:
        response = redirect(seat_url(seat))
        seat_cookie_set(response, token)
    response.delete_cookie(LEFT_PRACTICE_COOKIE, samesite="Lax")
    return response
