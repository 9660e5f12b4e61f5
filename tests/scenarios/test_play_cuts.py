"""Every cut of every built-in scenario is played to its last move by AI teams, at the engine level:
injects with their branches and effects, the belief questionnaire, the adjudication, objectives."""

from __future__ import annotations

from functools import cache

import pytest

from wargame.engine.scenario import Scenario, builtin_slugs, load_builtin
from wargame.engine.scenario.play import CutRecord, play_cut

CASES = [(slug, cut.id) for slug in builtin_slugs() for cut in load_builtin(slug).cuts]


@cache
def played(slug: str, cut: str, policy: str) -> tuple[Scenario, CutRecord]:
    scenario = load_builtin(slug).for_cut(cut)
    return scenario, play_cut(scenario, seed=11, policy=policy)


def _private_asks(scenario: Scenario, team: str) -> set[str]:
    """The injects placed in this cut that put a decision to `team` alone or to a few teams."""
    views = {f"team:{code}" for code in scenario.team_codes}
    return {
        i.id
        for i in scenario.injects
        if i.when is None
        and i.branch is None
        and i.asks
        and f"team:{team}" in i.audience
        and "observers" not in i.audience
        and not views <= set(i.audience)
    }


@pytest.mark.parametrize(("slug", "cut"), CASES)
@pytest.mark.parametrize("policy", ["cautious", "hawkish"])
def test_ai_teams_play_every_cut_to_its_end(slug: str, cut: str, policy: str) -> None:
    scenario, record = played(slug, cut, policy)
    teams = set(scenario.team_codes)
    assert [m.turn for m in record.moves] == list(range(1, scenario.turn_count + 1))
    assert len(record.states) == scenario.turn_count + 1
    for move in record.moves:
        assert any(view.startswith("team:") for view in move.by_view), move.turn
        assert set(move.decisions) == teams
        for team in teams:
            asked = {q.id for q in scenario.beliefs if team in q.teams}
            assert set(move.answers[team]) == asked
    for team in teams:
        received = {i for m in record.moves for i in m.by_view.get(f"team:{team}", [])}
        assert _private_asks(scenario, team) & received, team
        checks = scenario.teams[team].checks
        assert [c is None for c in checks] == [r is None for r in record.objectives[team]]
    assert any(r is not None for results in record.objectives.values() for r in results)
    for questions in record.scores.values():
        for scores in questions.values():
            assert all(s is None or 0.0 <= s <= 1.0 for s in scores)


@pytest.mark.parametrize("cut", ["short", "half_day", "full_day"])
def test_freedom_shield_puts_an_exercise_into_the_model(cut: str) -> None:
    _scenario, record = played("exercise_season", cut, "cautious")
    begun = next(m for m in record.moves if "fs_begins" in m.released)
    # Each ally exercises that move: the exercise in progress, or its own choice of scale.
    chose = {
        team
        for team, decision in begun.decisions.items()
        if any(a.action == "s.exercise" for a in decision.actions)
    }
    assert set(begun.exercising) | chose == {"US", "ROK"}
    assert set(begun.exercising) - chose
    assert all(m.exercising == [] for m in record.moves[: begun.turn - 1])


@pytest.mark.parametrize("cut", ["short", "half_day", "full_day"])
def test_crab_season_raises_the_incident_hazard(cut: str) -> None:
    _scenario, record = played("border_clash", cut, "cautious")
    season = next(m.turn for m in record.moves if "crab_season_nll" in m.released)
    assert record.moves[season - 1].hazards["incident"] == 2.0
    assert record.moves[-1].hazards["incident"] == 1.0
