"""The cohort page: control's exercises of one cohort side by side, measured from their tidy
per-turn tables, with the cohort's export links; nobody else's exercises, and a mixed cohort
refused in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.cast import facilitator_client
from tests.reports.play import play
from tests.web.conftest import signed_in
from wargame.exercises.models import Exercise
from wargame.reports.tidy import exercise_rows

if TYPE_CHECKING:
    from rest_framework.test import APIClient


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
