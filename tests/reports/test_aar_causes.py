"""A played game's report explains each escalation step from the adjudication records, sets out
who the US consulted before its step with the DPRK, and names who played each team each turn
(the DPRK handed to the AI for turn 2); the tidy export agrees on who played."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq
import pytest

from tests.cast import TEAMS, Game, client_key, game_create
from wargame.engine.adjudicate import adjudicate
from wargame.engine.catalogue import validate_decision
from wargame.engine.scenario import load_builtin
from wargame.exercises.models import Adjudication, Exercise
from wargame.reports.aar.causes import cause_texts, escalation_causes
from wargame.reports.aar.data import report_data
from wargame.reports.aar.render import report_html
from wargame.reports.aar.text import Words

if TYPE_CHECKING:
    from rest_framework.test import APIClient

TURN_1: dict[str, list[dict[str, Any]]] = {
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "s.nuclear_test"}],
}


def _turn(game: Game, turn: int, plans: dict[str, list[dict[str, Any]]]) -> None:
    assert game.command("advance", expected_turn=turn, expected_phase="briefing").status_code == 200
    for code, actions in plans.items():
        saved = game.players[code].put(
            game.url(f"turns/{turn}/decision/"),
            {"actions": actions, "rationale": f"{code} {turn}", "client_key": client_key()},
            format="json",
        )
        assert saved.status_code == 200, saved.content
        submitted = game.players[code].post(
            game.url(f"turns/{turn}/decision/submit/"), {}, format="json"
        )
        assert submitted.status_code == 200, submitted.content
    assert (
        game.command("advance", expected_turn=turn, expected_phase="deliberation").status_code
        == 200
    )
    published = game.control.post(
        game.url(f"turns/{turn}/adjudication/publish/"), {}, format="json"
    )
    assert published.status_code == 200, published.content
    assert game.command("advance", expected_turn=turn, expected_phase="outcome").status_code == 200


@pytest.fixture
def game(control: APIClient) -> Game:
    game = game_create(control, deliberation_minutes=None)
    assert game.command("start").status_code == 200
    _turn(game, 1, TURN_1)
    # The DPRK's people hand the team to the AI for turn 2; nobody of theirs writes its decision.
    assert game.command("set_ai", args={"team": "DPRK", "ai": True}).status_code == 200
    _turn(game, 2, {code: [] for code in TEAMS if code != "DPRK"})
    return game


def test_each_rung_rise_has_its_chain_and_each_us_step_its_consultations(game: Game) -> None:
    exercise = Exercise.objects.get(pk=game.exercise_id)
    first = Adjudication.objects.get(exercise=exercise, turn=1)
    before = first.base_state["rung"]
    after = first.proposal["state"]["rung"]
    rises = {(a, b) for a, row in after.items() for b, v in row.items() if v > before[a][b]}
    assert ("DPRK", "US") in rises  # a nuclear test implies rung 4; the DPRK stood at 2

    data = report_data(exercise, "en")
    causes = {(row["turn"], row["actor"], row["target"]): row for row in data.causes}
    assert {key[1:] for key in causes if key[0] == 1} == rises
    step = causes[(1, "DPRK", "US")]
    rise = f"{before['DPRK']['US']} → {after['DPRK']['US']}"
    assert step["step"] == f"DPRK → United States: rung {rise}"
    # The test is on the dyad; the US's offer of talks is no rung of its own, so it is no cause.
    assert step["decisions"] == ["DPRK: Nuclear test"]
    assert step["misreads"] == []
    # A decision of the DPRK's own, taken as it stood: no rule drew on the dyad.
    assert step["rules"] == []
    assert step["draws"] == []

    (consult,) = [row for row in data.consultations if row["turn"] == 1]
    statuses = {ally["team"]: ally["status"] for ally in consult["allies"]}
    assert statuses == {"ROK": "consulted", "JPN": "not consulted"}
    assert "Offer" in consult["step"] or "talks" in consult["step"].lower()

    teams = {row["code"]: row["played_by"] for row in data.overview["teams"]}
    assert teams["DPRK"] == "people (turns 1), AI (bot) (turns 2)"
    assert teams["US"] == "people"


def test_the_sections_are_written_in_each_language_for_control_only(game: Game) -> None:
    exercise = Exercise.objects.get(pk=game.exercise_id)
    for lang in ("en", "ja", "ko"):
        words = cause_texts(lang)
        html = report_html(exercise, lang)
        assert words["sections"]["causes"] in html
        assert words["sections"]["consultations"] in html
        assert words["labels"]["consulted"] in html
        assert "s.nuclear_test" not in html  # an engine id never reaches a reader
    observer_html = report_html(exercise, "en", view="observers")
    assert cause_texts("en")["sections"]["causes"] not in observer_html


def test_the_tidy_table_names_the_ai_for_the_turn_it_played(game: Game) -> None:
    response = game.control.get(game.url("export.turns.parquet"))
    assert response.status_code == 200
    rows = pq.read_table(io.BytesIO(response.content)).to_pylist()
    played = {(row["turn"], row["team"]): row["played_by"] for row in rows}
    assert played[(1, "DPRK")] == "human"
    assert played[(2, "DPRK")] == "ai"
    assert {played[(2, code)] for code in TEAMS if code != "DPRK"} == {"human"}
    decided = {(row["turn"], row["team"]): row["actions"] for row in rows}
    assert decided[(1, "DPRK")] == "s.nuclear_test"


def test_a_misreading_that_escalates_shows_the_misread_the_rule_and_its_draw() -> None:
    """The engine's own record of a turn (border clash, seed 0): the DPRK reads an unnotified
    US exercise as preparation for an attack (R02) and its rung toward the US rises."""
    scenario = load_builtin("border_clash")
    state, model, catalogue = scenario.initial_state(), scenario.model(), scenario.catalogue()
    exercise_act = {"actions": [{"action": "s.exercise", "target": "DPRK"}], "rationale": ""}
    decisions = {
        team: validate_decision(catalogue, state, team, exercise_act, model)
        for team in ("US", "ROK")
    }
    proposal = adjudicate(state, decisions, seed=0, model=model, catalogue=catalogue).to_dict()
    record = Adjudication(turn=1, base_state=state.to_dict(), decisions={}, proposal=proposal)
    draws_r02 = [d for d in proposal["dice"] if d["purpose"] == "rule:R02"]
    assert draws_r02

    for lang in ("en", "ja", "ko"):
        r02 = cause_texts(lang)["rules"]["R02"]
        (row,) = [
            r
            for r in escalation_causes([record], Words.build(lang, scenario))
            if (r["actor"], r["target"]) == ("DPRK", "US")
        ]
        assert row["misreads"], row
        assert r02 in row["rules"], row
        assert not any("R0" in text for text in row["rules"] + row["draws"])  # no engine ids
        assert len(row["draws"]) >= 1
        assert all("attack_prep" not in text for text in row["misreads"] + row["draws"])
    (english,) = [
        r
        for r in escalation_causes([record], Words.build("en", scenario))
        if (r["actor"], r["target"]) == ("DPRK", "US")
    ]
    assert english["misreads"][0].startswith("DPRK saw ")
    die = draws_r02[0]
    shown = (
        f"{cause_texts('en')['rules']['R02']}: drew {die['u']:.3f} against {die['threshold']:.3f}"
    )
    assert any(text.startswith(shown) for text in english["draws"]), english["draws"]
