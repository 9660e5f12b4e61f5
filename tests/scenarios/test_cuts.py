"""Cuts, inject effects and branches, the belief questionnaire and objective checks, on the test
scenario `valid/cuts.yaml`."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.scenarios.helpers import HERE, replace_once
from wargame.engine.decisions import ActionChoice, Decision
from wargame.engine.scenario import Scenario, load_scenario_file
from wargame.engine.scenario.belief_bots import bot_answers
from wargame.engine.scenario.beliefs import score, truth_of
from wargame.engine.scenario.loader import check_text
from wargame.engine.scenario.objectives import check_met
from wargame.engine.scenario.reading import Taken, taken_from
from wargame.engine.scenario.release import branch_open, releases_due, state_after
from wargame.engine.state import state_get, state_with
from wargame.engine.views import view_for

CUTS = HERE / "valid" / "cuts.yaml"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario_file(CUTS)


def inject(scenario: Scenario, inject_id: str):  # type: ignore[no-untyped-def]
    return next(i for i in scenario.injects if i.id == inject_id)


# --- cuts ---------------------------------------------------------------------------------------


def test_it_comes_played_in_its_default_cut(scenario: Scenario) -> None:
    assert scenario.cut == "long"
    assert scenario.turn_count == 4
    assert [c.id for c in scenario.cuts] == ["short", "long"]


def test_a_cut_has_its_own_moves_minutes_time_and_placements(scenario: Scenario) -> None:
    short = scenario.for_cut("short")
    assert short.turn_count == 2
    assert [short.deliberation_minutes_for(n) for n in (1, 2)] == [15, 10]
    assert short.hours_per_turn == 240
    assert scenario.hours_per_turn == 96
    crab = inject(short, "crab_season")
    assert (crab.turn, crab.phase, crab.offset_minutes) == (1, None, 5)
    assert inject(scenario, "crab_season").phase == "deliberation"
    assert "dprk_note" not in {i.id for i in short.injects}
    assert "escalation_note" in {i.id for i in short.injects}
    assert [t.en for t in short.learning_objectives] == ["See an exercise read as an attack."]
    assert len(scenario.learning_objectives) == 2


def test_it_refuses_a_cut_it_does_not_offer(scenario: Scenario) -> None:
    with pytest.raises(KeyError):
        scenario.for_cut("all_night")
    assert scenario.for_cut(None).cut == "long"
    assert scenario.for_cut("short").for_cut("long").turn_count == 4


def test_it_lists_its_cuts_in_the_summary(scenario: Scenario) -> None:
    cuts = scenario.summary_dict()["cuts"]
    assert [(c["id"], c["moves"], c["session_minutes"], c["default"]) for c in cuts] == [
        ("short", 2, 60, False),
        ("long", 4, 120, True),
    ]


# --- effects and branches -----------------------------------------------------------------------


def test_releasing_an_inject_applies_its_effects_for_the_days_it_lasts(scenario: Scenario) -> None:
    start = scenario.initial_state()
    after = state_after(scenario, start, inject(scenario, "exercise_begins"))
    exercises = [e for e in after.effects if e.kind == "exercise"]
    # Ten days at 96 hours a turn: three turns from turn 1.
    assert {(e.name, e.until_turn, e.partners) for e in exercises} == {
        ("US", 3, ("ROK",)),
        ("ROK", 3, ("US",)),
    }
    assert state_get(after, "threat/DPRK/ROK") == state_get(start, "threat/DPRK/ROK") + 5
    short = scenario.for_cut("short")
    shorter = state_after(short, start, inject(short, "exercise_begins"))
    assert {e.until_turn for e in shorter.effects} == {1}


def test_a_set_effect_writes_the_state(scenario: Scenario) -> None:
    model = scenario.model()
    up = state_with(model, scenario.initial_state(), {"hotline/ik": "up"})
    assert (
        state_get(state_after(scenario, up, inject(scenario, "line_cut")), "hotline/ik") == "down"
    )


def test_a_shift_stays_within_the_variable_s_range(scenario: Scenario) -> None:
    model = scenario.model()
    high = state_with(model, scenario.initial_state(), {"threat/DPRK/ROK": 98})
    after = state_after(scenario, high, inject(scenario, "exercise_begins"))
    assert state_get(after, "threat/DPRK/ROK") == 100


def test_a_branch_releases_its_inject_only_after_the_decision_it_names(scenario: Scenario) -> None:
    launch = inject(scenario, "launch_seen")
    state = replace(scenario.initial_state(), turn=4)
    tested = [Taken(3, "DPRK", "s.missile_test", "JPN", {"class": "IRBM"})]
    assert branch_open(scenario, launch, state, tested)
    assert not branch_open(scenario, launch, state, [])
    assert not branch_open(scenario, launch, state, [Taken(2, "DPRK", "s.missile_test")])
    due = releases_due(
        scenario,
        turn=4,
        phase="briefing",
        before=state,
        after=state,
        released=frozenset(),
        log=[],
    )
    assert "launch_seen" not in {i.id for i in due}


# --- objectives ---------------------------------------------------------------------------------


def test_objective_checks_read_the_whole_game(scenario: Scenario) -> None:
    model = scenario.model()
    calm = scenario.initial_state()
    clash = state_with(model, calm, {"rung/DPRK/ROK": 5})
    (us,) = scenario.teams["US"].checks
    (rok,) = scenario.teams["ROK"].checks
    (dprk,) = scenario.teams["DPRK"].checks
    assert us is not None
    assert rok is not None
    assert dprk is not None
    assert check_met(us, [calm, calm], model)
    assert not check_met(us, [calm, clash, calm], model)
    line_up = state_with(model, calm, {"hotline/ik": "up"})
    assert check_met(rok, [calm, line_up], model)
    assert not check_met(rok, [line_up, calm], model)
    scaled = [Taken(1, "US", "s.scale_down", "DPRK")]
    assert check_met(dprk, [calm, replace(calm, turn=2)], model, log=scaled)
    assert not check_met(dprk, [calm, replace(calm, turn=2)], model, log=[])


# --- beliefs ------------------------------------------------------------------------------------


def test_belief_truths_come_from_the_state_and_the_decisions(scenario: Scenario) -> None:
    model = scenario.model()
    clash_soon, posture, consulted = scenario.beliefs
    one = scenario.initial_state()
    two = replace(state_with(model, one, {"rung/DPRK/ROK": 5}), turn=2)
    assert truth_of(posture, asked_turn=1, states=[one], model=model) == "stored"
    # 72 hours at 96 hours a turn: the move asked in only.
    assert truth_of(clash_soon, asked_turn=1, states=[one, two], hours_per_turn=96) is True
    assert truth_of(clash_soon, asked_turn=2, states=[one, two], hours_per_turn=96) is None
    log = [Taken(1, "US", "d.consult", "ROK")]
    asked = {"asked_turn": 1, "states": [one, two], "log": log}
    assert truth_of(consulted, team="ROK", **asked) is True  # type: ignore[arg-type]
    assert truth_of(consulted, team="JPN", **asked) is False  # type: ignore[arg-type]


def test_answers_are_scored_against_the_truth(scenario: Scenario) -> None:
    clash_soon, posture, consulted = scenario.beliefs
    assert score(clash_soon, 0.8, True) == pytest.approx(0.96)
    assert score(clash_soon, 0.8, False) == pytest.approx(0.36)
    assert score(posture, "dispersed", "stored") == 0.0
    assert score(consulted, True, True) == 1.0
    assert score(consulted, True, None) is None


def test_a_bot_answers_from_its_own_view_not_from_the_truth(scenario: Scenario) -> None:
    model = scenario.model()
    truth = state_with(
        model,
        scenario.initial_state(),
        {
            "dprk/posture": "dispersed",
            "belief/US/dprk/posture": {"estimate": "stored", "confidence": 0.7},
        },
    )
    view = view_for(truth, "US", model)
    answers = bot_answers(scenario.beliefs, view, team="US", turn=1, seed=7)
    assert answers["posture"] == "stored"
    assert "consulted" not in answers  # not asked of the US
    assert 0.05 <= answers["clash_soon"] <= 0.95
    assert answers == bot_answers(scenario.beliefs, view, team="US", turn=1, seed=7)
    tense = view_for(state_with(model, truth, {"rung/DPRK/US": 4, "rung/US/DPRK": 4}), "US", model)
    assert (
        bot_answers(scenario.beliefs, tense, team="US", turn=1, seed=7)["clash_soon"]
        > answers["clash_soon"]
    )


def test_a_bot_expects_consultation_from_an_ally_it_trusts(scenario: Scenario) -> None:
    model = scenario.model()
    low = state_with(model, scenario.initial_state(), {"trust/ROK/US": 0.1})
    high = state_with(model, scenario.initial_state(), {"trust/ROK/US": 0.95})
    ask = {"team": "ROK", "turn": 1, "seed": 3}
    assert not bot_answers(scenario.beliefs, view_for(low, "ROK", model), **ask)["consulted"]  # type: ignore[arg-type]
    assert bot_answers(scenario.beliefs, view_for(high, "ROK", model), **ask)["consulted"]  # type: ignore[arg-type]


# --- the log ------------------------------------------------------------------------------------


def test_the_decision_log_records_each_choice_with_its_turn() -> None:
    decisions = {
        "DPRK": Decision("DPRK", (ActionChoice("s.missile_test", "JPN", (("class", "IRBM"),)),)),
    }
    assert taken_from(3, decisions) == [
        Taken(3, "DPRK", "s.missile_test", "JPN", {"class": "IRBM"})
    ]


# --- the built-ins' rules -----------------------------------------------------------------------


def _builtin_errors(text: str) -> list[str]:
    return [
        f"{e['path']}: {e['message']}"
        for e in check_text(text, source_name="x", builtin=True).errors
    ]


def test_a_built_in_must_offer_the_three_cuts_and_decisions_for_every_team() -> None:
    errors = _builtin_errors(CUTS.read_text(encoding="utf-8"))
    assert any("90-minute cut of 3 moves" in e for e in errors)
    assert any("full-day cut" in e for e in errors)
    assert any("team US receives no private inject" in e for e in errors)
    assert any("team JPN receives no private inject" in e for e in errors)
    assert not any("team ROK receives no private inject" in e for e in errors)


def test_a_built_in_names_actions_in_words_never_by_engine_id() -> None:
    text = replace_once(
        CUTS.read_text(encoding="utf-8"),
        'body: {en: "Raise readiness, or offer talks?"',
        'body: {en: "Raise readiness (m.killchain), or offer talks?"',
    )
    text = replace_once(
        text, 'ja: "日本上空へのミサイル発射を防ぐ。"', 'ja: "JPNへのミサイルを防ぐ。"'
    )
    errors = _builtin_errors(text)
    assert any(
        e.startswith("injects[1].body.en") and "'m.killchain' is an engine id" in e for e in errors
    )
    assert any(e.startswith("teams.JPN.objectives[0].ja") and "team code" in e for e in errors)
    # An upload may say what it likes.
    assert check_text(text, source_name="x").errors == []


def test_a_built_in_places_an_inject_sure_to_reach_a_team_in_every_move() -> None:
    text = replace_once(
        CUTS.read_text(encoding="utf-8"),
        "      - injects: [line_cut]\n",
        "      - injects: [launch_seen]\n",
    )
    text = replace_once(
        text, "injects: [launch_seen, {id: dprk_note", "injects: [line_cut, {id: dprk_note"
    )
    errors = _builtin_errors(text)
    assert any(e.startswith("cuts[1].moves[2]") and "no inject that is sure" in e for e in errors)


def test_a_condition_inject_can_fire_on_a_decision(scenario: Scenario) -> None:
    text = replace_once(
        CUTS.read_text(encoding="utf-8"),
        '    when: {var: "rung/max", gte: 5}',
        "    when: {decided: {team: US, action: s.scale_down}}",
    )
    from wargame.engine.scenario import load_scenario_text

    decided = load_scenario_text(text, source_name="x")
    before = decided.initial_state()
    after = replace(before, turn=2)
    scaled = [Taken(1, "US", "s.scale_down", "DPRK")]
    due = {
        i.id
        for i in releases_due(
            decided,
            turn=1,
            phase="outcome",
            before=before,
            after=after,
            released=frozenset(),
            log=scaled,
        )
    }
    assert "escalation_note" in due
    quiet = releases_due(
        decided, turn=1, phase="outcome", before=before, after=after, released=frozenset(), log=[]
    )
    assert "escalation_note" not in {i.id for i in quiet}


def test_a_bot_order_must_be_a_decision_its_team_could_take() -> None:
    text = replace_once(
        CUTS.read_text(encoding="utf-8"),
        "    - {action: d.trilateral, p: 0.5,",
        "    - {action: c.propose, params: {measure: c.hotline, parties: [ROK, DPRK]}, p: 0.5,",
    )
    errors = check_text(text, source_name="x").errors
    assert any(
        e["path"] == "bots.JPN[0]" and "proposer (JPN) must be a party" in e["message"]
        for e in errors
    )


def test_a_scenario_built_on_a_period_starts_from_its_baseline_with_its_own_clock() -> None:
    from wargame.engine.periods import load_period
    from wargame.engine.scenario import load_builtin

    scenario = load_builtin("summits_2018")
    baseline = load_period("period-2018").state_overrides
    state = scenario.initial_state()
    assert state.dprk.warheads == baseline["dprk/warheads"]
    assert state.sanctions == baseline["sanctions"]
    assert state_get(state, "trust/PRC/DPRK") == 0.25  # the scenario's own, on top
    month = scenario.model().data["clock"]["days_per_turn"]
    short = scenario.for_cut("short").model().data["clock"]["days_per_turn"]
    assert round(month) == 30
    assert round(short) == 101
