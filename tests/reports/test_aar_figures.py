"""Every figure of the report's summary and of its scorecard, worked out again from control's event
log and the scenario's text alone: the turns published, the people and observers seated, who played
each team turn by turn (people or the AI), and whether each objective with a check was met (rungs,
assurance, hotlines, agreements and decisions; at the end, throughout or at some point), judged
here by a reading of the checks written independently of the engine's."""

from __future__ import annotations

import operator
import re
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tests.cast import TEAMS, Game, client_key, game_create
from tests.reports.play import PLANS
from tests.services import PROJECT_DIR
from wargame.engine.scenario import load_builtin
from wargame.exercises.models import Exercise
from wargame.exercises.views_of import CONTROL
from wargame.reports.aar.render import report_html

if TYPE_CHECKING:
    from collections.abc import Callable

    from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(control: APIClient) -> tuple[Game, dict[str, Any]]:
    """Two turns published (the first with every team's decision and the inter-Korean line put
    back up by control, the second with the DPRK handed to the AI), a third locked, ended and
    released to the teams; with the state control read at the start."""
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
        if turn == 1:
            # The inter-Korean line answers again for a while: an "ever" objective is met though
            # the line was down at the start, so "ever" and "throughout" read differently.
            line_up = {"path": "/state/hotline/ik", "value": "up", "reason": "Talks at Panmunjom."}
            patched = game.control.patch(
                game.url("turns/1/adjudication/"), {"overrides": [line_up]}, format="json"
            )
            assert patched.status_code == 200, patched.content
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


def test_the_summary_and_the_scorecard_agree_with_the_event_log(
    played: tuple[Game, dict[str, Any]],
) -> None:
    game, start = played
    events = game.events(game.control)
    scenario = load_builtin("exercise_season")

    # The states the objectives are judged on: each turn's state when it was adjudicated (the
    # last one the log told before its outcome), then the state at the end.
    # Who held each team when each published turn was played.
    told, judged, published = start, [], 0
    sealed: dict[tuple[str, int], list[dict[str, Any]]] = {}
    agreements: dict[int, dict[str, Any]] = {}  # the state's payload carries none: the log does
    ai = dict.fromkeys(TEAMS, False)
    held: dict[str, dict[str, list[int]]] = {team: {} for team in TEAMS}
    for event in events:
        payload = event["payload"]
        if event["type"] == "state.changed":
            told = payload["state"]
        elif event["type"] == "agreement.changed":
            agreements[payload["id"]] = payload
        elif event["type"] == "decision.submitted":
            sealed[(payload["team"], payload["turn"])] = payload["actions"]
        elif event["type"] == "team.ai_changed":
            ai[payload["team"]] = payload["ai"]
        elif event["type"] == "outcome.published":
            judged.append({**told, "agreements": list(agreements.values())})
            told = payload["state"]
            published += 1
            for team in TEAMS:
                held[team].setdefault("AI (bot)" if ai[team] else "people", []).append(
                    payload["turn"]
                )
    judged.append({**told, "agreements": list(agreements.values())})
    taken = [
        (team, turn, action)
        for (team, turn), actions in sealed.items()
        if turn <= published
        for action in actions
    ]
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

    checks = _checks_as_written()
    checked = set()
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
            check = checks[team][index]
            if check is None:
                continue
            met = _met(check, judged, taken)
            assert status == ("met" if met else "not-met"), (team, text, met)
            checked.add(next(iter(check)) if set(check) & set(MODES) else "at_end")
    # Objectives of every kind were judged: at the end, throughout and at some point.
    assert checked == set(MODES)


def _played_by(held: dict[str, list[int]]) -> str:
    """The overview's words for who played a team (each hand holds single turns in this game, so
    no span of turns is written "1-3")."""
    if len(held) == 1:
        return next(iter(held))
    return ", ".join(
        f"{who} (turns {', '.join(map(str, turns))})"
        for who, turns in sorted(held.items(), key=lambda item: min(item[1]))
    )


MODES = ("at_end", "always", "ever")


def _among(have: Any, wanted: Any) -> bool:
    return have in wanted


COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": _among,
}


def _checks_as_written() -> dict[str, list[dict[str, Any] | None]]:
    """Each team's objective checks as the scenario file has them (None: prose only)."""
    text = (PROJECT_DIR / "scenarios" / "exercise_season.yaml").read_text(encoding="utf-8")
    teams = yaml.safe_load(text)["teams"]
    return {
        code: [objective.get("check") for objective in team["objectives"]]
        for code, team in teams.items()
    }


def _read(state: dict[str, Any], pointer: str) -> Any:
    """A check's variable, read from a state as the log carries it."""
    parts = pointer.split("/")
    if pointer == "rung/max":
        return _rung_max(state)
    if parts[0] == "rung":
        return int(state["rung"].get(parts[1], {}).get(parts[2], 0))
    if parts[0] in ("assurance", "hotline"):
        return state[parts[0]][parts[1]]
    if parts[0] == "agreement":
        statuses = [a["status"] for a in state["agreements"] if a["measure"] == parts[1]]
        return statuses[-1] if statuses else None
    raise AssertionError(f"this test does not read {pointer}")


def _holds(condition: dict[str, Any], state: dict[str, Any], taken: list[Any]) -> bool:
    if "all" in condition:
        return all(_holds(c, state, taken) for c in condition["all"])
    if "any" in condition:
        return any(_holds(c, state, taken) for c in condition["any"])
    if "decided" in condition:
        wanted = condition["decided"]
        assert wanted.get("within") == "all", wanted  # the only window the file uses
        return any(
            team == wanted["team"] and action["action"] == wanted["action"] and turn < state["turn"]
            for team, turn, action in taken
        )
    (op,) = set(condition) - {"var"}
    return bool(COMPARE[op](_read(state, condition["var"]), condition[op]))


def _met(check: dict[str, Any], states: list[dict[str, Any]], taken: list[Any]) -> bool:
    mode = next((m for m in MODES if m in check), "at_end")
    condition = check.get(mode, check)
    if mode == "at_end":
        return _holds(condition, states[-1], taken)
    results = [_holds(condition, state, taken) for state in states]
    return all(results) if mode == "always" else any(results)
