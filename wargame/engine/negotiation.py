"""Bots that negotiate (docs/model.md §15): propose, counter and accept packages of measures,
with steps of sanctions relief and the scale of US-ROK exercises as the quid, against a
reservation price.

A team values a package by the sum of its measures, relief steps and exercise terms (bots.yaml
`negotiation`); relief is worth more to Pyongyang the more sanctions bite, so Russian erosion makes
it cheaper; Russian backing and relief that lags verified steps raise the DPRK's price (R16, R17).
Everything is read from the team's own view; every draw is the engine's SHA-256 draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .decisions import ActionChoice, freeze_params
from .rng import draw

if TYPE_CHECKING:
    from .model import Model

LIVE = ("proposed", "agreed", "implemented", "verified")


@dataclass(slots=True)
class Package:
    measures: tuple[str, ...]
    parties: tuple[str, ...]
    relief: int = 0
    exercises: str = "none"
    framing: str = "none"
    verification: str | None = None

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"measure": self.measures[0], "parties": list(self.parties)}
        if len(self.measures) > 1:
            out["package"] = list(self.measures[1:])
        if self.relief:
            out["relief"] = self.relief
        if self.exercises != "none":
            out["exercises"] = self.exercises
        if self.framing != "none":
            out["framing"] = self.framing
        if self.verification:
            out["verification"] = self.verification
        return out


@dataclass(slots=True)
class Moves:
    actions: list[ActionChoice] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    budgeted: int = 0


def _rows(view: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = view.get("agreements")
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return []
    return [a for a in raw if isinstance(a, Mapping)]


def offers(view: Mapping[str, Any]) -> list[tuple[int, Package, Mapping[str, Any]]]:
    """Packages on the table, one per lead agreement: (lead id, package, lead row)."""
    rows = _rows(view)
    out = []
    for row in rows:
        lead = int(row.get("package") or 0) or int(row["id"])
        if int(row["id"]) != lead or row.get("status") != "proposed":
            continue
        members = [r for r in rows if (int(r.get("package") or 0) or int(r["id"])) == lead]
        out.append(
            (
                lead,
                Package(
                    measures=tuple(
                        str(r["measure"]) for r in sorted(members, key=lambda r: r["id"])
                    ),
                    parties=tuple(row.get("parties") or ()),
                    relief=int(row.get("relief", 0)),
                    exercises=str(row.get("exercises", "none")),
                    framing=str(row.get("framing", "none")),
                ),
                row,
            )
        )
    return sorted(out, key=lambda item: (int(item[2].get("proposed_turn", 0)), item[0]))


def value(
    team: str, package: Package, view: Mapping[str, Any], spec: Mapping[str, Any], model: Model
) -> float:
    """What a package is worth to a team, in utility points."""
    values = spec["values"].get(team)
    if values is None:
        return 0.0
    total = sum(float(values["measures"].get(m, 0.0)) for m in package.measures)
    per_step = float(values["relief"])
    if team == "DPRK":
        sanctions = float(view.get("sanctions") or 0)
        russia = _number(view, "russia")
        bite = max(0.0, sanctions - float(model.data["sanctions"]["russia_erosion"]) * russia)
        per_step *= bite / float(values["relief_pivot"])
    total += per_step * package.relief
    total += float(values["exercises"].get(package.exercises, 0.0))
    return total


def _number(view: Mapping[str, Any], var: str) -> float:
    dprk = view.get("dprk")
    if isinstance(dprk, Mapping) and isinstance(dprk.get(var), int | float):
        return float(dprk[var])
    belief = (view.get("belief") or {}).get(f"/dprk/{var}")
    if isinstance(belief, Mapping) and isinstance(belief.get("estimate"), int | float):
        return float(belief["estimate"])
    return 0.0


def reservation(
    team: str, policy: str, view: Mapping[str, Any], spec: Mapping[str, Any], model: Model
) -> float:
    """The least a package must be worth for the team to take it."""
    price = float(spec["reservation"].get(policy, 99.0))
    if team != "DPRK":
        return price
    markups = spec["dprk_markups"]
    r16 = model.data["rules"]["R16"]
    if _number(view, "russia") >= float(r16["russia_min"]):
        price += float(markups["russia"])
    verified = sum(
        1
        for r in _rows(view)
        if r.get("status") == "verified" and "DPRK" in (r.get("parties") or ())
    )
    relief = sum(int(r.get("relief", 0)) for r in _rows(view) if r.get("status") in LIVE[1:])
    r17 = model.data["rules"]["R17"]
    if (
        verified >= int(r17["min_verified"])
        and relief < float(r17["relief_per_verified"]) * verified
    ):
        price += float(markups["stalled_relief"])
    return price


def _asked(package: Package, ask: Mapping[str, Any]) -> Package:
    out = Package(
        package.measures, package.parties, package.relief, package.exercises, package.framing
    )
    if "relief" in ask:
        step = int(ask["relief"])
        out.relief = max(0, min(3, out.relief + step)) if step < 0 else max(out.relief, step)
    if "exercises" in ask:
        order = ("none", "reduced", "suspended")
        if order.index(str(ask["exercises"])) > order.index(out.exercises):
            out.exercises = str(ask["exercises"])
    if "framing" in ask:
        out.framing = str(ask["framing"])
    if "verification" in ask:
        out.verification = str(ask["verification"])
    return out


def _recent_proposals(
    view: Mapping[str, Any], team: str, measure: str, turn: int, window: int
) -> int:
    return sum(
        1
        for r in _rows(view)
        if r.get("proposed_by") == team
        and r.get("measure") == measure
        and turn - int(r.get("proposed_turn", 0)) < window
    )


def _taken(view: Mapping[str, Any], measure: str, parties: Sequence[str]) -> bool:
    """A measure already on the table or in force between the same parties."""
    return any(
        r.get("measure") == measure
        and r.get("status") in LIVE
        and set(parties) <= set(r.get("parties") or ())
        for r in _rows(view)
    )


def _propose(package: Package) -> ActionChoice:
    return ActionChoice("c.propose", None, freeze_params(package.params()))


def negotiate(
    policy: str,
    view: Mapping[str, Any],
    *,
    team: str,
    turn: int,
    seed: int,
    model: Model,
    data: Mapping[str, Any],
    teams: Sequence[str],
    budget: int,
) -> Moves:
    """This turn's negotiating moves: answers to packages addressed to the team (accept, counter or
    reject) and, with nothing on the table, an opening package."""
    spec = data.get("negotiation")
    moves = Moves()
    if not isinstance(spec, Mapping):
        return moves
    price = reservation(team, policy, view, spec, model)
    reasons = spec["reasons"]
    pending_mine = False
    answered = 0
    for lead, package, row in offers(view):
        if team not in package.parties:
            continue
        if row.get("proposed_by") == team or team in (row.get("accepted") or ()):
            pending_mine = True
            continue
        answered += 1
        if answered > 3:
            break
        if value(team, package, view, spec, model) >= price:
            moves.actions.append(ActionChoice("c.accept", None, (("proposal", lead),)))
            moves.reasons.append(str(reasons["accept"]))
            continue
        moves.actions.append(ActionChoice("c.reject", None, (("proposal", lead),)))
        counter = _counter(team, package, view, spec, model, price, turn)
        if counter is not None and moves.budgeted < budget:
            moves.actions.append(_propose(counter))
            moves.budgeted += 1
            moves.reasons.append(str(reasons["counter"]))
            pending_mine = True
        else:
            moves.reasons.append(str(reasons["reject"]))
    if pending_mine or answered or moves.budgeted >= budget:
        return moves
    u = draw(seed, turn, f"bot:{team}", team, "negotiate|open", "")
    if u >= float(spec["propose_p"].get(policy, 0.0)):
        return moves
    for opening in spec["openings"].get(team, ()):
        offer = _opening(opening, model, teams)
        if (
            offer is None
            or team not in offer.parties
            or _taken(view, offer.measures[0], offer.parties)
        ):
            continue
        if value(team, offer, view, spec, model) < price:
            continue
        moves.actions.append(_propose(offer))
        moves.budgeted += 1
        moves.reasons.append(str(reasons["propose"]))
        break
    return moves


def _counter(
    team: str,
    package: Package,
    view: Mapping[str, Any],
    spec: Mapping[str, Any],
    model: Model,
    price: float,
    turn: int,
) -> Package | None:
    if _recent_proposals(view, team, package.measures[0], turn, int(spec["window"])) >= int(
        spec["counters"]
    ):
        return None
    candidate = package
    for ask in spec["asks"].get(team, ()):
        candidate = _asked(candidate, ask)
        if value(team, candidate, view, spec, model) >= price:
            return candidate
    return None


def _opening(raw: Mapping[str, Any], model: Model, teams: Sequence[str]) -> Package | None:
    measure = str(raw["measure"])
    spec = model.data["cbm"]["measures"].get(measure)
    if spec is None:
        return None
    parties = tuple(raw.get("parties") or spec["parties"])
    if not all(p in teams for p in parties):
        return None
    return Package(
        measures=(measure, *raw.get("package", ())),
        parties=parties,
        relief=int(raw.get("relief", 0)),
        exercises=str(raw.get("exercises", "none")),
        framing=str(raw.get("framing", "none")),
    )
