"""Properties (docs/model.md §11): determinism, bounds, monotonicity, the ratchet, the safety
gate, fog of war and lossless round-trips, over random legal decisions."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.engine import (
    Decision,
    Proposal,
    RuleViolation,
    State,
    adjudicate,
    initial_state,
    load_catalogue,
    load_model,
    validate_decision,
    view_for,
)
from wargame.engine.perception import misread_p, threat_weight
from wargame.engine.rng import Dice
from wargame.engine.rules.context import build_context
from wargame.engine.rules.korea import containment_p

MODEL = load_model()
CATALOGUE = load_catalogue(MODEL)
POOL: dict[str, list[dict[str, Any]]] = {
    "US": [
        {"action": "s.exercise", "target": "DPRK", "params": {"scale": "full", "with": ["ROK"]}},
        {"action": "s.exercise", "params": {"scale": "reduced", "notify": True}},
        {"action": "s.decap_drill", "target": "DPRK"},
        {"action": "s.strategic_assets"},
        {"action": "m.killchain", "params": {"level": 3}},
        {"action": "m.nuclear_alert", "target": "DPRK"},
        {"action": "m.nuclear_use", "target": "DPRK", "params": {"scale": "limited"}},
        {"action": "m.strike", "target": "DPRK", "params": {"scale": "barrage"}},
        {"action": "d.nsa", "target": "DPRK"},
        {"action": "d.consult", "target": "ROK"},
        {"action": "e.relief_step"},
        {"action": "c.propose", "params": {"measure": "c.swap", "parties": ["US", "ROK", "DPRK"]}},
        {"action": "c.accept", "params": {"proposal": 1}},
        {"action": "m.cyber_nc3", "target": "DPRK"},
    ],
    "ROK": [
        {"action": "s.exercise", "target": "DPRK", "params": {"scale": "full", "with": ["US"]}},
        {"action": "s.mdl_drill", "target": "DPRK"},
        {"action": "m.killchain", "params": {"level": 2}},
        {"action": "d.consult", "target": "US"},
        {"action": "m.killchain_strike", "target": "DPRK"},
        {"action": "i.loudspeakers", "target": "DPRK"},
        {"action": "c.accept", "params": {"proposal": 1}},
        {"action": "m.stand_down"},
    ],
    "JPN": [
        {"action": "d.trilateral"},
        {"action": "e.sanctions_up"},
        {"action": "i.frame_interim"},
        {"action": "d.demand_cvid", "target": "DPRK"},
    ],
    "DPRK": [
        {
            "action": "s.missile_test",
            "target": "JPN",
            "params": {"class": "IRBM", "over_japan": True},
        },
        {"action": "s.missile_test", "params": {"class": "ICBM"}},
        {"action": "s.satellite"},
        {"action": "s.nuclear_test"},
        {"action": "m.posture", "params": {"level": "launch_ready"}},
        {"action": "m.posture", "params": {"level": "dispersed"}},
        {"action": "m.predelegate"},
        {"action": "m.forward_deploy", "target": "ROK"},
        {"action": "m.nuclear_use", "target": "ROK", "params": {"scale": "limited"}},
        {"action": "d.conciliate"},
        {"action": "c.accept", "params": {"proposal": 1}},
        {"action": "c.reject", "params": {"proposal": 1}},
        {"action": "m.covert_program", "params": {"site": "enrichment"}},
    ],
}
START = initial_state(
    MODEL,
    overrides={
        "agreements": [{"measure": "c.icbm_cap", "parties": ["US", "DPRK"], "status": "proposed"}]
    },
)


def decisions_for(state: State, picks: dict[str, list[int]]) -> dict[str, Decision]:
    out = {}
    for team, indexes in picks.items():
        raw = [POOL[team][i % len(POOL[team])] for i in indexes]
        try:
            out[team] = validate_decision(CATALOGUE, state, team, {"actions": raw}, MODEL)
        except RuleViolation:
            out[team] = Decision(team=team)
    return out


picks_strategy = st.fixed_dictionaries(
    {team: st.lists(st.integers(0, 30), max_size=3) for team in POOL}
)
rungs_strategy = st.fixed_dictionaries(
    {f"rung/{a}/{b}": st.integers(0, 8) for a, b, _ in START.rung}
)
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(state: State, decisions: dict[str, Decision], seed: int) -> Proposal:
    return adjudicate(state, decisions, seed=seed, model=MODEL, catalogue=CATALOGUE)


@FAST
@given(picks_strategy, st.integers(0, 2**32), st.randoms(use_true_random=False))
def test_it_is_deterministic_under_any_order(picks, seed, rnd) -> None:  # type: ignore[no-untyped-def]
    decisions = decisions_for(START, picks)
    items = list(decisions.items())
    rnd.shuffle(items)
    assert run(START, decisions, seed).to_dict() == run(START, dict(items), seed).to_dict()


@FAST
@given(picks_strategy, st.integers(0, 2**32), rungs_strategy)
def test_it_keeps_every_variable_in_range(picks, seed, rungs) -> None:  # type: ignore[no-untyped-def]
    state = initial_state(
        MODEL,
        overrides={
            **rungs,
            "agreements": [
                {"measure": "c.icbm_cap", "parties": ["US", "DPRK"], "status": "proposed"}
            ],
        },
    )
    proposal = run(state, decisions_for(state, picks), seed)
    new = proposal.state
    dom = MODEL.data["domains"]
    assert all(dom["rung"][0] <= v <= dom["rung"][1] for _, _, v in new.rung)
    assert all(0 <= v <= 100 for _, _, v in new.threat)
    assert all(0 <= v <= 1 for _, _, v in new.trust)
    assert all(0 <= v <= 100 for _, v in new.assurance)
    assert 0 <= new.sanctions <= 10
    assert 0 <= new.dprk.icbm <= 5
    assert 0 <= new.dprk.russia <= 3
    assert all(0 <= v <= 3 for _, v in new.killchain)


@FAST
@given(picks_strategy, st.integers(0, 2**32), rungs_strategy)
def test_it_ratchets_down_at_most_three_and_never_passes_eight(picks, seed, rungs) -> None:  # type: ignore[no-untyped-def]
    state = initial_state(MODEL, overrides=rungs)
    proposal = run(state, decisions_for(state, picks), seed)
    before = state.rung_map()
    for pair, value in proposal.state.rung_map().items():
        assert value >= before[pair] - 3
        assert value <= MODEL.data["safety"]["hold_rung"]
        if value >= MODEL.data["safety"]["approval_rung"] and value > before[pair]:
            assert proposal.requires_nuclear_approval


@FAST
@given(picks_strategy, st.integers(0, 2**32))
def test_it_never_narrates_nuclear_use_and_asks_control(picks, seed) -> None:  # type: ignore[no-untyped-def]
    picks = {**picks, "DPRK": [8]}
    proposal = run(START, decisions_for(START, picks), seed)
    assert proposal.requires_nuclear_approval
    assert any("m.nuclear_use" in dp.rules for dp in proposal.decision_points)
    for text in (
        *proposal.narrative.values(),
        *(t for n in proposal.view_narratives.values() for t in n.values()),
    ):
        assert "Request nuclear use" not in text
        assert "核使用の要請" not in text
    assert all(
        e.action != "m.nuclear_use" or "own" in e.tags
        for items in proposal.perceptions.values()
        for e in items
    )


@FAST
@given(picks_strategy, st.integers(0, 2**32))
def test_it_never_shows_a_team_hidden_truth_or_undetected_acts(picks, seed) -> None:  # type: ignore[no-untyped-def]
    proposal = run(START, decisions_for(START, picks), seed)
    detect = [d for d in proposal.dice if d.purpose == "perception:detect"]
    missed = {d.key for d in detect if not d.hit}
    seen = {d.key for d in detect if d.hit}
    launches = MODEL.data["perception"]["launch"]["actions"]
    events = {e.id: e for e in proposal.events}
    for team in START.teams:
        view = view_for(proposal.state, team)
        if team != "DPRK":
            assert "dprk" not in view
        if team not in ("US", "ROK"):
            assert "killchain" not in view
        for p in proposal.perceptions[f"team:{team}"]:
            if p.event is None or "own" in p.tags or p.kind != "action":
                continue
            e = events[p.event]
            assert e.actor != team
            key = f"{e.actor}|{dict(e.data)['key']}"
            if e.action in launches:
                # A launch track is shared among allies: someone in the alliance saw it.
                network = (team, *MODEL.data["teams"]["allies"][team])
                assert any(f"{key}|{o}" in seen for o in network)
            else:
                assert f"{key}|{team}" not in missed


@FAST
@given(picks_strategy, st.integers(0, 2**32))
def test_each_view_numbers_its_own_perception_items(picks, seed) -> None:  # type: ignore[no-untyped-def]
    """A view's item ids run p1, p2, ... with no gap: they say nothing of what other views saw."""
    proposal = run(START, decisions_for(START, picks), seed)
    for items in proposal.perceptions.values():
        assert [p.id for p in items] == [f"t{START.turn}.p{n}" for n in range(1, len(items) + 1)]


@FAST
@given(picks_strategy, st.integers(0, 2**32))
def test_it_round_trips_state_and_proposal(picks, seed) -> None:  # type: ignore[no-untyped-def]
    proposal = run(START, decisions_for(START, picks), seed)
    data = json.loads(json.dumps(proposal.to_dict()))
    assert Proposal.from_dict(data).to_dict() == proposal.to_dict()
    assert State.from_dict(data["state"]) == proposal.state


@settings(deadline=None)
@given(st.floats(-2, 60), st.floats(-2, 60), st.floats(0, 1))
def test_a_more_severe_perceived_act_never_lowers_threat(s1, s2, trust) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(MODEL, CATALOGUE, START, 0, Dice(0, 1))
    low, high = sorted((s1, s2))
    assert low * threat_weight(low, trust, ctx) <= high * threat_weight(high, trust, ctx)


@settings(deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0.01, 1), st.floats(0.5, 3))
def test_a_mitigation_never_raises_misread_p(ci, amb, mitigation, bias) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(MODEL, CATALOGUE, START, 0, Dice(0, 1))
    ctx.ci = ci
    assert misread_p(ctx, amb, mitigation, bias) <= misread_p(ctx, amb, 1.0, bias)


@settings(deadline=None)
@given(st.floats(0, 1), st.booleans())
def test_a_hotline_never_lowers_containment(ci, incident_prev) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(MODEL, CATALOGUE, START, 0, Dice(0, 1))
    ctx.ci = ci
    down, degraded, up = (containment_p(ctx, h, incident_prev) for h in ("down", "degraded", "up"))
    assert down <= degraded <= up
