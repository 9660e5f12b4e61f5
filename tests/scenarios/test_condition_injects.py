"""Condition-triggered injects fire once: on the publish where their condition turns true."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.scenarios.helpers import MINIMAL, minimal_text, replace_once
from wargame.engine.scenario import Scenario, injects_due, load_scenario_file, load_scenario_text
from wargame.engine.state import State, initial_state

HOTLINE_STATES = ("down", "degraded", "up")
_MINIMAL_SCENARIO = load_scenario_file(MINIMAL)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario_file(MINIMAL)


def state_of(scenario: Scenario, **overrides: Any) -> State:
    pointers = {key.replace("__", "/"): value for key, value in overrides.items()}
    return initial_state(scenario.model(), teams=scenario.team_codes, overrides=pointers)


def fired(scenario: Scenario, before: State | None, after: State, **kw: Any) -> set[str]:
    due = injects_due(
        scenario,
        turn=kw.get("turn", 2),
        phase=kw.get("phase", "outcome"),
        before=before,
        after=after,
        released=kw.get("released", frozenset()),
    )
    return {inject.id for inject in due}


def test_it_fires_a_condition_inject_when_its_condition_becomes_true(scenario: Scenario) -> None:
    """crisis_warning: rung DPRK->ROK >= 4 while the inter-Korean hotline is down; 3 -> 4."""
    before = state_of(scenario, rung__DPRK__ROK=3, hotline__ik="down")
    after = state_of(scenario, rung__DPRK__ROK=4, hotline__ik="down")
    assert "crisis_warning" in fired(scenario, before, after)


def test_it_does_not_fire_again_while_the_condition_stays_true(scenario: Scenario) -> None:
    before = state_of(scenario, rung__DPRK__ROK=4, hotline__ik="down")
    after = state_of(scenario, rung__DPRK__ROK=5, hotline__ik="down")
    assert "crisis_warning" not in fired(scenario, before, after)


def test_it_does_not_fire_when_the_condition_is_false_after(scenario: Scenario) -> None:
    before = state_of(scenario, rung__DPRK__ROK=3, hotline__ik="down")
    after = state_of(scenario, rung__DPRK__ROK=4, hotline__ik="up")
    assert "crisis_warning" not in fired(scenario, before, after)


def test_it_never_fires_an_inject_already_released(scenario: Scenario) -> None:
    before = state_of(scenario, rung__DPRK__ROK=3, hotline__ik="down")
    after = state_of(scenario, rung__DPRK__ROK=6, hotline__ik="down")
    released = frozenset({"crisis_warning"})
    assert "crisis_warning" not in fired(scenario, before, after, released=released)


def test_it_fires_at_the_start_when_the_condition_already_holds(scenario: Scenario) -> None:
    start = state_of(scenario, rung__DPRK__ROK=4, hotline__ik="down")
    assert "crisis_warning" in fired(scenario, None, start, turn=1, phase="briefing")


@given(
    rung_before=st.integers(0, 11),
    rung_after=st.integers(0, 11),
    hotline_before=st.sampled_from(HOTLINE_STATES),
    hotline_after=st.sampled_from(HOTLINE_STATES),
)
def test_it_fires_exactly_on_the_false_to_true_transition(
    rung_before: int, rung_after: int, hotline_before: str, hotline_after: str
) -> None:
    scenario = _MINIMAL_SCENARIO

    def holds(rung: int, hotline: str) -> bool:
        return rung >= 4 and hotline == "down"

    before = state_of(scenario, rung__DPRK__ROK=rung_before, hotline__ik=hotline_before)
    after = state_of(scenario, rung__DPRK__ROK=rung_after, hotline__ik=hotline_after)
    expected = holds(rung_after, hotline_after) and not holds(rung_before, hotline_before)
    assert ("crisis_warning" in fired(scenario, before, after)) is expected


def test_it_returns_scheduled_injects_only_for_their_turn_and_phase(scenario: Scenario) -> None:
    quiet = state_of(scenario)
    assert fired(scenario, quiet, quiet, turn=1, phase="briefing") == {"hotline_silent"}
    assert fired(scenario, quiet, quiet, turn=1, phase="deliberation") == set()
    assert fired(scenario, quiet, quiet, turn=2, phase="briefing") == set()


def _with_condition(condition: str) -> Scenario:
    text = replace_once(
        minimal_text(),
        '    when: {all: [{var: "rung/DPRK/ROK", gte: 4}, {var: "hotline/ik", eq: down}]}\n',
        f"    when: {condition}\n",
    )
    return load_scenario_text(text, source_name="variant.yaml")


def test_it_reads_agreement_status_in_conditions() -> None:
    scenario = _with_condition('{var: "agreement/c.hotline", in: [agreed, implemented]}')
    before = state_of(scenario)
    after = initial_state(
        scenario.model(),
        teams=scenario.team_codes,
        overrides={
            "agreements": [{"measure": "c.hotline", "parties": ["ROK", "DPRK"], "status": "agreed"}]
        },
    )
    assert "crisis_warning" in fired(scenario, before, after)
    assert "crisis_warning" not in fired(scenario, after, after)


def test_it_combines_any_and_not() -> None:
    scenario = _with_condition(
        '{any: [{var: sanctions, lt: 3}, {not: {var: "hotline/ik", ne: up}}]}'
    )
    base = state_of(scenario, sanctions=7, hotline__ik="down")
    assert "crisis_warning" in fired(scenario, base, state_of(scenario, sanctions=2))
    assert "crisis_warning" in fired(scenario, base, state_of(scenario, hotline__ik="up"))
    assert "crisis_warning" not in fired(scenario, base, state_of(scenario, hotline__ik="degraded"))


def test_it_reads_crisis_instability_as_ci() -> None:
    always = _with_condition("{var: ci, gte: 0}")
    never = _with_condition("{var: ci, gt: 1}")
    state = state_of(always)
    assert "crisis_warning" in fired(always, None, state)
    assert "crisis_warning" not in fired(never, None, state)
