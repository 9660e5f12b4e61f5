"""The cohort page: several exercises of one scenario that control labelled with one cohort, side
by side (outcome measures, CBMs and each team's calibration, from the tidy per-turn table), a chart
per measure, and the cohort's export links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wargame.exercises.errors import InvalidInput, NotFound
from wargame.exercises.selectors.cohorts import cohort_exercises
from wargame.exercises.services.game import exercise_scenario
from wargame.languages import active_language
from wargame.reports.aar.charts import bar_chart_svg
from wargame.reports.tidy import exercise_rows

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from wargame.exercises.models import Exercise
    from wargame.reports.aar.shapes import Series


def _brier(rows: list[dict[str, Any]], team: str) -> float | None:
    """The team's Brier score over the game: the mean squared error of all its scored forecasts."""
    own = [r for r in rows if r["team"] == team and r["belief_forecasts"]]
    forecasts = sum(int(r["belief_forecasts"]) for r in own)
    if not forecasts:
        return None
    total = sum(float(r["belief_brier"]) * int(r["belief_forecasts"]) for r in own)
    return round(total / forecasts, 3)


def _measures(exercise: Exercise, teams: list[str]) -> dict[str, Any]:
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
        "brier": [_brier(rows, team) for team in teams],
        "forecasts": sum(row["belief_forecasts"] for row in rows),
    }


def _charts(exercises: list[dict[str, Any]], teams: list[tuple[str, str]]) -> list[dict[str, str]]:
    """A chart per measure, the exercises in the table's order (each named by its title and
    condition)."""
    lang = active_language()
    labels = [
        f"{e['title']} ({e['condition']})" if e["condition"] else str(e["title"]) for e in exercises
    ]

    def one(key: str) -> list[Series]:
        return [{"label": "", "values": [e[key] for e in exercises]}]

    measures: list[tuple[str, str, str, list[Series]]] = [
        ("peak_rung", _("Highest rung"), _("Rung"), one("peak_rung")),
        ("final_rung", _("Rung at the end"), _("Rung"), one("final_rung")),
        ("misreadings", _("Misreadings"), _("Acts misread or imagined"), one("misreadings")),
        ("in_force", _("Agreements in force at the end"), _("Agreements"), one("in_force")),
        (
            "brier",
            _("Brier score per team (0 is perfect)"),
            _("Brier score"),
            [
                {"label": name, "values": [e["brier"][index] for e in exercises]}
                for index, (_code, name) in enumerate(teams)
            ],
        ),
    ]
    return [
        {
            "kind": kind,
            "title": title,
            "svg": bar_chart_svg(f"cohort-{kind}", title, labels, series, lang, axis=axis),
        }
        for kind, title, axis, series in measures
    ]


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
    lang = active_language()
    teams = [(code, scenario.teams[code].name.get(lang)) for code in scenario.team_codes]
    measured = [_measures(exercise, [code for code, _name in teams]) for exercise in exercises]
    return render(
        request,
        "web/console/cohort.html",
        {
            "cohort": label.strip(),
            "scenario_title": scenario.title.get(lang),
            "teams": teams,
            "exercises": measured,
            "charts": _charts(measured, teams),
        },
    )
