"""The cohort page: control's exercises of one cohort side by side, measured from their tidy
per-turn tables (a chart per measure, each team's Brier score), with the cohort's export links;
nobody else's exercises, and a mixed cohort refused in the reader's language."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.cast import TEAMS, facilitator_client
from tests.reports.play import play
from tests.web.conftest import signed_in
from wargame.exercises.management.commands.sample_report import SAMPLE_USERNAME, sample_play
from wargame.exercises.models import Exercise
from wargame.reports.aar.data import report_data
from wargame.reports.tidy import exercise_rows

if TYPE_CHECKING:
    from rest_framework.test import APIClient


NOT_SCORED = "\N{EN DASH}"  # the page's mark for a team with no forecast scored


def test_the_cohort_page_sets_the_exercises_side_by_side(control: APIClient) -> None:
    games = [play(control, tag=tag) for tag in ("a", "b")]
    for game, condition in zip(games, ("hotline-first", "control"), strict=True):
        game.command("set_labels", args={"cohort": "spring", "condition": condition})
    browser = signed_in("control")

    listed = browser.get("/console/").content.decode()
    assert 'data-testid="cohort-link"' in listed
    page = browser.get("/console/cohort/?cohort=spring")
    assert page.status_code == 200
    html = page.content.decode()
    for game in games:
        rows = exercise_rows(Exercise.objects.get(pk=game.exercise_id))
        peak = max(row["max_rung"] for row in rows)
        assert f'data-exercise="{game.exercise_id}"' in html
        row_html = html.split(f'data-exercise="{game.exercise_id}"')[1].split("</tr>")[0]
        assert f'<td class="num">{peak}</td>' in row_html
    assert "hotline-first" in html
    assert "/api/v1/cohort/export.turns.csv?cohort=spring" in html
    # A chart per measure, and a Brier column per team.
    charts = re.findall(r'<svg class="chart-svg" data-chart="cohort-(\w+)"', html)
    assert charts == ["peak_rung", "final_rung", "misreadings", "in_force", "brier"]
    assert re.findall(r'<th scope="col" data-team="(\w+)">Brier score: ', html) == list(TEAMS)

    facilitator_client("stranger")
    stranger = signed_in("stranger")
    assert stranger.get("/console/cohort/?cohort=spring").status_code == 400


def test_a_cohort_of_two_scenarios_is_refused_in_japanese(control: APIClient) -> None:
    for scenario in ("border_clash", "exercise_season"):
        created = control.post(
            "/api/v1/exercises/",
            {"scenario": scenario, "title": scenario, "cohort": "mixed"},
            format="json",
        )
        assert created.status_code == 201
    browser = signed_in("control")
    page = browser.get("/console/cohort/?cohort=mixed", HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 400
    assert "コホートの演習はすべて同じシナリオである必要があります。" in page.content.decode()


def test_the_cohort_page_shows_each_teams_brier_score_from_the_tidy_rows(db: None) -> None:
    """Bot teams answer the questionnaire: each team's score on the page is the mean of its
    forecasts' squared errors over the game, as the report gives it."""
    games = [
        sample_play(scenario="exercise_season", turns=2, seed=seed, language="en")
        for seed in (7, 8)
    ]
    for exercise in games:
        exercise.cohort = "bots"
        exercise.save(update_fields=["cohort"])
    html = signed_in(SAMPLE_USERNAME).get("/console/cohort/?cohort=bots").content.decode()
    for exercise in games:
        row_html = html.split(f'data-exercise="{exercise.pk}"')[1].split("</tr>")[0]
        shown = re.findall(r'<td class="num brier">([^<]+)</td>', row_html)
        expected = {t["team"]: t["brier"] for t in report_data(exercise, "en").beliefs}
        assert shown == [
            NOT_SCORED if expected.get(team) is None else f"{expected[team]:.3f}" for team in TEAMS
        ]
        assert any(score != NOT_SCORED for score in shown)
