"""Bot policies: cautious, hawkish and scripted stand-in teams.

A bot sees only its team's view dict (views.view_for): never the State. Hidden variables are absent
from that dict, so a condition on one reads the team's belief estimate, and is false when the view
carries neither. Every draw is the engine's SHA-256 draw with purpose "bot:<team>" (or "bot:<A+B>"
for a joint action, so every party draws the same number and the joint action happens or not
as one).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .clock import chance, days_per_turn, every_turns
from .decisions import ActionChoice, Decision, freeze_params
from .errors import EngineError
from .negotiation import Moves, negotiate
from .rng import draw
from .state_types import CORE_TEAMS

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .model import Model

DATA_DIR = Path(__file__).resolve().parent / "data"
POLICIES = ("cautious", "hawkish", "scripted")
FREE_ACTIONS = frozenset({"c.accept", "c.reject"})
NUCLEAR_USE = "m.nuclear_use"


class BotError(EngineError):
    """An unknown policy or a malformed bot or script file."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(field, reason)


@functools.cache
def bot_data() -> Mapping[str, Any]:
    return _load_yaml(DATA_DIR / "bots.yaml")


@functools.cache
def period_script(period: str) -> Mapping[str, Any]:
    """The scripted replay of a period of the public record (data/scripts/<period>.yaml)."""
    path = DATA_DIR / "scripts" / f"{period}.yaml"
    if not path.is_file():
        raise BotError("script", f"No scripted replay for {period!r}.")
    return _load_yaml(path)


def _load_yaml(path: Path) -> Mapping[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, Mapping):
        raise BotError(path.name, "The file must hold a mapping.")
    return loaded


# --- reading a view --------------------------------------------------------------------------


def view_value(view: Mapping[str, Any], pointer: str) -> Any:
    """A variable as the team knows it: the view's value, else its belief estimate, else None."""
    node: Any = view
    for part in pointer.split("/"):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            node = None
            break
    if node is None and isinstance(view.get(pointer), (int, float, str)):
        node = view[pointer]
    if node is not None:
        return node
    belief = view.get("belief")
    if isinstance(belief, Mapping):
        entry = belief.get("/" + pointer) or belief.get(pointer)
        if isinstance(entry, Mapping):
            return entry.get("estimate")
    return None


def _agreements(view: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = view.get("agreements")
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return []
    return [a for a in raw if isinstance(a, Mapping)]


def in_force(view: Mapping[str, Any], measure: str, team: str | None = None) -> bool:
    """Whether the team believes `measure` is in force (an undetected violation still counts)."""
    statuses = set(bot_data().get("in_force_statuses", ()))
    for agreement in _agreements(view):
        if agreement.get("measure") != measure or agreement.get("status") not in statuses:
            continue
        parties = agreement.get("parties") or ()
        if team is None or team in parties:
            return True
    return False


def advised(view: Mapping[str, Any], rule: str, action: str | None = None) -> bool:
    """Whether the team's staff stands by advice `rule` (recommending `action`, if given)."""
    for advice in view.get("advice") or ():
        if isinstance(advice, Mapping) and advice.get("rule") == rule:
            return action is None or action in (advice.get("recommends") or ())
    return False


def _condition_holds(view: Mapping[str, Any], condition: Mapping[str, Any], team: str) -> bool:
    if "in_force" in condition:
        return in_force(view, str(condition["in_force"]), team)
    if "advice" in condition:
        return advised(view, str(condition["advice"]), condition.get("recommends"))
    value = view_value(view, str(condition["key"]))
    if value is None:
        return False
    if "in" in condition:
        return value in condition["in"]
    if "eq" in condition:
        return bool(value == condition["eq"])
    if not isinstance(value, (int, float)):
        return False
    if "ge" in condition and not value >= condition["ge"]:
        return False
    return not ("le" in condition and not value <= condition["le"])


# --- choosing ---------------------------------------------------------------------------------


def nuclear_proposals_allowed(model: Model) -> bool:
    bots = model.data.get("bots") if isinstance(model.data, Mapping) else None
    return bool(isinstance(bots, Mapping) and bots.get("allow_nuclear_proposals", False))


def _budget(model: Model) -> int:
    return int(model.data["budget"]["actions_per_turn"])


def _measures(model: Model) -> Mapping[str, Any]:
    cbm = model.data.get("cbm", {})
    measures = cbm.get("measures", {}) if isinstance(cbm, Mapping) else {}
    return measures if isinstance(measures, Mapping) else {}


def _param_matches(params: Mapping[str, Any], when: Mapping[str, Any]) -> bool:
    for key, allowed in when.items():
        value = params.get(key)
        if value is None and any(isinstance(v, bool) for v in allowed):
            value = False
        if value not in allowed:
            return False
    return True


def measures_in_force(view: Mapping[str, Any], team: str) -> frozenset[str]:
    """The measures the team believes in force and is party to (read once per decision)."""
    statuses = set(bot_data().get("in_force_statuses", ()))
    return frozenset(
        str(a.get("measure"))
        for a in _agreements(view)
        if a.get("status") in statuses and team in (a.get("parties") or ())
    )


def _keep_treaties(
    entry: Mapping[str, Any], live: frozenset[str], model: Model
) -> Mapping[str, Any] | None:
    """The entry as a treaty-abiding team takes it: notified where a measure asks for notice,
    dropped where a measure in force forbids it (a kept treaty is measured, docs/model.md §11)."""
    action = str(entry["action"])
    params = dict(entry.get("params") or {})
    measures = _measures(model)
    for measure in sorted(live):
        spec = measures.get(measure)
        if not isinstance(spec, Mapping):
            continue
        if action in (spec.get("notify") or ()):
            params["notify"] = True
        for rule in spec.get("forbids") or ():
            if rule.get("action") == action and _param_matches(params, rule.get("when") or {}):
                return None
    return {**entry, "params": params} if params else entry


def _allowed(entry: Mapping[str, Any], team: str, catalogue: Catalogue, nuclear_ok: bool) -> bool:
    action = str(entry.get("action", ""))
    if (action == NUCLEAR_USE or entry.get("nuclear")) and not nuclear_ok:
        return False
    definition = catalogue.actions.get(action)
    return definition is not None and team in definition.actors


def _choice(entry: Mapping[str, Any]) -> ActionChoice:
    target = entry.get("target")
    return ActionChoice(
        action=str(entry["action"]),
        target=str(target) if target is not None else None,
        params=freeze_params(entry.get("params")),
    )


def _with_partners(entry: Mapping[str, Any], team: str, catalogue: Catalogue) -> Mapping[str, Any]:
    """A joint action names its partners where the catalogue asks for them (s.exercise `with`)."""
    joint = entry.get("joint")
    definition = catalogue.actions.get(str(entry["action"]))
    if not joint or definition is None:
        return entry
    properties = definition.params.get("properties", {}) if definition.params else {}
    if "with" not in properties:
        return entry
    partners = sorted(p for p in joint if p != team)
    return {**entry, "params": {**(entry.get("params") or {}), "with": partners}}


def _canonical(params: Any) -> str:
    """A stable text of an entry's params, part of its draw's identity."""
    if not params:
        return "{}"
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


def _on_turn(entry: Mapping[str, Any], turn: int, model: Model) -> bool:
    """`every` turns, or `every_days` of scenario time turned into whole turns."""
    if "every_days" in entry:
        every = every_turns(float(entry["every_days"]), model.data)
    else:
        every = int(entry.get("every", 1))
    return every <= 1 or (turn - int(entry.get("offset", 0))) % every == 0


def _chance(entry: Mapping[str, Any], model: Model) -> float:
    """An entry's chance this turn: `p` a decision, or `per_year` an event rate on the clock."""
    if "per_year" in entry:
        return chance(float(entry["per_year"]), days_per_turn(model.data))
    return float(entry.get("p", 1.0))


def _draw_for(entry: Mapping[str, Any], team: str, *, seed: int, turn: int) -> float:
    """Joint entries draw once for the coalition: no target in the key (each party names the
    other), and the key is taken before partners or notification are filled in."""
    joint = entry.get("joint")
    actor = "+".join(sorted(joint)) if joint else team
    target = "" if joint else entry.get("target") or ""
    key = f"{entry['action']}|{target}|{_canonical(entry.get('params'))}"
    return draw(seed, turn, f"bot:{actor}", actor, key, "")


def _resolve(entry: Mapping[str, Any], view: Mapping[str, Any], team: str) -> Mapping[str, Any]:
    """The entry itself, or its replacement while a named measure holds (E3's swap)."""
    instead = entry.get("instead")
    if isinstance(instead, Mapping) and in_force(view, str(instead["in_force"]), team):
        merged = {k: v for k, v in entry.items() if k != "instead"}
        merged.update({k: v for k, v in instead.items() if k != "in_force"})
        merged.setdefault("params", {})
        if "params" not in instead:
            merged["params"] = {}
        return merged
    return entry


def _policy_entries(policy: str, team: str) -> tuple[str, list[Mapping[str, Any]]]:
    policies = bot_data().get("policies", {})
    if policy not in policies:
        raise BotError("policy", f"Unknown policy {policy!r}; use one of {', '.join(POLICIES)}.")
    spec = policies[policy]
    return str(spec.get("intro", "")), list(spec.get("teams", {}).get(team, []))


NAMED_BY_MEASURE = {
    "c.accept": ("proposal", ("proposed",)),
    "c.reject": ("proposal", ("proposed",)),
    "c.implement": ("agreement", ("agreed", "implemented", "verified")),
    "c.invite_verification": ("agreement", ("agreed", "implemented", "verified")),
    "c.withdraw": ("agreement", ("agreed", "implemented", "verified")),
}


def _by_measure(entry: Mapping[str, Any], view: Mapping[str, Any], team: str) -> Mapping[str, Any]:
    """A scripted answer names its agreement by measure; the replay finds the one on the table
    (the latest such agreement the team is party to), or drops the entry if there is none."""
    named = NAMED_BY_MEASURE.get(str(entry.get("action")))
    params = entry.get("params") or {}
    if named is None or "measure" not in params:
        return entry
    key, statuses = named
    found = [
        a
        for a in _agreements(view)
        if a.get("measure") == params["measure"]
        and a.get("status") in statuses
        and team in (a.get("parties") or ())
    ]
    if not found:
        return {}
    return {**entry, "params": {key: int(found[-1]["id"])}}


def _script_entries(
    script: Mapping[str, Any], team: str, turn: int, view: Mapping[str, Any]
) -> tuple[str, list[Mapping[str, Any]]]:
    turns = script.get("turns") or {}
    step = turns.get(turn) or turns.get(str(turn)) or {}
    label = str(step.get("label", "")) if isinstance(step, Mapping) else ""
    entries = list(step.get(team, [])) if isinstance(step, Mapping) else []
    resolved = [_by_measure(e, view, team) for e in entries]
    return label, [{**e, "p": 1.0} for e in resolved if e]


def bot_decide(
    policy: str,
    view: Mapping[str, Any],
    *,
    team: str,
    turn: int,
    seed: int,
    catalogue: Catalogue,
    model: Model,
    script: Mapping[str, Any] | None = None,
    standing_orders: Sequence[Mapping[str, Any]] = (),
    teams: Sequence[str] = CORE_TEAMS,
) -> Decision:
    """The team's decision for this turn, from its view alone.

    `script` replaces the default 2017 script for the scripted policy (a scenario's own script);
    `standing_orders` are actions taken every turn before the policy's own (the checks' conditions,
    e.g. E4's d.consult every turn).
    """
    if policy == "scripted":
        if script is None:
            raise BotError(
                "policy", "A scripted replay needs a script (a period's, or the run's own)."
            )
        intro, entries = _script_entries(script, team, turn, view)
    else:
        intro, entries = _policy_entries(policy, team)
    entries = [{**o, "p": o.get("p", 1.0)} for o in standing_orders] + entries

    live = measures_in_force(view, team)
    nuclear_ok = nuclear_proposals_allowed(model)
    budget = _budget(model)
    # Negotiation first: answers to packages on the table are free, one proposal takes a slot.
    # A scripted replay does only what the record did.
    moves = (
        Moves()
        if policy == "scripted"
        else negotiate(
            policy,
            view,
            team=team,
            turn=turn,
            seed=seed,
            model=model,
            data=bot_data(),
            teams=teams,
            budget=budget,
        )
    )
    chosen: list[ActionChoice] = list(moves.actions)
    reasons: list[str] = list(moves.reasons)
    seen: set[tuple[str, Any, str]] = set()
    budgeted = moves.budgeted
    for raw_entry in entries:
        if not _on_turn(raw_entry, turn, model):
            continue
        entry = _resolve(raw_entry, view, team)
        if not _allowed(entry, team, catalogue, nuclear_ok):
            continue
        u = _draw_for(entry, team, seed=seed, turn=turn)
        entry = _with_partners(entry, team, catalogue)
        # Bots keep their treaties; a replay of the record keeps what the record broke.
        kept = entry if policy == "scripted" else _keep_treaties(entry, live, model)
        if kept is None:
            continue
        entry = kept
        if not all(_condition_holds(view, c, team) for c in entry.get("when", ())):
            continue
        if any(_condition_holds(view, c, team) for c in entry.get("unless", ())):
            continue
        free = entry["action"] in FREE_ACTIONS
        if not free and budgeted >= budget:
            continue
        key = (str(entry["action"]), entry.get("target"), _canonical(entry.get("params")))
        if key in seen:
            continue
        if u >= _chance(entry, model):
            continue
        seen.add(key)
        chosen.append(_choice(entry))
        budgeted += 0 if free else 1
        if entry.get("reason"):
            reasons.append(str(entry["reason"]))

    return Decision(team=team, actions=tuple(chosen), rationale=_rationale(intro, reasons))


def _rationale(intro: str, reasons: Sequence[str]) -> str:
    if not reasons:
        return f"{intro} No action this turn: nothing in view called for one.".strip()
    return " ".join([intro, *reasons]).strip()
