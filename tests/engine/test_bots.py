"""Bot policies: they read the team view only, keep to the catalogue and the safety rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from wargame.engine.bots import (
    POLICIES,
    BotError,
    bot_data,
    bot_decide,
    in_force,
    period_script,
    view_value,
)
from wargame.engine.catalogue import load_catalogue, validate_decision
from wargame.engine.model import load_model
from wargame.engine.periods import load_period, period_slugs
from wargame.engine.state import CORE_TEAMS, initial_state
from wargame.engine.views import agreements_for, view_for

MODEL = load_model()
CATALOGUE = load_catalogue(MODEL)


def _view(state: Any, team: str) -> dict[str, Any]:
    view = view_for(state, team, MODEL)
    view["agreements"] = agreements_for(state, f"team:{team}")
    return view


def _decide(policy: str, view: dict[str, Any], team: str, turn: int = 2, seed: int = 7) -> Any:
    script = period_script("2017") if policy == "scripted" else None
    return bot_decide(
        policy,
        view,
        team=team,
        turn=turn,
        seed=seed,
        catalogue=CATALOGUE,
        model=MODEL,
        script=script,
    )


def test_it_decides_from_a_view_without_the_hidden_dprk_posture() -> None:
    """A JPN view carries no /dprk/posture (hidden); the bot still decides, from beliefs."""
    view = _view(initial_state(MODEL), "JPN")
    assert "dprk" not in view
    decisions = [_decide("hawkish", view, "JPN", seed=s) for s in range(10)]
    assert all(d.team == "JPN" for d in decisions)
    assert any(d.actions for d in decisions)


def test_it_never_reads_hidden_truth_two_states_with_the_same_view_give_the_same_decision() -> None:
    """The DPRK posture differs in truth, the US view is identical: so is the US decision."""
    calm = initial_state(MODEL)
    tense = initial_state(MODEL, overrides={"dprk/posture": "dispersed", "dprk/icbm": 5})
    tense_view = _view(tense, "US")
    # Beliefs follow the start value; pin them so the two views are the same dict.
    tense_view["belief"] = _view(calm, "US")["belief"]
    assert tense_view == _view(calm, "US")
    for policy in POLICIES:
        for turn in range(1, 13):
            assert _decide(policy, tense_view, "US", turn) == _decide(
                policy, _view(calm, "US"), "US", turn
            )


def test_it_decides_with_every_hidden_key_stripped_from_the_view() -> None:
    """Even a bare view (no dprk, no killchain, no beliefs) yields a legal decision."""
    state = initial_state(MODEL)
    for team in CORE_TEAMS:
        bare = {
            k: v for k, v in _view(state, team).items() if k not in ("dprk", "killchain", "belief")
        }
        for policy in POLICIES:
            decision = _decide(policy, bare, team)
            validate_decision(CATALOGUE, state, team, decision.to_dict(), MODEL)


def test_it_reads_a_hidden_variable_from_the_teams_belief() -> None:
    state = initial_state(MODEL)
    view = _view(state, "US")
    assert "dprk" not in view
    assert view_value(view, "dprk/posture") == view["belief"]["/dprk/posture"]["estimate"]
    assert view_value(view, "rung/DPRK/ROK") == view["rung"]["DPRK"]["ROK"]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("team", CORE_TEAMS)
def test_it_produces_legal_decisions_for_every_team_and_turn(policy: str, team: str) -> None:
    state = initial_state(MODEL)
    view = _view(state, team)
    for turn in range(1, 13):
        for seed in range(5):
            decision = _decide(policy, view, team, turn, seed)
            validate_decision(CATALOGUE, state, team, decision.to_dict(), MODEL)
            assert decision.rationale


def test_it_never_proposes_nuclear_use_unless_the_model_allows_it() -> None:
    """docs/model.md §9: bots propose nuclear use only if bots.allow_nuclear_proposals."""
    state = initial_state(MODEL, overrides={"rung/DPRK/US": 8})
    view = _view(state, "DPRK")
    for seed in range(200):
        decision = _decide("hawkish", view, "DPRK", turn=3, seed=seed)
        assert all(a.action != "m.nuclear_use" for a in decision.actions)


def test_it_gives_a_rationale_built_from_the_policys_reasons() -> None:
    view = _view(initial_state(MODEL), "US")
    decision = _decide("hawkish", view, "US", turn=2)
    reasons = [e["reason"] for e in bot_data()["policies"]["hawkish"]["teams"]["US"]]
    assert decision.rationale.startswith(bot_data()["policies"]["hawkish"]["intro"])
    assert any(r in decision.rationale for r in reasons)


def test_it_is_deterministic_for_the_same_seed_and_varies_across_seeds() -> None:
    view = _view(initial_state(MODEL), "DPRK")
    first = [_decide("hawkish", view, "DPRK", 3, s) for s in range(30)]
    again = [_decide("hawkish", copy.deepcopy(view), "DPRK", 3, s) for s in range(30)]
    assert first == again
    assert len({d.actions for d in first}) > 1


def test_it_takes_joint_actions_together_or_not_at_all() -> None:
    """s.exercise is joint (US+ROK): both draw the same number, so both take it or neither."""
    state = initial_state(MODEL)
    for seed in range(60):
        us = _decide("hawkish", _view(state, "US"), "US", 1, seed)
        rok = _decide("hawkish", _view(state, "ROK"), "ROK", 1, seed)
        us_ex = any(a.action == "s.exercise" for a in us.actions)
        rok_ex = any(a.action == "s.exercise" for a in rok.actions)
        assert us_ex == rok_ex


def test_hawkish_allies_drill_decapitation_every_other_turn_without_the_swap() -> None:
    """E3's script: a decapitation drill on even turns, none on odd turns."""
    state = initial_state(MODEL)
    for team in ("US", "ROK"):
        for turn in range(1, 13):
            decision = _decide("hawkish", _view(state, team), team, turn)
            drilled = any(a.action == "s.decap_drill" for a in decision.actions)
            assert drilled == (turn % 2 == 0)


def test_hawkish_allies_hold_a_full_exercise_instead_while_the_swap_is_in_force() -> None:
    swap = {
        "measure": "c.swap",
        "parties": ["US", "ROK", "DPRK"],
        "status": "implemented",
        "verification": "ntm",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [swap]})
    for team in ("US", "ROK"):
        view = _view(state, team)
        assert in_force(view, "c.swap", team)
        for turn in (2, 4, 6):
            decision = _decide("hawkish", view, team, turn)
            assert not any(a.action == "s.decap_drill" for a in decision.actions)
            exercises = [a for a in decision.actions if a.action == "s.exercise"]
            assert exercises
            assert exercises[0].params_dict()["scale"] == "full"


def test_it_notifies_exercises_while_exercise_notification_is_in_force() -> None:
    notify = {
        "measure": "c.ex_notify",
        "parties": ["US", "ROK", "DPRK"],
        "status": "implemented",
        "verification": "ntm",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [notify]})
    seeds = [
        s
        for s in range(40)
        if any(
            a.action == "s.exercise"
            for a in _decide("hawkish", _view(state, "US"), "US", 1, s).actions
        )
    ]
    assert seeds
    for seed in seeds:
        decision = _decide("hawkish", _view(state, "US"), "US", 1, seed)
        exercises = [a for a in decision.actions if a.action == "s.exercise"]
        assert all(a.params_dict().get("notify") is True for a in exercises)
        plain = _decide("hawkish", _view(initial_state(MODEL), "US"), "US", 1, seed)
        assert all("notify" not in a.params_dict() for a in plain.actions)


def test_it_keeps_clear_of_actions_a_measure_in_force_forbids() -> None:
    cma = {
        "measure": "c.incident_prev",
        "parties": ["ROK", "DPRK"],
        "status": "implemented",
        "verification": "ntm",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [cma]})
    forbidden = {"s.mdl_drill", "m.forward_deploy", "i.loudspeakers"}
    for team in ("ROK", "DPRK"):
        for seed in range(100):
            decision = _decide("hawkish", _view(state, team), team, 3, seed)
            assert not forbidden & {a.action for a in decision.actions}


def test_it_rejects_an_unknown_policy() -> None:
    view = _view(initial_state(MODEL), "US")
    with pytest.raises(BotError) as caught:
        _decide("reckless", view, "US")
    assert caught.value.field == "policy"


@pytest.mark.parametrize("slug", period_slugs())
def test_each_period_replays_twelve_sourced_months_of_legal_decisions(slug: str) -> None:
    """A scripted replay plays from its own period's January: twelve turns, each sourced, each
    team's decision legal in the state the replay reaches (agreements named by measure resolve)."""
    from wargame.engine.adjudicate import adjudicate
    from wargame.engine.montecarlo import build_setup, turn_seed

    period = load_period(slug)
    setup = build_setup(slug)
    assert setup.script is period.script
    assert sorted(int(k) for k in period.script["turns"]) == list(range(1, 13))
    state = setup.state
    for turn in range(1, 13):
        step = period.script["turns"][turn]
        assert step["source"]
        assert step["label"]
        decisions = {}
        for team in CORE_TEAMS:
            view = _view(state, team)
            decision = bot_decide(
                "scripted",
                view,
                team=team,
                turn=turn,
                seed=3,
                catalogue=setup.catalogue,
                model=setup.model,
                script=setup.script,
            )
            assert len(decision.actions) == len(step.get(team, [])), (slug, turn, team)
            decisions[team] = validate_decision(
                setup.catalogue, state, team, decision.to_dict(), setup.model
            )
        state = adjudicate(
            state, decisions, seed=turn_seed(3, turn), model=setup.model, catalogue=setup.catalogue
        ).state


@pytest.mark.parametrize("slug", period_slugs())
def test_each_replay_pairs_every_joint_action_with_its_partner(slug: str) -> None:
    """A joint action happens only if every named party takes it (docs/model.md §5)."""
    for turn, step in period_script(slug.removeprefix("period-"))["turns"].items():
        for team in CORE_TEAMS:
            for entry in step.get(team, []):
                if entry["action"] == "d.consult":
                    partner = entry["target"]
                    back = [e for e in step.get(partner, []) if e["action"] == "d.consult"]
                    assert any(e["target"] == team for e in back), (turn, team, partner)
                if entry["action"] == "s.exercise":
                    for partner in entry["params"]["with"]:
                        assert any(e["action"] == "s.exercise" for e in step.get(partner, [])), (
                            turn,
                            team,
                        )


def test_a_scripted_replay_needs_a_script() -> None:
    view = _view(initial_state(MODEL), "US")
    with pytest.raises(BotError):
        bot_decide("scripted", view, team="US", turn=1, seed=1, catalogue=CATALOGUE, model=MODEL)


def test_it_proposes_nuclear_use_only_as_the_model_allows_and_only_in_extremis() -> None:
    """With bots.allow_nuclear_proposals the hawkish DPRK may request use at rung 8 (a decision
    point for control, §9); below rung 8 it never does."""
    from types import MappingProxyType

    from wargame.engine.model import Model

    allowing = Model(
        data=MappingProxyType({**MODEL.data, "bots": {"allow_nuclear_proposals": True}}),
        hash="test",
    )
    high = _view(initial_state(MODEL, overrides={"rung/DPRK/US": 8}), "DPRK")
    low = _view(initial_state(MODEL), "DPRK")

    def requests(view: dict[str, Any]) -> int:
        return sum(
            any(
                a.action == "m.nuclear_use"
                for a in bot_decide(
                    "hawkish",
                    view,
                    team="DPRK",
                    turn=3,
                    seed=s,
                    catalogue=CATALOGUE,
                    model=allowing,
                ).actions
            )
            for s in range(200)
        )

    assert requests(high) > 0
    assert requests(low) == 0


def test_cautious_bots_accept_pending_offers_more_often_than_hawkish_ones() -> None:
    """A package worth at least the reservation price is accepted: a US-DPRK hotline with a step
    of relief is worth taking to a cautious DPRK, not to a hawkish one."""
    offer = {
        "measure": "c.hotline",
        "parties": ["US", "DPRK"],
        "status": "proposed",
        "proposed_by": "US",
        "verification": "self",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [offer]})
    relief = copy.deepcopy(state)
    from dataclasses import replace

    relief = replace(state, agreements=(replace(state.agreements[0], relief=1, package=1),))

    def accepted(policy: str, s: Any) -> bool:
        decision = _decide(policy, _view(s, "DPRK"), "DPRK", 2, 1)
        validate_decision(CATALOGUE, s, "DPRK", decision.to_dict(), MODEL)
        return any(a.action == "c.accept" for a in decision.actions)

    assert accepted("cautious", relief)
    assert not accepted("hawkish", relief)


def test_a_dprk_bot_counters_with_relief_and_smaller_exercises() -> None:
    """The DPRK cannot take a bare moratorium: it rejects it and counters with relief and smaller
    exercises, the quid the 2018 moratorium and the 2019 offers turned on (004 §II)."""
    offer = {
        "measure": "c.moratorium",
        "parties": ["US", "DPRK"],
        "status": "proposed",
        "proposed_by": "US",
        "verification": "ntm",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [offer], "dprk/russia": 0})
    decision = _decide("cautious", _view(state, "DPRK"), "DPRK", 2, 1)
    names = [a.action for a in decision.actions]
    assert "c.reject" in names
    (counter,) = [a for a in decision.actions if a.action == "c.propose"]
    params = counter.params_dict()
    assert params["measure"] == "c.moratorium"
    assert params.get("relief", 0) >= 1 or params.get("exercises") in ("reduced", "suspended")
    validate_decision(CATALOGUE, state, "DPRK", decision.to_dict(), MODEL)


def test_cautious_bots_put_packages_on_the_table_and_conclude_some() -> None:
    """Under cautious play bots propose packages in most games, and some are concluded."""
    from wargame.engine.simulate import simulate

    negotiation = simulate("default", 40, 12, "cautious", workers=1)["negotiation"]
    assert negotiation["games_with_proposal"]["estimate"] > 0.5
    assert negotiation["games_with_agreement"]["estimate"] > 0.2


def test_bots_follow_the_2022_laws_advice_by_their_policy() -> None:
    """The DPRK's advice is a standing recommendation: a hawkish leadership acts on it far more
    often than a cautious one; with no advice neither pre-delegates."""
    advised = _view(initial_state(MODEL), "DPRK")
    advised["advice"] = [
        {
            "team": "DPRK",
            "rule": "R04",
            "since": 1,
            "until": 3,
            "recommends": ["m.posture", "m.predelegate"],
        }
    ]
    plain = _view(initial_state(MODEL), "DPRK")

    def predelegates(policy: str, view: dict[str, Any]) -> int:
        return sum(
            any(a.action == "m.predelegate" for a in _decide(policy, view, "DPRK", 2, s).actions)
            for s in range(200)
        )

    assert predelegates("hawkish", advised) > 2 * predelegates("cautious", advised) > 0
    assert predelegates("hawkish", plain) == predelegates("cautious", plain) == 0
