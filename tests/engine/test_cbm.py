"""CBM registry cases (docs/model.md §6): one per transition, plus verification and detection."""

from __future__ import annotations

from dataclasses import replace

from tests.engine.helpers import SEE_ALL, get, play, quiet_model, start

PROPOSE = {
    "action": "c.propose",
    "params": {"measure": "c.incident_prev", "parties": ["ROK", "DPRK"]},
}
ACCEPT = {"action": "c.accept", "params": {"proposal": 1}}
IMPLEMENT = {"action": "c.implement", "params": {"agreement": 1}}


def test_it_records_a_proposal_as_proposed() -> None:
    """c.propose -> a new agreement, status proposed, accepted by its proposer."""
    model = quiet_model()
    proposal = play(start(model), model, ROK=[PROPOSE])
    (agreement,) = proposal.state.agreements
    assert (agreement.status, agreement.proposed_by, agreement.accepted) == (
        "proposed",
        "ROK",
        ("ROK",),
    )


def test_it_agrees_a_measure_when_every_party_accepts() -> None:
    """proposed -> agreed once every party has accepted."""
    model = quiet_model()
    state = play(start(model), model, ROK=[PROPOSE]).state
    assert get(play(state, model, DPRK=[ACCEPT]).state, "agreement/c.incident_prev") == "agreed"


def test_it_rejects_a_proposal() -> None:
    """proposed -> rejected on c.reject, even if another party accepts the same turn."""
    model = quiet_model()
    state = play(start(model), model, ROK=[PROPOSE]).state
    after = play(state, model, DPRK=[{"action": "c.reject", "params": {"proposal": 1}}])
    assert get(after.state, "agreement/c.incident_prev") == "rejected"


def test_it_expires_a_proposal_after_two_turns() -> None:
    """proposed -> expired after 2 turns without acceptance."""
    model = quiet_model()
    state = play(start(model), model, ROK=[PROPOSE]).state
    state = play(state, model).state
    assert get(state, "agreement/c.incident_prev") == "proposed"
    assert get(play(state, model).state, "agreement/c.incident_prev") == "expired"


def test_it_implements_when_every_party_steps_and_earns_trust() -> None:
    """agreed -> implemented when every party has taken c.implement; reciprocal trust +.04."""
    model = quiet_model()
    state = start(model, agreements=[{"measure": "c.incident_prev", "parties": ["ROK", "DPRK"]}])
    after = play(state, model, ROK=[IMPLEMENT], DPRK=[IMPLEMENT])
    assert get(after.state, "agreement/c.incident_prev") == "implemented"
    assert get(after.state, "trust/DPRK/ROK") > get(state, "trust/DPRK/ROK")
    one_sided = play(state, model, ROK=[IMPLEMENT])
    assert get(one_sided.state, "agreement/c.incident_prev") == "agreed"


def test_it_verifies_an_implemented_measure_by_its_mode() -> None:
    """implemented -> verified by a per-turn draw (on-site .9; forced 1 here; none never)."""
    model = quiet_model({"cbm": {"verify_per_year": {"ntm": 1e9}}})
    state = start(
        model,
        agreements=[
            {
                "measure": "c.incident_prev",
                "parties": ["ROK", "DPRK"],
                "status": "implemented",
                "verification": "ntm",
            }
        ],
    )
    assert get(play(state, model).state, "agreement/c.incident_prev") == "verified"
    unverifiable = start(
        model,
        agreements=[
            {
                "measure": "c.incident_prev",
                "parties": ["ROK", "DPRK"],
                "status": "implemented",
                "verification": "none",
            }
        ],
    )
    assert get(play(unverifiable, model).state, "agreement/c.incident_prev") == "implemented"


def test_it_records_a_violation_and_detects_a_public_one() -> None:
    """in force -> violated by a forbidden act; a public act is detected by the other party,
    whose trust falls by .25."""
    model = quiet_model()
    state = start(model, agreements=[{"measure": "c.incident_prev", "parties": ["ROK", "DPRK"]}])
    after = play(state, model, DPRK=[{"action": "i.loudspeakers", "target": "ROK"}])
    (agreement,) = after.state.agreements
    assert (agreement.status, agreement.violated_by, agreement.detected_by) == (
        "violated",
        ("DPRK",),
        ("ROK",),
    )
    assert get(after.state, "trust/ROK/DPRK") < get(state, "trust/ROK/DPRK")


def test_it_can_miss_a_covert_violation_and_keep_it_in_force_for_teams() -> None:
    """A covert violation undetected (detection forced 0) is truth for control only."""
    from wargame.engine import agreements_for

    model = quiet_model({"perception": {"detect": {"cov": 0.0}}})
    state = start(model, agreements=[{"measure": "c.fissile_cap", "parties": ["US", "DPRK"]}])
    after = play(
        state, model, DPRK=[{"action": "m.covert_program", "params": {"site": "enrichment"}}]
    )
    assert get(after.state, "agreement/c.fissile_cap") == "violated"
    (as_us,) = agreements_for(after.state, "team:US")
    assert as_us["status"] != "violated"
    assert agreements_for(after.state, "control")[0]["status"] == "violated"


def test_it_lapses_a_measure_on_withdrawal() -> None:
    """in force -> lapsed on c.withdraw; the other parties trust the withdrawer .1 less."""
    model = quiet_model()
    state = start(model, agreements=[{"measure": "c.incident_prev", "parties": ["ROK", "DPRK"]}])
    after = play(state, model, DPRK=[{"action": "c.withdraw", "params": {"agreement": 1}}])
    assert get(after.state, "agreement/c.incident_prev") == "lapsed"
    assert get(after.state, "trust/ROK/DPRK") < get(state, "trust/ROK/DPRK")


def test_it_raises_verification_one_step_on_invitation() -> None:
    """c.invite_verification moves the mode one step up the ladder (NTM -> observers)."""
    model = quiet_model()
    state = start(
        model,
        agreements=[
            {"measure": "c.incident_prev", "parties": ["ROK", "DPRK"], "verification": "ntm"}
        ],
    )
    after = play(
        state, model, DPRK=[{"action": "c.invite_verification", "params": {"agreement": 1}}]
    )
    assert after.state.agreements[0].verification == "observers"


def test_it_repairs_a_tested_hotline() -> None:
    """c.hotline in force -> the hotline comes up (prompt repair) and misreads fall."""
    model = quiet_model()
    state = start(model, agreements=[{"measure": "c.hotline", "parties": ["US", "DPRK"]}])
    assert get(play(state, model).state, "hotline/us") == "up"


def test_a_package_is_proposed_accepted_and_in_force_together_with_its_relief() -> None:
    """c.propose with a package: one agreement per measure, tied by the first one's id; accepting
    any of them accepts them all; the relief comes off sanctions when the package enters force."""
    model = quiet_model()
    propose = {
        "action": "c.propose",
        "params": {
            "measure": "c.moratorium",
            "package": ["c.launch_notify"],
            "parties": ["US", "DPRK"],
            "relief": 1,
            "exercises": "reduced",
        },
    }
    offered = play(start(model), model, US=[propose]).state
    moratorium, notify = offered.agreements
    assert (moratorium.package, notify.package) == (1, 1)
    assert (moratorium.relief, moratorium.exercises) == (1, "reduced")
    agreed = play(offered, model, DPRK=[{"action": "c.accept", "params": {"proposal": 2}}])
    assert [a.status for a in agreed.state.agreements] == ["agreed", "agreed"]
    assert get(agreed.state, "sanctions") == get(offered, "sanctions") - 1
    assert agreed.state.memory.relief_steps == 1


def test_exercises_above_the_agreed_scale_break_a_package() -> None:
    """A package with reduced exercises forbids full-scale US-ROK exercises: one is a violation."""
    model = quiet_model(SEE_ALL)
    agreements = [{"measure": "c.moratorium", "parties": ["US", "DPRK"], "status": "implemented"}]
    state = start(model, agreements=agreements)
    state = replace(state, agreements=(replace(state.agreements[0], exercises="reduced"),))
    full = [{"action": "s.exercise", "target": "DPRK", "params": {"scale": "full"}}]
    reduced = [{"action": "s.exercise", "target": "DPRK", "params": {"scale": "reduced"}}]
    assert get(play(state, model, US=full).state, "agreement/c.moratorium") == "violated"
    assert get(play(state, model, US=reduced).state, "agreement/c.moratorium") == "implemented"
