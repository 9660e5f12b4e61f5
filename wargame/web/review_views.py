"""The facilitator console's review fragments: the adjudication review panel and the escalation
dashboard. Each answers the region's inner HTML; the console renders the same includes on load
(with ``adjudication_context`` and ``dashboard_context``) so the page and the fragment never drift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from wargame.exercises.errors import NotFound
from wargame.exercises.selectors.history import escalation_history, ladder_scale
from wargame.exercises.selectors.reads import adjudication_for, exercise_visible
from wargame.web.access import page_principal
from wargame.web.review_dashboard import escalation_alerts, escalation_figure
from wargame.web.review_labels import rung_name
from wargame.web.review_panel import adjudication_context

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from wargame.exercises.principals import Principal

__all__ = [
    "adjudication_context",
    "adjudication_html",
    "adjudication_part",
    "dashboard_context",
    "dashboard_html",
    "dashboard_part",
]


def _control(request: HttpRequest, exercise_id: int) -> Principal:
    principal = page_principal(request, exercise_id)
    if not principal.is_control:
        raise Http404
    return principal


def _pending_decision_points(principal: Principal) -> list[dict[str, Any]]:
    """Nuclear decision points of the proposal in review: the alert control must not miss."""
    exercise = exercise_visible(principal)
    if exercise.phase != "adjudication" or exercise.turn is None:
        return []
    try:
        proposal = adjudication_for(principal, turn=exercise.turn)
    except NotFound:
        return []
    if proposal is None:
        return []
    return [
        {**point, "turn": exercise.turn, "rung_name": rung_name(int(point["rung"]))}
        for point in proposal["decision_points"]
    ]


def dashboard_context(principal: Principal) -> dict[str, Any]:
    history = escalation_history(principal)
    scale = ladder_scale(principal)
    return {
        "exercise_id": principal.exercise_id,
        "figure": escalation_figure(
            history, scale, dom_id="dashboard", with_ci=principal.is_control
        ),
        "alerts": escalation_alerts(history, scale),
        "decision_points": _pending_decision_points(principal),
        "scale": scale,
        "latest_turn": history[-1]["turn"],
    }


def adjudication_html(request: HttpRequest, principal: Principal) -> SafeString:
    """The panel's HTML for the console to place inside its live region on first render."""
    html = render_to_string(
        "web/review/_adjudication.html", adjudication_context(principal), request
    )
    return mark_safe(html)  # noqa: S308 - a template's output, escaped by the template engine


def dashboard_html(request: HttpRequest, principal: Principal) -> SafeString:
    html = render_to_string("web/review/_dashboard.html", dashboard_context(principal), request)
    return mark_safe(html)  # noqa: S308 - a template's output, escaped by the template engine


@require_GET
def adjudication_part(request: HttpRequest, exercise_id: int) -> HttpResponse:
    principal = _control(request, exercise_id)
    return render(request, "web/review/_adjudication.html", adjudication_context(principal))


@require_GET
def dashboard_part(request: HttpRequest, exercise_id: int) -> HttpResponse:
    principal = _control(request, exercise_id)
    return render(request, "web/review/_dashboard.html", dashboard_context(principal))
