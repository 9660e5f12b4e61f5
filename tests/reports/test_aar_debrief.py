"""The debrief sections of the after-action review: each team's scorecard, the learning
objectives, and beliefs against truth with each team's Brier score and biggest surprise, every
figure from the event log, each reader's copy holding only what its view may see."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.cast import TEAMS, Game, game_create
from wargame.engine.scenario import load_builtin
from wargame.exercises.models import Exercise
from wargame.exercises.views_of import CONTROL, OBSERVERS, team_view
from wargame.reports.aar.debrief import Answer, belief_teams
from wargame.reports.aar.render import report_html
from wargame.reports.aar.text import Words

if TYPE_CHECKING:
    from rest_framework.test import APIClient

ANSWERS: dict[str, list[dict[str, Any]]] = {
    "US": [
        {"clash_within_four_days": 0.7, "dprk_launchers": "launch_ready"},
        {"clash_within_four_days": 0.1, "dprk_launchers": "stored"},
    ],
    "ROK": [
        {"clash_within_four_days": 0.4, "ally_consults_us": True},
        {"clash_within_four_days": 0.9, "ally_consults_us": False},
    ],
    "JPN": [
        {"strike_on_detection": True, "ally_consults_us": True},
        {"clash_within_four_days": 0.25, "strike_on_detection": False},
    ],
    "DPRK": [
        {"clash_within_four_days": 0.8, "allies_strike_first": 0.6},
        {"strike_on_detection": True, "allies_strike_first": 0.05},
    ],
}


def _advance(game: Game, turn: int, phase: str) -> None:
    response = game.command("advance", expected_turn=turn, expected_phase=phase)
    assert response.status_code == 200, response.content


@pytest.fixture
def debriefed(control: APIClient) -> Game:
    """Two turns played with beliefs answered by every team, ended, the debrief released to the
    US team only."""
    game = game_create(control)
    assert game.command("start").status_code == 200
    for turn in (1, 2):
        _advance(game, turn, "briefing")
        for code in TEAMS:
            saved = game.players[code].put(
                game.url(f"turns/{turn}/beliefs/"),
                {"answers": ANSWERS[code][turn - 1]},
                format="json",
            )
            assert saved.status_code == 200, saved.content
        _advance(game, turn, "deliberation")
        _advance(game, turn, "adjudication")
        if turn == 1:
            _advance(game, turn, "outcome")
    assert game.command("end").status_code == 200
    assert game.command("release_debrief", args={"views": ["US"]}).status_code == 200
    return game


def _brier_from_log(game: Game, client: APIClient) -> dict[str, float]:
    """Each team's Brier score worked out from the reader's own event log."""
    kinds = {q.id: q.answer for q in load_builtin("exercise_season").beliefs}
    (released,) = [e for e in game.events(client) if e["type"] == "debrief.released"]
    errors: dict[str, list[float]] = {}
    for row in released["payload"]["beliefs"]:
        kind, answer, truth = kinds[row["question"]], row["answer"], row["truth"]
        if kind == "choice" or truth is None:
            continue
        p = float(answer) if kind == "probability" else float(bool(answer))
        errors.setdefault(row["team"], []).append((p - float(truth)) ** 2)
    return {team: round(sum(e) / len(e), 3) for team, e in errors.items()}


def _brier_shown(html: str) -> dict[str, float]:
    found = re.findall(r'<strong class="brier" data-team="(\w+)">([0-9.]+)</strong>', html)
    return {team: float(value) for team, value in found}


def test_control_sees_every_teams_brier_equal_to_the_log(debriefed: Game) -> None:
    exercise = Exercise.objects.get(pk=debriefed.exercise_id)
    html = report_html(exercise, "en", view=CONTROL)
    expected = _brier_from_log(debriefed, debriefed.control)
    assert set(expected) == set(TEAMS)
    assert _brier_shown(html) == expected
    assert "Scorecard" in html
    assert "Beliefs against truth" in html
    assert "Each answer is set against the engine&#x27;s truth." in html
    # Every team's objectives, the checked ones scored.
    assert set(re.findall(r'<table class="scorecard" data-team="(\w+)"', html)) == set(TEAMS)
    assert "scored when the debrief is released" not in html
    assert re.search(r"<tr class=\"(met|not-met)\">", html)
    assert html.count("Biggest surprise") >= 1
    assert "Learning objectives" in html


def test_a_released_team_reads_its_own_beliefs_against_the_truth(debriefed: Game) -> None:
    exercise = Exercise.objects.get(pk=debriefed.exercise_id)
    html = report_html(exercise, "en", view=team_view("US"))
    assert _brier_shown(html) == {"US": _brier_from_log(debriefed, debriefed.players["US"])["US"]}
    assert set(re.findall(r'<table class="scorecard" data-team="(\w+)"', html)) == {"US"}
    assert "What was true" in html
    # Its copy has no appendix of perceptions: the appendices are lettered without a gap.
    appendices = re.findall(r"<h2>(Appendix [A-Z]):", html)
    assert appendices == ["Appendix A", "Appendix B"]


def test_before_the_release_a_team_sees_what_its_view_showed_and_observers_nothing(
    debriefed: Game,
) -> None:
    exercise = Exercise.objects.get(pk=debriefed.exercise_id)
    dprk = report_html(exercise, "en", view=team_view("DPRK"))
    assert "What your view showed" in dprk
    assert "What was true" not in dprk
    assert set(re.findall(r'class="beliefs" data-team="(\w+)"', dprk)) == {"DPRK"}
    assert "scored when the debrief is released" in dprk
    observers = report_html(exercise, "en", view=OBSERVERS)
    assert re.findall(r'class="beliefs" data-team="(\w+)"', observers) == []
    assert 'class="scorecard"' not in observers


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ja", ("見立てと事実", "ブライアスコア")), ("ko", ("판단과 사실", "브라이어 점수"))],
)
def test_the_debrief_sections_read_in_japanese_and_korean(
    debriefed: Game, lang: str, words: tuple[str, ...]
) -> None:
    exercise = Exercise.objects.get(pk=debriefed.exercise_id)
    html = report_html(exercise, lang, view=CONTROL)
    for word in words:
        assert word in html
    assert "Brier score" not in html
    assert "Biggest surprise" not in html


def test_an_answer_whose_window_outlived_the_game_says_it_was_never_settled() -> None:
    scenario = load_builtin("exercise_season")
    question = next(q for q in scenario.beliefs if q.answer == "probability")
    answers = [Answer(10, "US", question.id, 0.4, None)]
    for lang in ("en", "ja", "ko"):
        words = Words.build(lang, scenario)
        ended = belief_teams(words, ["US"], answers, settled=True)[0]
        running = belief_teams(words, ["US"], answers)[0]
        assert ended["rows"][0]["against"] == words.label("not_settled") != words.label("unknown")
        assert running["rows"][0]["against"] == words.label("unknown")
        assert ended["brier"] is None
        assert ended["forecasts"] == 0
