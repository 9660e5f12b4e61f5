"""Crisis instability (docs/model.md §3)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Model
    from .state import State

UNDERSTANDING = "c.nuc_understanding"
SWAP = "c.swap"


def in_force(model: Model, state: State, measure: str, parties: tuple[str, ...] = ()) -> bool:
    """A measure works while agreed or later; an undetected violation still works (§6: teams
    still behave as if it held), a detected one does not."""
    live = model.data["cbm"]["in_force"]
    for a in state.agreements:
        if a.measure != measure or not all(p in a.parties for p in parties):
            continue
        if a.status in live or (a.status == "violated" and not a.detected_by):
            return True
    return False


def r01_applies(model: Model, state: State) -> bool:
    """R01's condition: a Kill Chain owner on alert believes the DPRK has dispersed (004 §III)."""
    if not model.rule_enabled("R01"):
        return False
    p = model.data["rules"]["R01"]
    order = model.data["domains"]["posture"]
    floor = order.index(p["posture_min"])
    killchain = dict(state.killchain)
    for b in state.beliefs:
        alert = killchain.get(b.team, 0) >= p["killchain_min"]
        if b.pointer == "dprk/posture" and alert and order.index(b.estimate) >= floor:
            return True
    return False


def ci_logit(model: Model, state: State) -> float:
    c = model.data["ci"]
    hotline_value = c["hotline_value"]
    counted = set(c["hotlines"])
    hotlines_up = sum(hotline_value[v] for k, v in state.hotline if k in counted)
    killchain = max((v for _, v in state.killchain), default=0)
    maxrung = max((v for _, _, v in state.rung), default=0)
    x = (
        c["bias"]
        + c["posture"][state.dprk.posture]
        + c["killchain"] * killchain
        + c["maxrung"] * maxrung / model.data["domains"]["rung"][1]
        + c["predelegation"][state.dprk.predelegation]
        + c["hotline"] * hotlines_up
    )
    if in_force(model, state, UNDERSTANDING):
        x += c["understanding"]
    if in_force(model, state, SWAP):
        x += c["swap"]
    if r01_applies(model, state):
        x += model.data["rules"]["R01"]["ci_logit"]
    return float(x)


def crisis_instability(state: State, model: Model) -> float:
    """CI = logistic of the weighted instability terms; about .2 at the 2026 baseline."""
    return 1.0 / (1.0 + math.exp(-ci_logit(model, state)))
