"""The cohort page: several exercises of one scenario that control labelled with one cohort, side
by side (outcome measures from the tidy per-turn table), with the cohort's export links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wargame.exercises.errors import InvalidInput, NotFound
from wargame.exercises.selectors.cohorts import cohort_exercises
from wargame.exercises.services.game import exercise_scenario
from wargame.languages import active_language
from wargame.reports.tidy import exercise_rows

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from wargame.exercises.models import Exercise


def _measures(exercise: Exercise) -> dict[str, Any]:
    """One exercise's outcome as the cohort page compares it, read from its tidy rows."""
    rows = exercise_rows(exercise)
    last = max((row["turn"] for row in rows), default=0)
    final = [row for row in rows if row["turn"] == last]
    return {
        "id": exercise.pk,
        "title": exercise.title,
        "condition": exercise.condition,
        "turns": last,
        "peak_rung": max((row["max_rung"] for row in rows), default=None),
        "final_rung": max((row["max_rung"] for row in final), default=None),
        "misreadings": sum(row["misread"] + row["phantom"] for row in rows),
        "in_force": max((row["in_force"] for row in final), default=0),
        "ai_turns": sum(1 for row in rows if row["played_by"] == "ai"),
    }


@login_required
@require_GET
def cohort(request: HttpRequest) -> HttpResponse:
    label = request.GET.get("cohort", "")
    try:
        exercises = cohort_exercises(request.user, exercises=None, cohort=label)  # type: ignore[arg-type]
    except (InvalidInput, NotFound) as refused:
        reason = next(iter(refused.fields.values()), [refused.message])[0]
        return render(
            request, "web/console/cohort.html", {"cohort": label, "error": reason}, status=400
        )
    scenario = exercise_scenario(exercises[0])
    return render(
        request,
        "web/console/cohort.html",
        {
            "cohort": label.strip(),
            "scenario_title": scenario.title.get(active_language()),
            "exercises": [_measures(exercise) for exercise in exercises],
        },
    )
