"""Names the room shows for the engine's numbers and ids, marked for translation.

The engine keeps ids (rungs as numbers, measures as `c.*`); their names live in docs/model.md
in English only, so the interface names them here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from wargame.exercises.models import ExerciseStatus, Phase

if TYPE_CHECKING:
    from django.utils.functional import Promise

# docs/model.md#2-the-escalation-ladder
RUNG_NAMES: dict[int, Promise] = {
    0: _("Peacetime competition"),
    1: _("Political signalling"),
    2: _("Demonstration"),
    3: _("Show of force"),
    4: _("Crisis"),
    5: _("Armed incident"),
    6: _("Limited conventional strikes"),
    7: _("Conventional war"),
    8: _("Nuclear alert"),
    9: _("Nuclear demonstration"),
    10: _("Limited nuclear use"),
    11: _("General nuclear war"),
}
# The first rung at which the ladder is nuclear (docs/model.md#2-the-escalation-ladder).
NUCLEAR_RUNG = 8
TOP_RUNG = 11
# How close to the nuclear threshold a ladder must stand, in the team's view, for the decision
# panel to explain what happens at it: from rung 6 (limited conventional strikes) a turn's
# escalation can reach the threshold (a presentation choice, not a model number).
NEAR_NUCLEAR_RUNGS = 2

# docs/model.md#6-the-cbm-registry
MEASURE_NAMES: dict[str, Promise] = {
    "c.hotline": _("Hotline"),
    "c.ex_notify": _("Notification of exercises"),
    "c.launch_notify": _("Notification of launches"),
    "c.observers": _("Exercise observers"),
    "c.incident_prev": _("Incident prevention at the MDL"),
    "c.dmz_zones": _("Demilitarised zones"),
    "c.moratorium": _("Test moratorium"),
    "c.yongbyon": _("Yongbyon closure"),
    "c.fissile_cap": _("Fissile material cap"),
    "c.icbm_cap": _("ICBM limits"),
    "c.theatre_cap": _("Theatre missile limits"),
    "c.nuc_understanding": _("Nuclear understanding"),
    "c.swap": _("Decapitation-for-predelegation swap"),
    "c.strategic_dialogue": _("Strategic risk-reduction dialogue"),
    "c.kaesong": _("Kaesong and special economic zones"),
    "c.end_of_war": _("End-of-war declaration"),
    "c.regional": _("Regional arrangement"),
    "c.npt_return": _("Return to the NPT"),
    "c.ed_agenda": _("Arms control on the extended-deterrence agenda"),
    "c.tri_deterrence": _("Trilateral understanding of deterrence"),
}

AGREEMENT_STATUS: dict[str, Promise] = {
    "proposed": _("Proposed"),
    "agreed": _("Agreed"),
    "implemented": _("Implemented"),
    "verified": _("Verified"),
    "rejected": _("Rejected"),
    "expired": _("Expired"),
    "violated": _("Violated"),
    "lapsed": _("Lapsed"),
}

CATEGORY_NAMES: dict[str, Promise] = {
    "diplomatic": _("Diplomatic"),
    "signalling": _("Signalling"),
    "military": _("Military"),
    "economic": _("Economic"),
    "information": _("Information"),
    "cbm": _("Confidence-building"),
}

PARAM_LABELS: dict[str, Promise] = {
    "measure": _("Measure"),
    "parties": _("Parties"),
    "verification": _("Verification"),
    "framing": _("Framing"),
    "proposal": _("Proposal"),
    "agreement": _("Agreement"),
    "format": _("Format"),
    "nuclear": _("Nuclear"),
    "track": _("Track"),
    "level": _("Level"),
    "scale": _("Scale"),
    "with": _("With"),
    "notify": _("Notify in advance"),
    "observers": _("Invite observers"),
    "class": _("Missile class"),
    "over_japan": _("Over Japan"),
    "site": _("Site"),
    "policy": _("Rule for returning fire"),
    "authority": _("Strike authority"),
    "decision": _("Decision"),
    "situation": _("Legal situation"),
    "jalert": _("Warn the public by J-Alert"),
    "ask": _("Request"),
    "line": _("Line"),
    "state": _("State"),
    "package": _("Also in the package"),
    "relief": _("Steps of sanctions relief"),
    "exercises": _("US-ROK exercises"),
}

# Values of the state and of action parameters that read better as words.
VALUE_LABELS: dict[str, Promise] = {
    "up": _("up"),
    "degraded": _("degraded"),
    "down": _("down"),
    "stored": _("stored"),
    "dispersed": _("dispersed"),
    "launch_ready": _("launch-ready"),
    "none": _("none"),
    "conditional": _("conditional"),
    "delegated": _("delegated"),
    "operating": _("operating"),
    "closed": _("closed"),
    "verified": _("verified"),
    "dismantled": _("dismantled"),
    "full": _("full"),
    "reduced": _("reduced"),
    "limited": _("limited"),
    "general": _("general"),
    "barrage": _("barrage"),
    "self": _("self-verified"),
    "ntm": _("national technical means"),
    "onsite": _("on-site inspection"),
    "iaea": _("IAEA"),
    "interim_step": _("an interim step"),
    "observers": _("observers on site"),
    "yongbyon": _("Yongbyon reactor"),
    "enrichment": _("uranium enrichment"),
    "respond_first": _("respond first, report later"),
    "restraint": _("restraint"),
    "combined": _("combined command"),
    "national": _("national command"),
    "consent": _("consent"),
    "refuse": _("refuse"),
    "important_influence": _("important-influence situation"),
    "survival_threatening": _("survival-threatening situation"),
    "armed_attack": _("armed-attack situation"),
    "routine": _("routine"),
    "destroy_order": _("destroy order"),
    "redeployment": _("redeployment of US weapons"),
    "own_option": _("a national nuclear option"),
    "suspended": _("suspended"),
    "ik": _("inter-Korean military lines"),
    "us": _("US-DPRK channel"),
    "unc": _("UN Command line"),
}

VARIABLE_NAMES: dict[str, Promise] = {
    "dprk/posture": _("DPRK nuclear posture"),
    "dprk/predelegation": _("DPRK pre-delegation"),
    "dprk/icbm": _("DPRK ICBM capability (0-5)"),
    "dprk/warheads": _("DPRK warheads"),
    "dprk/yongbyon": _("Yongbyon"),
    "dprk/russia": _("DPRK-Russia ties (0-3)"),
    "killchain/US": _("US strike readiness (0-3)"),
    "killchain/ROK": _("ROK Kill Chain readiness (0-3)"),
    "hotline/ik": _("Inter-Korean hotline"),
    "hotline/us": _("US-DPRK hotline"),
    "hotline/unc": _("UN Command line at Panmunjom"),
    "sanctions": _("Sanctions (0-10)"),
}

PLACE_NAMES: dict[str, Promise] = {
    "washington": _("Washington"),
    "seoul": _("Seoul / Pyongyang"),
    "tokyo": _("Tokyo"),
}

CHANNEL_KIND_NAMES: dict[str, Promise] = {
    "team": _("Team"),
    "allied": _("Allies"),
    "hotline": _("Hotline"),
    "control": _("Control"),
}


def value_label(value: object) -> str:
    """A state or parameter value as the interface says it."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    label = VALUE_LABELS.get(str(value))
    return str(label) if label is not None else str(value)


def params_text(params: object) -> str:
    """An action's parameters as words: "Missile class: ICBM; Notify in advance: yes"."""
    if not isinstance(params, dict):
        return ""
    parts = []
    for name, value in params.items():
        label = PARAM_LABELS.get(name, name)
        if name == "measure":
            shown = measure_name(str(value))
        elif isinstance(value, list):
            shown = ", ".join(value_label(v) for v in value)
        else:
            shown = value_label(value)
        parts.append(f"{label}: {shown}")
    return "; ".join(parts)


def rung_name(rung: int) -> str:
    return str(RUNG_NAMES.get(rung, rung))


def measure_name(measure: str) -> str:
    return str(MEASURE_NAMES.get(measure, measure))


def phase_name(phase: str | None) -> str:
    """A phase of a turn as the interface names it (the model's own labels); empty for none."""
    return str(Phase(phase).label) if phase in Phase.values else ""


def status_name(status: str) -> str:
    """An exercise's status as the interface names it (the model's own labels)."""
    return str(ExerciseStatus(status).label) if status in ExerciseStatus.values else status
