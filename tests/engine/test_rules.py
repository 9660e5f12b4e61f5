"""Adjudication cases, one or more per rule R01-R19 (docs/model.md §7).

Each docstring states the rule and the expected result; each body fails if the rule is removed."""

from __future__ import annotations

from dataclasses import replace

from tests.engine.helpers import MISREAD_ALWAYS, SEE_ALL, fired, get, play, quiet_model, start

EXERCISE = [{"action": "s.exercise", "target": "DPRK", "params": {"scale": "full"}}]
ICBM = [{"action": "s.missile_test", "target": "US", "params": {"class": "ICBM"}}]


def test_it_raises_dprk_threat_when_kill_chain_faces_a_believed_dispersal_r01() -> None:
    """R01: US Kill Chain 2 and the US believes the DPRK dispersed -> P[DPRK->US] +8."""
    overrides = {
        "killchain__US": 2,
        "belief__US__dprk__posture": {"estimate": "dispersed", "confidence": 0.8},
    }
    on = play(start(quiet_model(), **overrides), quiet_model())
    off = play(start(quiet_model(disable=("R01",)), **overrides), quiet_model(disable=("R01",)))
    gap = get(on.state, "threat/DPRK/US") - get(off.state, "threat/DPRK/US")
    assert round(gap, 6) == 8.0
    assert fired(on, "R01")


def test_it_orders_a_doctrinal_strike_when_launchers_are_believed_ready_r01() -> None:
    """R01: Kill Chain 3 and launch-ready believed -> a doctrinal Kill Chain strike (p forced 1),
    attributed to the US, public, rung US->DPRK >= 7."""
    model = quiet_model({"rules": {"R01": {"p_base": 1.0}}})
    state = start(
        model,
        killchain__US=3,
        belief__US__dprk__posture={"estimate": "launch_ready", "confidence": 0.9},
    )
    proposal = play(state, model)
    strikes = [e for e in proposal.events if e.kind == "doctrinal"]
    assert [(e.actor, e.target) for e in strikes] == [("US", "DPRK")]
    assert "cause.misperception" in strikes[0].tags  # the DPRK was in fact stored
    assert get(proposal.state, "rung/US/DPRK") >= 7


def test_it_moves_dprk_posture_when_an_unnotified_exercise_is_misread_r02() -> None:
    """R02: an unnotified exercise misread as attack preparation -> DPRK posture +1."""
    extra = (MISREAD_ALWAYS, {"rules": {"R02": {"p_base": 1.0}}})
    on = play(start(quiet_model(*extra)), quiet_model(*extra), US=EXERCISE)
    off_model = quiet_model(*extra, disable=("R02",))
    off = play(start(off_model), off_model, US=EXERCISE)
    assert get(on.state, "dprk/posture") == "dispersed"
    assert get(off.state, "dprk/posture") == "stored"


def test_it_raises_a_preemption_decision_point_when_launch_ready_r02() -> None:
    """R02: the same misread while the DPRK is launch-ready -> a pre-emption decision point,
    drawn with R02's one p (here 1); with p 0 the misread raises none."""
    sure = quiet_model(MISREAD_ALWAYS, {"rules": {"R02": {"p_base": 1.0, "p_ci": 0.0}}})
    proposal = play(start(sure, dprk__posture="launch_ready"), sure, US=EXERCISE)
    assert any("R02" in dp.rules for dp in proposal.decision_points)
    assert proposal.requires_nuclear_approval
    never = quiet_model(MISREAD_ALWAYS, {"rules": {"R02": {"p_base": 0.0, "p_ci": 0.0}}})
    quiet = play(start(never, dprk__posture="launch_ready"), never, US=EXERCISE)
    assert not any("R02" in dp.rules for dp in quiet.decision_points)


def test_a_launch_read_as_an_attack_is_only_a_brief_alert_at_kill_chain_two_r03() -> None:
    """R03: an ICBM test read as an attack launch by the US at Kill Chain 2 -> tracking corrects
    it within minutes: P[US->DPRK] +3, no step up the ladder."""
    model = quiet_model(MISREAD_ALWAYS)
    off_model = quiet_model(MISREAD_ALWAYS, disable=("R03",))
    on = play(start(model, killchain__US=2), model, DPRK=ICBM)
    off = play(start(off_model, killchain__US=2), off_model, DPRK=ICBM)
    assert fired(on, "R03")
    assert get(on.state, "rung/US/DPRK") == get(off.state, "rung/US/DPRK")
    gap = get(on.state, "threat/US/DPRK") - get(off.state, "threat/US/DPRK")
    assert round(gap, 6) == model.data["rules"]["R03"]["threat"]


def test_it_strikes_on_detection_at_kill_chain_three_r03() -> None:
    """R03: the same misread at Kill Chain 3 -> a doctrinal strike (p forced 1)."""
    model = quiet_model(MISREAD_ALWAYS, {"rules": {"R03": {"strike_p": 1.0}}})
    proposal = play(start(model, killchain__ROK=3), model, DPRK=ICBM)
    assert any(e.kind == "doctrinal" and e.actor == "ROK" for e in proposal.events)


def test_the_2022_law_advises_the_dprk_team_and_changes_nothing_by_itself_r04() -> None:
    """R04: the DPRK sees a decapitation drill -> standing advice to the DPRK team (raise posture,
    pre-delegate), shown to the DPRK and control only; posture and pre-delegation are unchanged."""
    model = quiet_model()
    drill = [{"action": "s.decap_drill", "target": "DPRK"}]
    proposal = play(start(model), model, US=drill)
    assert get(proposal.state, "dprk/posture") == "stored"
    assert get(proposal.state, "dprk/predelegation") == "conditional"
    (advice,) = proposal.state.advice
    assert (advice.team, advice.rule) == ("DPRK", "R04")
    assert advice.recommends == ("m.posture", "m.predelegate")
    events = [e for e in proposal.events if e.kind == "advice"]
    assert events
    assert events[0].vis == "control"
    assert any(p.kind == "advice" for p in proposal.perceptions["team:DPRK"])
    assert not any(p.kind == "advice" for p in proposal.perceptions["team:US"])
    off_model = quiet_model(disable=("R04",))
    assert not play(start(off_model), off_model, US=drill).state.advice


def test_it_forbids_predelegation_under_the_swap_r05() -> None:
    """R05: with c.swap in force the DPRK drops pre-delegation, and the 2022 law's advice
    recommends posture only."""
    model = quiet_model()
    swap = [{"measure": "c.swap", "parties": ["US", "ROK", "DPRK"], "status": "implemented"}]
    drill = [{"action": "m.cyber_nc3", "target": "DPRK"}]
    proposal = play(start(quiet_model(SEE_ALL), agreements=swap), quiet_model(SEE_ALL), US=drill)
    assert get(proposal.state, "dprk/predelegation") == "none"
    assert proposal.state.advice[0].recommends == ("m.posture",)
    off_model = quiet_model(disable=("R05",))
    off = play(start(off_model, agreements=swap), off_model)
    assert get(off.state, "dprk/predelegation") == "conditional"
    assert get(play(start(model), model).state, "dprk/predelegation") == "conditional"


def test_it_costs_assurance_when_the_us_deals_without_consulting_r06() -> None:
    """R06: a US proposal to the DPRK with no consultation -> an 'unconsulted' impulse by its
    content (a proposal .12) for each ally; consulted, a sliver of it."""
    model = quiet_model()
    a = model.data["alliance"]
    propose = {
        "action": "c.propose",
        "params": {"measure": "c.strategic_dialogue", "parties": ["US", "DPRK"]},
    }
    alone = play(start(model), model, US=[propose])
    consult = play(
        start(model),
        model,
        US=[propose, {"action": "d.consult", "target": "ROK"}],
        ROK=[{"action": "d.consult", "target": "US"}],
    )
    off_model = quiet_model(disable=("R06",))
    off = play(start(off_model), off_model, US=[propose])
    impulse = a["unconsulted"]["c.propose"]
    assert get(alone.state, "alliance/ROK/unconsulted") == impulse
    assert get(alone.state, "alliance/JPN/unconsulted") == impulse
    assert get(consult.state, "alliance/ROK/unconsulted") == round(
        impulse * a["consulted_factor"], 4
    )
    weight = a["weights"]["ROK"]["conservative"]["abandonment"]["unconsulted"]
    cost = get(off.state, "assurance/ROK") - get(alone.state, "assurance/ROK")
    assert round(cost, 2) == round(a["span"] * weight * impulse, 2)


def test_it_decouples_allies_when_icbms_are_capped_alone_r07() -> None:
    """R07: c.icbm_cap agreed without c.theatre_cap -> a 'traded' impulse (ROK .5, JPN .6) on top
    of R18's; Japan's weighs more, sharpened by its domestic pressure."""
    model = quiet_model()
    off_model = quiet_model(disable=("R07",))
    pending = [{"measure": "c.icbm_cap", "parties": ["US", "DPRK"], "status": "proposed"}]
    accept = [{"action": "c.accept", "params": {"proposal": 1}}]
    on = play(start(model, agreements=pending), model, DPRK=accept)
    off = play(start(off_model, agreements=pending), off_model, DPRK=accept)
    a = model.data["alliance"]
    assert get(on.state, "agreement/c.icbm_cap") == "agreed"
    for ally in ("ROK", "JPN"):
        expected = 1 - (1 - a["icbm_only"][ally]) * (1 - a["unframed"])
        assert get(on.state, f"alliance/{ally}/traded") == round(expected, 4)
        assert get(off.state, f"alliance/{ally}/traded") == a["unframed"]
    rok = get(off.state, "assurance/ROK") - get(on.state, "assurance/ROK")
    jpn = get(off.state, "assurance/JPN") - get(on.state, "assurance/JPN")
    assert jpn > rok > 5


def test_it_eases_the_dprk_and_worries_allies_with_an_nsa_r08() -> None:
    """R08: d.nsa -> P[DPRK->US] -8 (plus the act's own cooperation); allies' 'traded' stock by
    content: an NSA weighs more than an offer of talks (000 §B), less for a progressive Seoul."""
    nsa = [{"action": "d.nsa", "target": "DPRK"}]
    on = play(start(quiet_model()), quiet_model(), US=nsa)
    off_model = quiet_model(disable=("R08",))
    off = play(start(off_model), off_model, US=nsa)
    assert round(get(off.state, "threat/DPRK/US") - get(on.state, "threat/DPRK/US"), 6) == 8
    assert get(on.state, "assurance/JPN") < get(off.state, "assurance/JPN")
    talks = play(
        start(quiet_model()), quiet_model(), US=[{"action": "d.talks_offer", "target": "DPRK"}]
    )
    base = play(start(quiet_model()), quiet_model())
    nsa_cost = get(base.state, "assurance/ROK") - get(on.state, "assurance/ROK")
    talk_cost = get(base.state, "assurance/ROK") - get(talks.state, "assurance/ROK")
    assert nsa_cost > 2 * talk_cost > 0
    dove = quiet_model({"alliance": {"rok_orientation": "progressive"}})
    dovish = play(start(dove), dove, US=nsa)
    assert get(dovish.state, "alliance/ROK/traded") < get(on.state, "alliance/ROK/traded")


def test_seoul_watches_an_icbm_test_and_believes_the_level_it_shows_r09() -> None:
    """R09: an ICBM test seen by Seoul -> a 'threatened' impulse (.1); the test shows the level it
    reached, so Seoul's belief and its decoupling fear follow (structural, 000 §B)."""
    extra = {"rules": {"R16": {"p_base": 1.0}}}
    on = play(start(quiet_model(extra, SEE_ALL)), quiet_model(extra, SEE_ALL), DPRK=ICBM)
    off_model = quiet_model(extra, SEE_ALL, disable=("R09",))
    off = play(start(off_model), off_model, DPRK=ICBM)
    assert get(on.state, "dprk/icbm") == 4
    assert get(on.state, "belief/ROK/dprk/icbm")["estimate"] == 4
    assert get(on.state, "alliance/ROK/threatened") == 0.1
    assert get(off.state, "alliance/ROK/threatened") == 0.0
    assert get(on.state, "assurance/ROK") < get(off.state, "assurance/ROK")
    calm = play(start(quiet_model(SEE_ALL)), quiet_model(SEE_ALL))
    assert get(off.state, "assurance/ROK") < get(calm.state, "assurance/ROK")


def test_it_reassures_allies_through_trilateral_dialogue_r10() -> None:
    """R10: d.trilateral -> a 'consultation' impulse (.15) for each ally, which lowers its fear
    of abandonment: assurance rises by span x weight x impulse."""
    act = [{"action": "d.trilateral"}]
    model = quiet_model()
    on = play(start(model), model, JPN=act)
    off_model = quiet_model(disable=("R10",))
    off = play(start(off_model), off_model, JPN=act)
    a = model.data["alliance"]
    assert get(on.state, "alliance/ROK/consultation") == a["trilateral"]
    weight = -a["weights"]["ROK"]["conservative"]["abandonment"]["consultation"]
    gain = get(on.state, "assurance/ROK") - get(off.state, "assurance/ROK")
    assert round(gain, 2) == round(a["span"] * weight * a["trilateral"], 2)


def test_it_starts_a_nuclear_option_debate_in_seoul_below_35_r11() -> None:
    """R11: ROK assurance < 35 -> a "nuclear-option debate" inject, P[DPRK->ROK] +5 and advice to
    the ROK team; a war the US is in asks Tokyo, by advice, to decide on base use."""
    on = play(start(quiet_model(), assurance__ROK=30), quiet_model())
    off_model = quiet_model(disable=("R11",))
    off = play(start(off_model, assurance__ROK=30), off_model)
    assert any(e.action == "R11.debate" for e in on.events)
    assert round(get(on.state, "threat/DPRK/ROK") - get(off.state, "threat/DPRK/ROK"), 6) == 5
    assert [(a.team, a.rule) for a in on.state.advice] == [("ROK", "R11.debate")]
    war = play(start(quiet_model(), rung__US__DPRK=6, rung__DPRK__US=6), quiet_model())
    assert ("JPN", "R11.base_use") in [(a.team, a.rule) for a in war.state.advice]
    decided = play(
        start(quiet_model(), rung__US__DPRK=6, rung__DPRK__US=6),
        quiet_model(),
        JPN=[{"action": "d.base_use", "params": {"decision": "consent"}}],
    )
    assert ("JPN", "R11.base_use") not in [(a.team, a.rule) for a in decided.state.advice]


INCIDENT = {"rules": {"R12": {"per_year": 1e9, "p_max": 1.0}}}


def test_an_incident_without_an_exchange_of_fire_holds_the_dyad_at_four_r12_r13() -> None:
    """R12 (p forced 1) -> an incident; no exchange of fire (p forced 0) -> both rungs 4."""
    model = quiet_model(INCIDENT, {"rules": {"R13": {"fire_p": 0.0}}})
    proposal = play(start(model), model)
    incident = [e for e in proposal.events if e.kind == "incident"]
    assert incident
    assert dict(incident[0].data) == {"contained": True, "fire": False}
    assert get(proposal.state, "rung/ROK/DPRK") == 4
    assert get(proposal.state, "rung/DPRK/ROK") == 4
    off_model = quiet_model(INCIDENT, disable=("R12",))
    assert not [e for e in play(start(off_model), off_model).events if e.kind == "incident"]


def test_an_exchange_of_fire_is_rung_five_and_usually_stays_local_r13() -> None:
    """R13: an exchange of fire (forced) that stays local (forced) -> both rungs 5: an armed
    incident is rung 5 itself."""
    model = quiet_model(INCIDENT, {"rules": {"R13": {"fire_p": 1.0, "local_min": 1.0}}})
    proposal = play(start(model), model)
    (incident,) = [e for e in proposal.events if e.kind == "incident"]
    assert dict(incident.data) == {"contained": True, "fire": True}
    assert get(proposal.state, "rung/ROK/DPRK") == 5
    assert get(proposal.state, "rung/DPRK/ROK") == 5


def test_an_exchange_that_does_not_stay_local_becomes_strikes_across_the_line_r13() -> None:
    """R13: an exchange of fire whose containment fails (p forced 0) -> both rungs 6, P +15."""
    model = quiet_model(
        INCIDENT,
        {"rules": {"R13": {"fire_p": 1.0, "local_base": -5.0, "local_min": 0.0, "local_max": 0.0}}},
    )
    proposal = play(start(model), model)
    (incident,) = [e for e in proposal.events if e.kind == "incident"]
    assert "clash" in incident.tags
    assert get(proposal.state, "rung/ROK/DPRK") == 6
    assert get(proposal.state, "rung/DPRK/ROK") == 6


def test_it_lapses_an_unmatched_step_after_two_turns_r14() -> None:
    """R14: one party implements, the other never does -> the measure lapses after 2 turns."""
    model = quiet_model()
    hotline = [{"measure": "c.hotline", "parties": ["ROK", "DPRK"], "status": "agreed"}]
    state = start(model, agreements=hotline)
    state = play(state, model, ROK=[{"action": "c.implement", "params": {"agreement": 1}}]).state
    state = play(state, model).state
    assert get(state, "agreement/c.hotline") == "agreed"
    third = play(state, model)
    assert get(third.state, "agreement/c.hotline") == "lapsed"
    off_model = quiet_model(disable=("R14",))
    state = start(off_model, agreements=hotline)
    for actions in ([{"action": "c.implement", "params": {"agreement": 1}}], [], []):
        state = play(state, off_model, ROK=actions).state
    assert get(state, "agreement/c.hotline") == "agreed"


def test_it_lapses_military_measures_at_the_hazard_r14() -> None:
    """R14: a military measure lapses at its per-turn hazard (forced 1)."""
    model = quiet_model({"cbm": {"military_lapse_per_year": 1e9}})
    agreements = [{"measure": "c.incident_prev", "parties": ["ROK", "DPRK"]}]
    proposal = play(start(model, agreements=agreements), model)
    assert get(proposal.state, "agreement/c.incident_prev") == "lapsed"


def test_it_breaks_the_moratorium_with_a_full_exercise_r15() -> None:
    """R15: a full-scale exercise during c.moratorium -> lapse hazard +.3 (forced 1 here);
    on lapse, T[DPRK->US] -.1."""
    model = quiet_model({"rules": {"R15": {"hazard": 1.0}}})
    agreements = [{"measure": "c.moratorium", "parties": ["US", "DPRK"]}]
    on = play(start(model, agreements=agreements), model, US=EXERCISE)
    off_model = quiet_model({"rules": {"R15": {"hazard": 1.0}}}, disable=("R15",))
    off = play(start(off_model, agreements=agreements), off_model, US=EXERCISE)
    assert get(on.state, "agreement/c.moratorium") == "lapsed"
    assert get(off.state, "agreement/c.moratorium") == "agreed"
    assert round(get(off.state, "trust/DPRK/US") - get(on.state, "trust/DPRK/US"), 6) == 0.1


def test_it_advances_the_icbm_with_tests_r16() -> None:
    """R16: an ICBM test advances the ICBM level with p = .1 + .05 russia (forced 1)."""
    model = quiet_model({"rules": {"R16": {"p_base": 1.0}}})
    assert get(play(start(model), model, DPRK=ICBM).state, "dprk/icbm") == 4
    off_model = quiet_model({"rules": {"R16": {"p_base": 1.0}}}, disable=("R16",))
    assert get(play(start(off_model), off_model, DPRK=ICBM).state, "dprk/icbm") == 3


def test_it_keeps_dprk_threat_from_falling_without_relief_r17() -> None:
    """R17: two verified DPRK steps and no relief -> the DPRK's P does not fall."""
    model = quiet_model()
    state = start(model, threat__DPRK__US=80, threat0__DPRK__US=50)
    state = replace(state, memory=replace(state.memory, dprk_verified_steps=2))
    assert get(play(state, model).state, "threat/DPRK/US") == 80
    off_model = quiet_model(disable=("R17",))
    assert get(play(state, off_model).state, "threat/DPRK/US") < 80


def test_it_unsettles_allies_with_arms_control_not_framed_as_interim_r18() -> None:
    """R18: an arms-control measure agreed without interim-step framing -> a 'traded' impulse
    (.15) for each ally; i.frame_interim the same turn cancels it."""
    model = quiet_model()
    pending = [{"measure": "c.moratorium", "parties": ["US", "DPRK"], "status": "proposed"}]
    accept = [{"action": "c.accept", "params": {"proposal": 1}}]
    plain = play(start(model, agreements=pending), model, DPRK=accept)
    framed = play(
        start(model, agreements=pending), model, DPRK=accept, JPN=[{"action": "i.frame_interim"}]
    )
    assert fired(plain, "R18")
    assert not fired(framed, "R18")
    a = model.data["alliance"]
    weight = a["weights"]["ROK"]["conservative"]["abandonment"]["traded"]
    gap = get(framed.state, "assurance/ROK") - get(plain.state, "assurance/ROK")
    assert round(gap, 2) == round(a["span"] * weight * a["unframed"], 2)


def test_it_hardens_pyongyang_on_a_cvid_demand_r19() -> None:
    """R19: d.demand_cvid -> P[DPRK->US] +5 and T[DPRK->US] -.05."""
    act = [{"action": "d.demand_cvid", "target": "DPRK"}]
    on = play(start(quiet_model()), quiet_model(), US=act)
    off_model = quiet_model(disable=("R19",))
    off = play(start(off_model), off_model, US=act)
    assert round(get(on.state, "threat/DPRK/US") - get(off.state, "threat/DPRK/US"), 6) == 5
    assert round(get(off.state, "trust/DPRK/US") - get(on.state, "trust/DPRK/US"), 6) == 0.05
