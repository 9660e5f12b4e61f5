"""Every figure of the report's summary and of its rung-based scorecard rows, worked out again from
control's event log alone: the turns published, the people and observers seated, who played each
team turn by turn (people or the AI), and whether the rung never reached the objective's
limit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.cast import TEAMS, Game, client_key, game_create
from tests.reports.play import PLANS
from wargame.engine.scenario import load_builtin
from wargame.engine.scenario.conditions import Compare
from wargame.exercises.models import Exercise
from wargame.exercises.views_of import CONTROL
from wargame.reports.aar.render import report_html

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from wargame.engine.scenario.objectives import Check

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(control: APIClient) -> tuple[Game, dict[str, Any]]:
    """Two turns published (the first with every team's decision, the second with the DPRK
    handed to the AI), a third locked, ended and released to the teams; with the state control
    read at the start."""
    game = game_create(control)
    assert game.command("start").status_code == 200
    start = game.control.get(game.url("state/")).json()
    for turn in (1, 2, 3):
        if turn == 2:
            assert game.command("set_ai", args={"team": "DPRK", "ai": True}).status_code == 200
        assert game.command("advance").status_code == 200  # deliberation
        if turn == 1:
            for code in TEAMS:
                body = {"actions": PLANS[code], "rationale": "r", "client_key": client_key()}
                put = game.players[code].put(game.url("turns/1/decision/"), body, format="json")
                assert put.status_code == 200, put.content
        assert game.command("advance").status_code == 200  # the lock
        if turn < 3:
            published = game.control.post(
                game.url(f"turns/{turn}/adjudication/publish/"), {}, format="json"
            )
            assert published.status_code == 200, published.content
            assert game.command("advance").status_code == 200  # the next briefing
    assert game.command("end").status_code == 200
    assert game.command("release_debrief", args={"views": ["teams"]}).status_code == 200
    return game, start


def _rung_max(record: dict[str, Any]) -> int:
    """The highest rung of any pair in a state as the log carries it ({team: {team: rung}})."""
    return max((int(v) for row in record["rung"].values() for v in row.values()), default=0)


def _facts(html: str) -> dict[str, str]:
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", html)
    return {term: re.sub(r"\s+", " ", value).strip() for term, value in pairs}


def test_the_summary_and_the_rung_objectives_agree_with_the_event_log(
    played: tuple[Game, dict[str, Any]],
) -> None:
    game, start = played
    events = game.events(game.control)
    scenario = load_builtin("exercise_season")

    # The states the objectives are judged on: each turn's state when it was adjudicated (the
    # last one the log told before its outcome), then the state at the end.
    # Who held each team when each published turn was played.
    told, judged, published = start, [], 0
    ai = dict.fromkeys(TEAMS, False)
    held: dict[str, dict[str, list[int]]] = {team: {} for team in TEAMS}
    for event in events:
        payload = event["payload"]
        if event["type"] == "state.changed":
            told = payload["state"]
        elif event["type"] == "team.ai_changed":
            ai[payload["team"]] = payload["ai"]
        elif event["type"] == "outcome.published":
            judged.append(told)
            told = payload["state"]
            published += 1
            for team in TEAMS:
                held[team].setdefault("AI (bot)" if ai[team] else "people", []).append(
                    payload["turn"]
                )
    judged.append(told)
    highest = max(_rung_max(state) for state in judged)
    joined = [e["payload"] for e in events if e["type"] == "participant.joined"]
    left = {e["payload"]["participant_id"] for e in events if e["type"] == "participant.left"}
    seated = [p for p in joined if p["participant_id"] not in left]
    players = sum(1 for p in seated if p["role"] == "player")
    observers = sum(1 for p in seated if p["role"] == "observer")

    html = report_html(Exercise.objects.get(pk=game.exercise_id), "en", view=CONTROL)
    facts = _facts(html)
    assert published == 2
    assert facts["Turns published"] == f"{published} / {scenario.turn_count}"
    assert facts["Participants"] == f"Players {players} · Observers {observers}"
    assert (players, observers) == (len(TEAMS), 1)
    played_by = dict(
        re.findall(r'<span class="team team-(\w+)">[^<]*</span></td><td>([^<]*)</td>', html)
    )
    assert played_by == {team: _played_by(held[team]) for team in TEAMS}
    assert played_by["DPRK"] == "people (turns 1), AI (bot) (turns 2)"

    checked = 0
    for team in TEAMS:
        table = re.search(
            rf'<table class="scorecard" data-team="{team}">(.*?)</table>', html, re.DOTALL
        )
        assert table is not None, team
        rows = re.findall(r'<tr class="([\w-]+)"><td>([^<]+)</td>', table.group(1))
        brief = scenario.teams[team]
        assert len(rows) == len(brief.objectives)
        for index, (status, text) in enumerate(rows):
            assert text.strip() == brief.objectives[index].get("en")
            limit = _rung_limit(brief.checks[index] if index < len(brief.checks) else None)
            if limit is None:
                continue
            assert status == ("met" if highest < limit else "not-met"), (team, text, highest)
            checked += 1
    assert checked >= 2  # the US's and the DPRK's "below an armed incident"


def _played_by(held: dict[str, list[int]]) -> str:
    """The overview's words for who played a team (each hand holds single turns in this game, so
    no span of turns is written "1-3")."""
    if len(held) == 1:
        return next(iter(held))
    return ", ".join(
        f"{who} (turns {', '.join(map(str, turns))})"
        for who, turns in sorted(held.items(), key=lambda item: min(item[1]))
    )


def _rung_limit(check: Check | None) -> int | None:
    """N for a check "the highest rung stays below N throughout", else None."""
    if check is None or check.mode != "always" or not isinstance(check.condition, Compare):
        return None
    condition = check.condition
    if condition.var == "rung/max" and condition.op == "lt" and isinstance(condition.value, int):
        return condition.value
    return None
