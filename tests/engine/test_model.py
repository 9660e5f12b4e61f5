"""Properties of the model as a whole: the clock, detection, production, sanctions, crisis
instability and alliance politics (docs/model.md §3, §4, §12, §13); each docstring states one."""

from __future__ import annotations

import math

import pytest

from tests.engine.helpers import get, play, quiet_model, start
from wargame.engine.alliance import fears, weights
from wargame.engine.catalogue import load_catalogue
from wargame.engine.clock import chance, poisson_count, remaining
from wargame.engine.crisis import crisis_instability
from wargame.engine.rng import Dice
from wargame.engine.rules.capability import effective_sanctions, production_per_year
from wargame.engine.rules.context import build_context

LAUNCH = [{"action": "s.missile_test", "params": {"class": "SRBM"}}]


def test_a_rate_a_year_gives_the_same_chance_over_a_month_in_any_turn_length() -> None:
    """The clock: the chance of an event over 30 days is the same in one 30-day turn or in
    fifteen 2-day turns; half-lives compose the same way."""
    month = chance(2.0, 30.0)
    assert 1 - (1 - chance(2.0, 2.0)) ** 15 == pytest.approx(month)
    assert remaining(90.0, 2.0) ** 15 == pytest.approx(remaining(90.0, 30.0))
    assert chance(0.0, 30.0) == 0.0
    assert [poisson_count(u, 0.5) for u in (0.1, 0.7, 0.95, 0.99)] == [0, 1, 2, 3]


def test_the_incident_hazard_per_year_does_not_depend_on_the_turn_length() -> None:
    """R12: a year of 4-day turns and a year of monthly turns draw incidents at the same rate."""
    rates = {}
    for days in (4.0, 30.4375):
        model = quiet_model({"clock": {"days_per_turn": days}, "rules": {"R12": {"per_year": 2.0}}})
        ctx = build_context(model, load_catalogue(model), start(model), 1, Dice(1, 1))
        from wargame.engine.rules.korea import incident_p

        rates[days] = -math.log(1 - incident_p(ctx)) * 365.25 / days
    assert rates[4.0] == pytest.approx(rates[30.4375])


def test_every_ally_sees_a_launch_once_one_does_with_realtime_sharing() -> None:
    """Detection as the record has it: with realtime sharing every ally perceives every launch it
    or a partner tracked; without sharing Japan misses some (its own radars only)."""
    model = quiet_model()
    seen = [play(start(model), model, seed=s, DPRK=LAUNCH) for s in range(1, 41)]
    for proposal in seen:
        for team in ("US", "ROK", "JPN"):
            assert any(
                p.action == "s.missile_test" or "misread" in p.tags
                for p in proposal.perceptions[f"team:{team}"]
            )
    alone = quiet_model({"perception": {"launch": {"sharing": "none", "detect": {"JPN": 0.5}}}})
    missed = sum(
        not [
            p
            for p in play(start(alone), alone, seed=s, DPRK=LAUNCH).perceptions["team:JPN"]
            if p.actor == "DPRK"
        ]
        for s in range(1, 41)
    )
    assert 5 < missed < 35


def test_warheads_grow_with_yongbyon_and_enrichment_and_stop_under_a_fissile_cap() -> None:
    """Production: ~10 a year at the 2026 baseline; less with Yongbyon closed; none under
    c.fissile_cap; effective sanctions slow it a little and Russia erodes them."""
    model = quiet_model(
        {"capabilities": {"warheads_per_year": {"yongbyon": 1.5, "enrichment": 8.5}}}
    )
    cat = load_catalogue(model)

    def rate(**pointers: object) -> float:
        return production_per_year(
            build_context(model, cat, start(model, **pointers), 1, Dice(1, 1))
        )

    base = rate()
    assert 8.0 < base < 10.0
    assert rate(dprk__yongbyon="closed") == pytest.approx(base * 8.5 / 10.0)
    cap = [{"measure": "c.fissile_cap", "parties": ["US", "DPRK"], "status": "implemented"}]
    assert rate(agreements=cap) == 0.0
    assert rate(sanctions=10, dprk__russia=0) < rate(sanctions=10, dprk__russia=3)
    assert effective_sanctions(model.data, 7, 2) == 4.0


def test_tightened_sanctions_raise_the_dprks_threat_baseline() -> None:
    """Sanctions with consequences: a successful e.sanctions_up raises P0[DPRK->sanctioners] by
    the change in effective sanctions."""
    model = quiet_model({"sanctions": {"veto_p_per_russia": 0.0}})
    before = get(start(model), "threat0/DPRK/US")
    after = play(start(model), model, US=[{"action": "e.sanctions_up"}]).state
    assert get(after, "sanctions") == 8
    assert get(after, "threat0/DPRK/US") == before + model.data["sanctions"]["threat_per_point"]


def test_crisis_instability_does_not_saturate_and_understandings_matter_in_a_crisis() -> None:
    """CI stays near .9 at the very worst (launch-ready, delegated, Kill Chain 3 believing it,
    rung 11) and an understanding lowers it measurably in a crisis (by more than .05)."""
    model = quiet_model()
    worst = {
        "dprk__posture": "launch_ready",
        "dprk__predelegation": "delegated",
        "killchain__US": 3,
        **{
            f"rung__{a}__{b}": 11
            for a, b in (("DPRK", "US"), ("US", "DPRK"), ("DPRK", "ROK"), ("ROK", "DPRK"))
        },
    }
    assert 0.6 < crisis_instability(start(model, **worst), model) < 0.92
    crisis = {"dprk__posture": "dispersed", "killchain__US": 2, "rung__DPRK__ROK": 6}
    agreement = [{"measure": "c.nuc_understanding", "parties": ["US", "ROK", "DPRK"]}]
    without = crisis_instability(start(model, **crisis), model)
    with_it = crisis_instability(start(model, agreements=agreement, **crisis), model)
    assert without - with_it > 0.05
    assert 0.15 < crisis_instability(start(model), model) < 0.25


def test_talk_alone_saturates_instead_of_driving_assurance_to_zero() -> None:
    """Alliance politics is bounded: a year of unconsulted offers of talks costs each ally less
    than span x its weight, however many are made."""
    model = quiet_model()
    state = start(model)
    for _ in range(24):
        state = play(state, model, US=[{"action": "d.talks_offer", "target": "DPRK"}]).state
    a = model.data["alliance"]
    ceiling = a["span"] * a["weights"]["ROK"]["conservative"]["abandonment"]["unconsulted"]
    drop = get(start(model), "assurance/ROK") - get(state, "assurance/ROK")
    assert 0 < drop <= ceiling
    assert get(state, "alliance/ROK/unconsulted") < 1.0


def test_seoul_and_tokyo_react_differently_to_the_same_deal() -> None:
    """The ROK and Japan weigh the same act differently: an ICBM-only cap costs Tokyo more; a
    progressive Seoul fears entrapment more than a conservative one."""
    model = quiet_model()
    assert fears(model, start(model))["ROK"] != fears(model, start(model))["JPN"]
    dove = quiet_model({"alliance": {"rok_orientation": "progressive"}})
    war = {"rung__US__DPRK": 7, "rung__DPRK__US": 7}
    felt = {}
    for name, m in (("dove", dove), ("hawk", model)):
        rising = fears(m, start(m, **war))["ROK"][1] - fears(m, start(m))["ROK"][1]
        felt[name] = weights(m.data, "ROK")["fear"]["entrapment"] * rising
    assert felt["dove"] > felt["hawk"] > 0


def test_cbms_in_force_ease_entrapment_and_the_swap_changes_assurance() -> None:
    """Measures in force lower each ally's fear of entrapment (structural term); the swap is felt:
    a conservative Seoul counts its decapitation plans traded away."""
    model = quiet_model()
    cbms = [
        {"measure": "c.incident_prev", "parties": ["ROK", "DPRK"]},
        {"measure": "c.hotline", "parties": ["ROK", "DPRK"]},
    ]
    assert (
        fears(model, start(model, agreements=cbms))["ROK"][1] < fears(model, start(model))["ROK"][1]
    )
    pending = [{"measure": "c.swap", "parties": ["US", "ROK", "DPRK"], "status": "proposed"}]
    accept = [{"action": "c.accept", "params": {"proposal": 1}}]
    agreed = play(start(model, agreements=pending), model, ROK=accept, DPRK=accept)
    assert get(agreed.state, "agreement/c.swap") == "agreed"
    assert get(agreed.state, "alliance/ROK/traded") > 0
