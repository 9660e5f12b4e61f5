"""Cases for the teams' standing decisions (R20-R22), standing advice and the DPRK's posture on the
ladder (docs/model.md §13). Each docstring states the rule and the expected result."""

from __future__ import annotations

import pytest

from tests.engine.helpers import MISREAD_ALWAYS, fired, get, play, quiet_model, start
from wargame.engine.catalogue import load_catalogue
from wargame.engine.errors import RuleViolation
from wargame.engine.rng import Dice
from wargame.engine.rules.context import build_context
from wargame.engine.rules.korea import containment_p, fire_p

EXERCISE = [{"action": "s.exercise", "target": "DPRK", "params": {"scale": "full"}}]


def test_seoul_sets_its_rules_for_returning_fire_and_they_drive_exchanges_r13() -> None:
    """m.retaliation_policy sets the ROK's standing rule; restraint halves the chance an incident
    becomes an exchange of fire and keeps more exchanges local."""
    model = quiet_model()
    state = play(
        start(model),
        model,
        ROK=[{"action": "m.retaliation_policy", "params": {"policy": "restraint"}}],
    ).state
    assert get(state, "policy/ROK/retaliation") == "restraint"
    calm = build_context(model, load_catalogue(model), start(model), 1, Dice(1, 1))
    held = build_context(model, load_catalogue(model), state, 1, Dice(1, 1))
    assert fire_p(held) == pytest.approx(fire_p(calm) * 0.5)
    assert containment_p(held, "down", False) > containment_p(calm, "down", False)


def test_a_us_request_to_hold_fire_keeps_exchanges_local_and_weighs_on_seoul_r20() -> None:
    """d.restrain: exchanges rarer and more local this turn and next; Seoul's 'restrained' stock
    takes the impulse, more for a conservative government than a progressive one."""
    model = quiet_model()
    ask = [{"action": "d.restrain", "target": "ROK"}]
    on = play(start(model), model, US=ask)
    assert get(on.state, "alliance/ROK/restrained") == model.data["alliance"]["restrained"]
    after = build_context(model, load_catalogue(model), on.state, 1, Dice(1, 2))
    before = build_context(model, load_catalogue(model), start(model), 1, Dice(1, 1))
    assert fire_p(after) < fire_p(before)
    assert containment_p(after, "down", False) > containment_p(before, "down", False)
    dove = quiet_model({"alliance": {"rok_orientation": "progressive"}})
    hawk_cost = get(play(start(model), model).state, "assurance/ROK") - get(
        on.state, "assurance/ROK"
    )
    dove_on = play(start(dove), dove, US=ask)
    dove_cost = get(play(start(dove), dove).state, "assurance/ROK") - get(
        dove_on.state, "assurance/ROK"
    )
    assert hawk_cost > dove_cost > 0
    with pytest.raises(RuleViolation):
        play(start(model), model, US=[{"action": "d.restrain", "target": "JPN"}])


def test_seoul_taking_strike_authority_costs_washingtons_trust_r20() -> None:
    """m.strike_authority national: US trust in the ROK -.05; combined holds ROK doctrinal strikes
    back (x .6), national lets them go more often (x 1.3)."""
    model = quiet_model()
    act = [{"action": "m.strike_authority", "params": {"authority": "national"}}]
    on = play(start(model), model, ROK=act)
    off_model = quiet_model(disable=("R20",))
    off = play(start(off_model), off_model, ROK=act)
    assert get(on.state, "policy/ROK/strike_authority") == "national"
    assert round(get(off.state, "trust/US/ROK") - get(on.state, "trust/US/ROK"), 6) == 0.05
    sure = quiet_model(MISREAD_ALWAYS, {"rules": {"R03": {"strike_p": 0.7}}})
    icbm = [{"action": "s.missile_test", "target": "US", "params": {"class": "ICBM"}}]
    strikes = {}
    for authority in ("combined", "national"):
        state = start(sure, killchain__ROK=3, policy__ROK__strike_authority=authority)
        strikes[authority] = sum(
            any(
                e.kind == "doctrinal" and e.actor == "ROK"
                for e in play(state, sure, seed=s, DPRK=icbm).events
            )
            for s in range(1, 61)
        )
    assert strikes["national"] > strikes["combined"]


def test_japan_consents_to_base_use_or_refuses_and_splits_the_alliance_r21() -> None:
    """d.base_use: consent makes Japan a party (entrapment, US trust +.05); refusal splits the
    alliance: Tokyo and Seoul fear abandonment, US trust in Japan -.3."""
    model = quiet_model()
    consent = play(
        start(model), model, JPN=[{"action": "d.base_use", "params": {"decision": "consent"}}]
    )
    refuse = play(
        start(model), model, JPN=[{"action": "d.base_use", "params": {"decision": "refuse"}}]
    )
    base = play(start(model), model)
    assert get(consent.state, "policy/JPN/base_use") == "consent"
    assert get(consent.state, "alliance/JPN/escalation") > 0
    assert get(refuse.state, "alliance/ROK/split") > 0
    assert get(refuse.state, "trust/US/JPN") < get(base.state, "trust/US/JPN") - 0.25
    assert get(refuse.state, "assurance/ROK") < get(base.state, "assurance/ROK")
    assert fired(refuse, "R21")


def test_a_legal_situation_raises_japans_rung_and_draws_it_in_r21() -> None:
    """d.designate: a survival-threatening situation implies rung 4 toward the DPRK (Japan's
    ladder moves), shows commitment and feeds Tokyo's fear of entrapment."""
    model = quiet_model()
    act = [{"action": "d.designate", "params": {"situation": "survival_threatening"}}]
    proposal = play(start(model), model, JPN=act)
    assert get(proposal.state, "rung/JPN/DPRK") == 4
    assert get(proposal.state, "policy/JPN/situation") == "survival_threatening"
    assert get(proposal.state, "alliance/JPN/escalation") == 0.25
    assert get(proposal.state, "alliance/JPN/commitment") > 0


def test_j_alert_tempers_an_overflight_and_a_destroy_order_any_threat_r21() -> None:
    """An IRBM over Japan feeds Tokyo's 'threatened' stock (.3); J-Alert the same turn x .7; with
    a destroy order in force, threats weigh x .6."""
    model = quiet_model()
    over = [
        {
            "action": "s.missile_test",
            "target": "JPN",
            "params": {"class": "IRBM", "over_japan": True},
        }
    ]
    plain = play(start(model), model, DPRK=over)
    warned = play(
        start(model),
        model,
        DPRK=over,
        JPN=[{"action": "m.missile_defence", "params": {"level": "routine", "jalert": True}}],
    )
    ready = play(start(model, policy__JPN__missile_defence="destroy_order"), model, DPRK=over)
    assert get(plain.state, "alliance/JPN/threatened") == 0.3
    assert get(warned.state, "alliance/JPN/threatened") == 0.21
    assert get(ready.state, "alliance/JPN/threatened") == 0.18


def test_evacuating_nationals_alarms_seoul_and_may_be_misread_r21() -> None:
    """d.evacuate: Seoul's 'threatened' stock rises; Japan's evacuation costs ROK-Japan trust; the
    DPRK may read it as attack preparation."""
    model = quiet_model(MISREAD_ALWAYS)
    proposal = play(start(model), model, JPN=[{"action": "d.evacuate"}])
    assert get(proposal.state, "alliance/ROK/threatened") > 0
    assert get(proposal.state, "policy/JPN/evacuation") == "under_way"
    assert any("misread" in p.tags for p in proposal.perceptions["team:DPRK"])


def test_seoul_raising_the_nuclear_option_strains_the_alliance_r22() -> None:
    """d.nuclear_request: US trust in the ROK falls (own option more than redeployment), Tokyo's
    'threatened' stock rises."""
    model = quiet_model()
    own = play(
        start(model), model, ROK=[{"action": "d.nuclear_request", "params": {"ask": "own_option"}}]
    )
    back = play(
        start(model),
        model,
        ROK=[{"action": "d.nuclear_request", "params": {"ask": "redeployment"}}],
    )
    assert get(own.state, "trust/US/ROK") < get(back.state, "trust/US/ROK")
    assert get(own.state, "alliance/JPN/threatened") > 0


def test_a_launch_ready_dprk_is_a_nuclear_alert_on_every_dyad() -> None:
    """Posture sets a floor on the DPRK's rungs however it got there: launch-ready is rung 8 and
    asks control for approval; dispersed is rung 4."""
    model = quiet_model()
    ready = play(
        start(model), model, DPRK=[{"action": "m.posture", "params": {"level": "launch_ready"}}]
    )
    assert get(ready.state, "rung/DPRK/US") == 8
    assert get(ready.state, "rung/DPRK/JPN") == 8
    assert ready.requires_nuclear_approval
    dispersed = play(
        start(model), model, DPRK=[{"action": "m.posture", "params": {"level": "dispersed"}}]
    )
    assert get(dispersed.state, "rung/DPRK/ROK") == 4


def test_a_misread_exercise_disperses_a_stored_force_and_the_alert_relaxes_r02() -> None:
    """R02 (forced): a stored DPRK disperses under standing orders; a month later, with no new
    alert, it is stored again. A dispersed one is advised to ready its launchers instead."""
    model = quiet_model(MISREAD_ALWAYS, {"rules": {"R02": {"p_base": 1.0}}})
    first = play(start(model), model, US=EXERCISE)
    assert get(first.state, "dprk/posture") == "dispersed"
    assert first.state.memory.alert_steps == 1
    later = play(first.state, model)
    assert get(later.state, "dprk/posture") == "stored"
    advised = play(start(model, dprk__posture="dispersed"), model, US=EXERCISE)
    assert get(advised.state, "dprk/posture") == "dispersed"
    assert [(a.team, a.rule) for a in advised.state.advice] == [("DPRK", "R02")]


def test_advice_stands_for_its_days_and_then_lapses() -> None:
    """The 2022 law's advice stands 60 days (two monthly turns) unless renewed; in 4-day turns,
    fifteen turns."""
    model = quiet_model()
    drill = [{"action": "s.decap_drill", "target": "DPRK"}]
    state = play(start(model), model, US=drill).state
    assert state.advice[0].until == 3
    state = play(state, model).state
    assert state.advice
    state = play(state, model).state
    assert not state.advice
    short = quiet_model({"clock": {"days_per_turn": 4.0}})
    assert play(start(short), short, US=drill).state.advice[0].until == 16


def test_a_team_may_cut_only_a_line_it_is_party_to() -> None:
    """d.line: the DPRK cuts the inter-Korean lines (down at once); Japan is on no line."""
    model = quiet_model()
    up = start(model, hotline__ik="up")
    cut = play(up, model, DPRK=[{"action": "d.line", "params": {"line": "ik", "state": "down"}}])
    assert get(cut.state, "hotline/ik") == "down"
    with pytest.raises(RuleViolation):
        play(up, model, JPN=[{"action": "d.line", "params": {"line": "ik", "state": "down"}}])
