"""Two branches of an exercise side by side (a what-if and its original), for facilitators of
both: an escalation chart each, then every turn's rungs, decisions and narrative in two columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wargame.exercises.errors import NotFound
from wargame.exercises.principals import Principal
from wargame.exercises.selectors.branches import compare_branches
from wargame.exercises.selectors.history import escalation_history, ladder_scale
from wargame.exercises.views_of import CONTROL
from wargame.languages import active_language, in_language
from wargame.web.access import page_principal
from wargame.web.review_dashboard import escalation_figure

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from wargame.exercises.selectors.branches import SideTurn


def _side(side: SideTurn | None, lang: str) -> dict[str, Any] | None:
    if side is None:
        return None
    return {
        "peak": side["peak"],
        "ci": f"{side['ci']:.2f}" if side["ci"] is not None else None,
        "rungs": side["rung"],
        "decisions": sorted(side["decisions"].items()),
        "narrative": in_language(side["narrative"], lang),
        "overrides": side["overrides"],
    }


def _figure(principal: Principal, exercise_id: int, dom_id: str) -> dict[str, Any]:
    viewer = Principal(exercise_id=exercise_id, view=CONTROL, user=principal.user)
    return escalation_figure(
        escalation_history(viewer), ladder_scale(viewer), dom_id=dom_id, with_ci=True
    )


@require_GET
def compare(request: HttpRequest, exercise_id: int, other_id: int) -> HttpResponse:
    principal = page_principal(request, exercise_id)
    try:
        comparison = compare_branches(principal, exercise_id, other_id)
    except NotFound as exc:
        raise Http404 from exc
    lang = active_language()
    dyads = [tuple(d.split("-", 1)) for d in comparison["dyads"]]
    turns = []
    for turn in comparison["turns"]:
        a, b = _side(turn["a"], lang), _side(turn["b"], lang)
        turns.append(
            {
                "turn": turn["turn"],
                "same": turn["same"],
                "a": a,
                "b": b,
                "rows": [
                    {
                        "dyad": f"{x}→{y}",
                        "a": a["rungs"].get(x, {}).get(y) if a else None,
                        "b": b["rungs"].get(x, {}).get(y) if b else None,
                        "differs": f"{x}-{y}" in turn["rung_differs"],
                    }
                    for x, y in dyads
                ],
                "decisions_differ": turn["decisions_differ"],
                "state_differs": turn["state_differs"],
            }
        )
    context = {
        "a": comparison["a"],
        "b": comparison["b"],
        "first_difference": comparison["first_difference"],
        "turns": turns,
        "figure_a": _figure(principal, exercise_id, "compare-a"),
        "figure_b": _figure(principal, other_id, "compare-b"),
    }
    return render(request, "web/compare/compare.html", context)
