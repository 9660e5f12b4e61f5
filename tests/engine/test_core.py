"""Model, state, draws, catalogue validation and views."""

from __future__ import annotations

import json

import pytest

from wargame.engine import (
    ModelError,
    RuleViolation,
    State,
    StateError,
    draw,
    initial_state,
    load_catalogue,
    load_model,
    state_pointers,
    state_value,
    validate_decision,
    view_for,
    view_for_control,
    view_for_observers,
)


@pytest.fixture
def model():  # type: ignore[no-untyped-def]
    return load_model()


def test_it_deep_merges_overrides_and_changes_the_hash(model) -> None:  # type: ignore[no-untyped-def]
    tuned = load_model({"ci": {"bias": -2.5}})
    assert tuned.data["ci"]["bias"] == -2.5
    assert tuned.data["ci"]["killchain"] == model.data["ci"]["killchain"]
    assert tuned.hash != model.hash


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ci": {"nope": 1}}, "ci.nope"),
        ({"ci": {"bias": "high"}}, "ci.bias"),
        ({"safety": {"approval_rung": 9}}, "safety.approval_rung"),
        ({"rules": {"disabled": ["R99"]}}, "rules.disabled"),
    ],
)
def test_it_rejects_bad_model_overrides(overrides, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelError) as caught:
        load_model(overrides)
    assert caught.value.field == field


def test_it_builds_the_2026_baseline(model) -> None:  # type: ignore[no-untyped-def]
    state = initial_state(model)
    assert state_value(state, "rung/ROK/DPRK") == 3
    assert state_value(state, "rung/US/DPRK") == 2
    assert state_value(state, "threat/DPRK/ROK") == 60
    assert state_value(state, "dprk/predelegation") == "conditional"
    assert 0.2 < state_value(state, "ci") < 0.3
    assert state_value(state, "agreement/c.swap") == "none"


def test_it_applies_pointer_overrides_and_agreements(model) -> None:  # type: ignore[no-untyped-def]
    state = initial_state(
        model,
        overrides={
            "rung/DPRK/ROK": 4,
            "hotline/ik": "up",
            "dprk/posture": "dispersed",
            "belief/JPN/dprk/posture": {"estimate": "stored", "confidence": 0.5},
            "agreements": [
                {
                    "measure": "c.ex_notify",
                    "parties": ["US", "ROK", "DPRK"],
                    "status": "implemented",
                    "verification": "ntm",
                    "framing": "none",
                }
            ],
        },
    )
    assert state_value(state, "rung/DPRK/ROK") == 4
    assert state_value(state, "belief/JPN/dprk/posture")["estimate"] == "stored"
    assert state_value(state, "belief/US/dprk/posture")["estimate"] == "dispersed"
    assert state_value(state, "agreement/c.ex_notify") == "implemented"


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("rung/DPRK/XX", 3),
        ("rung/DPRK/ROK", 12),
        ("dprk/posture", "hidden"),
        ("ci", 0.5),
        ("trust/US/ROK", 1.5),
    ],
)
def test_it_rejects_bad_state_overrides(model, pointer, value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StateError) as caught:
        initial_state(model, overrides={pointer: value})
    assert caught.value.field == pointer


def test_it_lists_pointers_that_state_value_answers(model) -> None:  # type: ignore[no-untyped-def]
    state = initial_state(model, teams=("US", "ROK", "JPN", "DPRK", "PRC"))
    for pointer in state_pointers(state):
        state_value(state, pointer)
    assert "threat/PRC/DPRK" in state_pointers(state)
    with pytest.raises(StateError):
        state_value(state, "rung/PRC/DPRK")


def test_it_round_trips_the_state_through_json(model) -> None:  # type: ignore[no-untyped-def]
    state = initial_state(
        model, overrides={"agreements": [{"measure": "c.swap", "parties": ["US", "ROK", "DPRK"]}]}
    )
    assert State.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_it_draws_from_the_documented_hash() -> None:
    import hashlib

    text = "v1|7|3|rule:R12|ROK|k|JPN"
    expected = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") / 2**64
    assert draw(7, 3, "rule:R12", "ROK", "k", "JPN") == expected


@pytest.mark.parametrize(
    ("team", "raw", "field", "reason"),
    [
        (
            "DPRK",
            {
                "actions": [
                    {"action": "s.missile_test", "target": "DPRK", "params": {"class": "SRBM"}}
                ]
            },
            "actions.0.target",
            "DPRK cannot target itself.",
        ),
        (
            "JPN",
            {
                "actions": [
                    {"action": "s.missile_test", "target": "DPRK", "params": {"class": "SRBM"}}
                ]
            },
            "actions.0.action",
            "JPN cannot take s.missile_test.",
        ),
        ("US", {"actions": [{"action": "x.nope"}]}, "actions.0.action", "Unknown action 'x.nope'."),
        (
            "US",
            {"actions": [{"action": "d.threaten", "target": "ROK", "params": {"n": 1}}]},
            "actions.0.params",
            None,
        ),
        ("US", {"actions": [{"action": "d.trilateral"}] * 4}, "actions.3", None),
        ("US", {"actions": [], "rationale": "x" * 4001}, "rationale", None),
        ("US", {"actions": [{"action": "d.nsa", "target": "ROK"}]}, "actions.0.target", None),
    ],
)
def test_it_explains_illegal_decisions(model, team, raw, field, reason) -> None:  # type: ignore[no-untyped-def]
    catalogue = load_catalogue(model)
    with pytest.raises(RuleViolation) as caught:
        validate_decision(catalogue, initial_state(model), team, raw)
    assert caught.value.field == field
    if reason:
        assert caught.value.reason == reason


def test_it_allows_three_free_answers_beside_the_budget(model) -> None:  # type: ignore[no-untyped-def]
    catalogue = load_catalogue(model)
    state = initial_state(
        model,
        overrides={
            "agreements": [
                {"measure": m, "parties": ["US", "DPRK"], "status": "proposed"}
                for m in ("c.swap", "c.moratorium", "c.icbm_cap")
            ]
        },
    )
    raw = {
        "actions": [{"action": "d.trilateral"}] * 3
        + [{"action": "c.accept", "params": {"proposal": n}} for n in (1, 2, 3)]
    }
    assert len(validate_decision(catalogue, state, "US", raw).actions) == 6


def test_it_hides_hidden_variables_from_teams(model) -> None:  # type: ignore[no-untyped-def]
    state = initial_state(model, overrides={"dprk/posture": "launch_ready"})
    us, jpn, dprk = (view_for(state, t) for t in ("US", "JPN", "DPRK"))
    assert "dprk" not in us
    assert "killchain" in us
    assert "dprk" not in jpn
    assert "killchain" not in jpn
    assert "/killchain/US" in jpn["belief"]
    assert "/dprk/posture" in jpn["belief"]
    assert dprk["dprk"]["posture"] == "launch_ready"
    assert "killchain" not in dprk
    assert "ci" not in us
    observers = view_for_observers(state)
    assert "dprk" not in observers
    assert "killchain" not in observers
    assert observers["belief"] == {}
    control = view_for_control(state)
    assert control["dprk"]["posture"] == "launch_ready"
    assert "US" in control["belief"]
