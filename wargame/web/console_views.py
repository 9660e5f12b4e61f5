"""The facilitator console: the list of one's exercises, setting one up, and running it live.

Every write goes to the REST API from the page (forms.js); these views only read, through
the selectors, as control. A page of an exercise the caller does not facilitate is a 404,
exactly as the API answers: a hidden exercise does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from wargame.exercises.events import EventType, refresh_on
from wargame.exercises.selectors.console import console_exercises
from wargame.exercises.selectors.reads import exercise_payload, exercise_visible
from wargame.exercises.selectors.scenarios import scenario_summary, scenarios_visible
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.times import iso_utc
from wargame.languages import LANGUAGES, active_language
from wargame.web.access import cookie_participant, page_principal, view_position
from wargame.web.console_regions import REGIONS, Ctx, join_link
from wargame.web.qr import qr_svg

if TYPE_CHECKING:
    from django.http import HttpRequest

    from wargame.exercises.principals import Principal

# The review and dashboard panels, embedded in the console as live regions of their own.
EMBEDDED = (
    (
        "review",
        "web:adjudication-part",
        refresh_on(
            EventType.PHASE_CHANGED,
            EventType.ADJUDICATION_PROPOSED,
            EventType.ADJUDICATION_OVERRIDDEN,
            EventType.ADJUDICATION_DECISION_POINT,
            EventType.OUTCOME_PUBLISHED,
        ),
    ),
    (
        "dashboard",
        "web:dashboard-part",
        refresh_on(
            EventType.OUTCOME_PUBLISHED, EventType.ADJUDICATION_PROPOSED, EventType.PHASE_CHANGED
        ),
    ),
)


def _control(request: HttpRequest, exercise_id: int) -> Principal:
    """Control's principal, or 404 for everyone else (players, observers, other facilitators)."""
    principal = page_principal(request, exercise_id)
    if not principal.is_control:
        raise Http404
    return principal


def _needs_sign_in(request: HttpRequest) -> bool:
    """Nobody at all: send them to sign in. A seat holder is someone, and gets the 404."""
    return not request.user.is_authenticated and cookie_participant(request) is None


@login_required
@require_GET
def console_list(request: HttpRequest) -> HttpResponse:
    rows = console_exercises(request.user, active_language())  # type: ignore[arg-type]
    return render(request, "web/console/list.html", {"exercises": rows})


@login_required
@require_GET
def console_new(request: HttpRequest) -> HttpResponse:
    lang = active_language()
    scenarios = [
        {**scenario_summary(scenario, lang), "deliberation_minutes": scenario.deliberation_minutes}
        for scenario in scenarios_visible(request.user)
    ]
    wanted = request.GET.get("scenario", "")
    chosen = next(
        (s for s in scenarios if s["slug"] == wanted), scenarios[0] if scenarios else None
    )
    return render(
        request,
        "web/console/new.html",
        {
            "scenarios": scenarios,
            "chosen": chosen,
            "language": lang,
            "languages": LANGUAGES,
        },
    )


def _embedded(exercise_id: int) -> list[dict[str, str]]:
    return [
        {"name": name, "url": reverse(url_name, args=[exercise_id]), "refresh": refresh}
        for name, url_name, refresh in EMBEDDED
    ]


def _regions_context(ctx: Ctx, names: list[str]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for name in names:
        context.update(REGIONS[name].build(ctx))
    return context


@require_GET
def console(request: HttpRequest, exercise_id: int) -> HttpResponse:
    if _needs_sign_in(request):
        return redirect_to_login(request.get_full_path())
    principal = _control(request, exercise_id)
    exercise = exercise_visible(principal)
    position = view_position(exercise, "control")
    ctx = Ctx(request=request, principal=principal, exercise=exercise, lang=active_language())
    context = _regions_context(ctx, list(REGIONS))
    channel = request.GET.get("channel", "")
    context.update(
        {
            "exercise": exercise,
            "position": position,
            "server_now": iso_utc(timezone.now()),
            "refresh": {name: region.refresh for name, region in REGIONS.items()},
            "channel_query": f"?channel={channel}" if channel.isdigit() else "",
            "embedded": _embedded(exercise.pk),
            "scenario_title": exercise_scenario(exercise).title.get(ctx.lang),
        }
    )
    return render(request, "web/console/console.html", context)


@require_GET
def console_part(request: HttpRequest, exercise_id: int, name: str) -> HttpResponse:
    region = REGIONS.get(name)
    if region is None:
        raise Http404
    principal = _control(request, exercise_id)
    exercise = exercise_visible(principal)
    ctx = Ctx(request=request, principal=principal, exercise=exercise, lang=active_language())
    context = region.build(ctx)
    context["exercise"] = exercise
    response = render(request, f"web/console/parts/{name}.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def console_qr(request: HttpRequest, exercise_id: int, key: str) -> HttpResponse:
    if _needs_sign_in(request):
        return redirect_to_login(request.get_full_path())
    principal = _control(request, exercise_id)
    exercise = exercise_visible(principal)
    code = exercise_payload(exercise, principal).get("join_codes", {}).get(key)
    if code is None:
        raise Http404
    response = HttpResponse(
        qr_svg(join_link(request, code), title=code), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "no-store"
    return response
