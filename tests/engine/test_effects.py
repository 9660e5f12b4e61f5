"""Standing effects on the state: a hazard made likelier for some turns, an exercise in progress."""

from __future__ import annotations

from dataclasses import replace

from tests.engine.helpers import fired, play, quiet_model, start
from wargame.engine import State, load_model
from wargame.engine.effects import Effect, hazard_factor

SEEDS = range(1, 41)


def with_effects(state: State, *effects: Effect) -> State:
    return replace(state, effects=state.effects + effects)


def test_it_multiplies_the_factors_of_the_hazard_effects_in_force() -> None:
    effects = (
        Effect("hazard", "incident", until_turn=3, factor=2.0),
        Effect("hazard", "incident", until_turn=1, factor=1.5),
        Effect("hazard", "false_alarm", until_turn=3, factor=4.0),
    )
    assert hazard_factor(effects, 1, "incident") == 3.0
    assert hazard_factor(effects, 2, "incident") == 2.0
    assert hazard_factor(effects, 4, "incident") == 1.0
    assert hazard_factor(effects, 2, "misperception") == 1.0


def _incidents(factor: float | None) -> int:
    model = load_model()
    base = start(model, rung__DPRK__ROK=3, rung__ROK__DPRK=3)
    if factor is not None:
        base = with_effects(base, Effect("hazard", "incident", until_turn=1, factor=factor))
    return sum(fired(play(base, model, seed=seed), "R12") for seed in SEEDS)


def test_an_incident_hazard_effect_changes_how_often_incidents_happen() -> None:
    """Crab season: the same turns, the same dice, more incidents; a factor of 0 stops them."""
    baseline = _incidents(None)
    assert _incidents(0.0) == 0
    assert _incidents(5.0) > baseline


def test_a_standing_effect_drops_out_of_the_state_once_its_last_turn_is_played() -> None:
    model = quiet_model()
    state = with_effects(
        start(model),
        Effect("hazard", "incident", until_turn=1, factor=2.0),
        Effect("hazard", "false_alarm", until_turn=2, factor=2.0),
    )
    after = play(state, model).state
    assert [e.name for e in after.effects] == ["false_alarm"]
    assert play(after, model).state.effects == ()


def test_the_state_round_trips_its_effects_and_omits_them_when_there_are_none() -> None:
    model = quiet_model()
    plain = start(model)
    assert "effects" not in plain.to_dict()
    state = with_effects(
        plain,
        Effect("exercise", "US", until_turn=3, partners=("ROK",), source="fs_begins"),
        Effect("hazard", "incident", until_turn=2, factor=2.5),
    )
    assert State.from_dict(state.to_dict()) == state


def _exercise_events(proposal_events: tuple[object, ...]) -> list[object]:
    return [
        e
        for e in proposal_events
        if getattr(e, "action", None) == "s.exercise" and "background" in getattr(e, "tags", ())
    ]


def test_an_exercise_in_progress_is_an_act_the_dprk_perceives_every_turn_it_runs() -> None:
    model = quiet_model()
    state = with_effects(
        start(model),
        Effect("exercise", "US", until_turn=2, partners=("ROK",)),
        Effect("exercise", "ROK", until_turn=2, partners=("US",)),
    )
    proposal = play(state, model)
    acts = _exercise_events(proposal.events)
    assert sorted(getattr(e, "actor", "") for e in acts) == ["ROK", "US"]
    seen = [p.action for p in proposal.perceptions["team:DPRK"]]
    assert seen.count("s.exercise") == 2
    assert proposal.state.threat_map()[("DPRK", "US")] > start(model).threat_map()[("DPRK", "US")]
    later = play(play(proposal.state, model).state, model)
    assert _exercise_events(later.events) == []


def test_a_team_that_picks_the_exercise_itself_sets_its_scale() -> None:
    model = quiet_model()
    state = with_effects(start(model), Effect("exercise", "US", until_turn=1))
    own = {"action": "s.exercise", "target": "DPRK", "params": {"scale": "reduced"}}
    proposal = play(state, model, US=[own])
    exercises = [e for e in proposal.events if e.action == "s.exercise"]
    assert len(exercises) == 1
    assert "background" not in exercises[0].tags
    assert dict(exercises[0].params)["scale"] == "reduced"


def test_a_scale_down_runs_the_rest_of_the_exercise_reduced() -> None:
    model = quiet_model()
    state = with_effects(start(model), Effect("exercise", "US", until_turn=1, scale="full"))
    proposal = play(state, model, US=[{"action": "s.scale_down", "target": "DPRK"}])
    (act,) = _exercise_events(proposal.events)
    assert dict(act.params)["scale"] == "reduced"  # type: ignore[attr-defined]


def test_an_exercise_in_progress_is_notified_where_an_agreement_asks_for_notice() -> None:
    model = quiet_model()
    agreed = start(
        model,
        agreements=[{"measure": "c.ex_notify", "parties": ["US", "DPRK"], "status": "agreed"}],
    )
    proposal = play(with_effects(agreed, Effect("exercise", "US", until_turn=1)), model)
    (act,) = _exercise_events(proposal.events)
    assert dict(act.params)["notify"] is True  # type: ignore[attr-defined]
    assert not any(e.kind == "violation" for e in proposal.events)
