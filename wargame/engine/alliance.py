"""Alliance politics (docs/model.md §13): abandonment and entrapment, bounded, weighted by content.

Each ally (the ROK, Japan) keeps stocks of drivers in [0, 1]. An act pushes a stock up by an impulse
that reflects its content (s' = 1 - (1 - s)·Π(1 - i)), so repeating it saturates; a relief scales a
stock down; every stock fades with its own half-life. Structural terms are read from the state: the
DPRK's ICBMs above US missile defence and its theatre arsenal (decoupling), the highest rung (the
risk of a war one did not choose), confidence-building measures in force. The fears are weighted
sums clamped to [0, 1]; assurance moves by -span x (w_ab x change in abandonment + w_en x change in
entrapment), so it is bounded by the weights, it recovers as the stocks fade, and an override of
assurance by control persists as a level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import days_per_turn, remaining
from .crisis import in_force
from .state import ALLIANCE_ALLIES, DRIVERS, policy_value

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .model import Model
    from .state import State

Fears = dict[str, tuple[float, float]]  # ally -> (abandonment, entrapment)


def weights(m: Any, ally: str) -> Mapping[str, Mapping[str, float]]:
    """The ally's weights: the ROK's by its government's orientation, Japan's with the drivers
    that domestic pressure sharpens scaled by (1 + pressure)."""
    a = m["alliance"]
    if ally == "ROK":
        return a["weights"]["ROK"][a["rok_orientation"]]  # type: ignore[no-any-return]
    spec = a["weights"][ally]
    factor = 1.0 + float(a["jpn_domestic_pressure"])
    scaled = set(a["pressure_scaled"])
    return {
        "fear": spec["fear"],
        "abandonment": {
            k: v * factor if k in scaled else v for k, v in spec["abandonment"].items()
        },
        "entrapment": {k: v * factor if k in scaled else v for k, v in spec["entrapment"].items()},
    }


def _cbms_in_force(model: Model, state: State) -> float:
    a = model.data["alliance"]
    count = sum(1 for measure in a["cbm_measures"] if in_force(model, state, measure))
    return min(1.0, count / float(a["cbm_count"]))


def _believed(state: State, ally: str, var: str) -> int:
    """What the ally believes of a hidden DPRK variable (its fear cannot read the truth)."""
    for b in state.beliefs:
        if (b.team, b.pointer) == (ally, f"dprk/{var}"):
            return int(b.estimate)
    return int(getattr(state.dprk, var))


def structural(model: Model, state: State, ally: str) -> dict[str, float]:
    """The terms read from the state: decoupling and the theatre arsenal as the ally believes
    them, the risk of war (the highest rung), confidence-building measures in force."""
    a = model.data["alliance"]
    gap = max(0, _believed(state, ally, "icbm") - int(a["us_missile_defence"]))
    top = max((v for _, _, v in state.rung), default=0)
    return {
        "decoupling": min(1.0, gap / float(a["decoupling_scale"])),
        "theatre": min(1.0, _believed(state, ally, "warheads") / float(a["theatre_warheads"])),
        "war_risk": min(1.0, top / float(a["war_risk_rung"])),
        "cbms": _cbms_in_force(model, state),
    }


def fears(model: Model, state: State, only: str | None = None) -> Fears:
    """Each ally's (abandonment, entrapment) in this state (`only`: that ally alone)."""
    stocks = state.alliance_map()
    out: Fears = {}
    for ally in ALLIANCE_ALLIES:
        if ally not in state.teams or (only is not None and ally != only):
            continue
        terms = structural(model, state, ally)
        w = weights(model.data, ally)
        values = {**terms, **{d: stocks.get((ally, d), 0.0) for d in DRIVERS}}
        ab = sum(w["abandonment"].get(k, 0.0) * v for k, v in values.items())
        en = sum(w["entrapment"].get(k, 0.0) * v for k, v in values.items())
        out[ally] = (min(1.0, max(0.0, ab)), min(1.0, max(0.0, en)))
    return out


def next_stocks(
    model: Model,
    state: State,
    pushes: Mapping[tuple[str, str], list[float]],
    reliefs: Mapping[tuple[str, str], list[float]],
) -> tuple[tuple[str, str, float], ...]:
    """This turn's stocks: faded by their half-lives, relieved, then pushed (saturating)."""
    m = model.data
    days = days_per_turn(m)
    half = m["alliance"]["half_life_days"]
    nd = m["domains"]["decimals"]
    current = state.alliance_map()
    out = []
    for ally in ALLIANCE_ALLIES:
        if ally not in state.teams:
            continue
        for driver in DRIVERS:
            s = current.get((ally, driver), 0.0) * remaining(float(half[driver]), days)
            for share in reliefs.get((ally, driver), ()):
                s *= 1.0 - min(1.0, max(0.0, share))
            keep = 1.0 - s
            for impulse in pushes.get((ally, driver), ()):
                keep *= 1.0 - min(1.0, max(0.0, impulse))
            value = round(1.0 - keep, nd)
            if value > 0.0:
                out.append((ally, driver, value))
    return tuple(sorted(out))


def assurance_after(
    model: Model, before: State, after: State, assurance: Mapping[str, float]
) -> dict[str, float]:
    """Assurance moved by the change in each ally's fears from `before` to `after`."""
    m = model.data
    span = float(m["alliance"]["span"])
    lo, hi = m["domains"]["assurance"]
    old, new = fears(model, before), fears(model, after)
    out = dict(assurance)
    for ally, (ab, en) in new.items():
        if ally not in out:
            continue
        ab0, en0 = old.get(ally, (ab, en))
        w = weights(m, ally)["fear"]
        moved = out[ally] - span * (w["abandonment"] * (ab - ab0) + w["entrapment"] * (en - en0))
        out[ally] = round(min(hi, max(lo, moved)), m["domains"]["decimals"])
    return out


def orientation(model: Model, state: State, ally: str) -> str:
    """The key of the swap impulse: the ROK's government orientation, or the ally itself."""
    return str(model.data["alliance"]["rok_orientation"]) if ally == "ROK" else ally


def japan_policy(model: Model, state: State, name: str) -> str:
    return policy_value(state, model, "JPN", name)
