"""Layer 2, engine half: the engine itself judges model overrides, the initial state, action
extensions and condition variables; its errors are mapped back to the lines they came from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wargame.engine.errors import EngineError
from wargame.engine.scenario.clock import clocked_overrides, hours_of
from wargame.engine.scenario.content_checks import content_engine_findings
from wargame.engine.scenario.period import model_data, period_findings, state_data
from wargame.engine.scenario.schema import closest
from wargame.engine.scenario.semantic import Finding, scenario_teams

if TYPE_CHECKING:
    from wargame.engine.catalogue import Catalogue
    from wargame.engine.model import Model
    from wargame.engine.scenario.yaml_reader import Path
    from wargame.engine.state import State


@dataclass(slots=True)
class EngineResult:
    findings: list[Finding]
    model: Model | None = None
    state: State | None = None
    catalogue: Catalogue | None = None


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, Mapping):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None


def resolve_field(root: Any, base: Path, field: str | None) -> Path:
    """The deepest path under `base` that an engine error's `field` names.

    Fields are dotted or slash-separated ("safety.approval_rung", "add.0.source"), and keys may
    themselves hold dots or slashes ("s.missile_test", "rung/DPRK/ROK"): the longest key that
    matches wins.
    """
    path = list(base)
    node = root
    rest = (field or "").strip("./")
    for part in base:
        node = _child(node, part)
    while rest and node is not None:
        if isinstance(node, list):
            head = re.match(r"\[?(\d+)\]?", rest)
            if not head or int(head.group(1)) >= len(node):
                break
            path.append(int(head.group(1)))
            node = node[int(head.group(1))]
            rest = rest[head.end() :].lstrip("./")
            continue
        if not isinstance(node, Mapping):
            break
        keys = sorted(
            (k for k in node if rest == k or rest.startswith((f"{k}.", f"{k}/"))),
            key=len,
            reverse=True,
        )
        if not keys:
            break
        path.append(keys[0])
        node = node[keys[0]]
        rest = rest[len(keys[0]) :].lstrip("./")
    return tuple(path)


def _reason(exc: EngineError) -> str:
    return str(getattr(exc, "reason", "") or exc)


def _check_model(data: Mapping[str, Any], result: EngineResult) -> Model | None:
    from wargame.engine.model import load_model

    overrides = clocked_overrides(model_data(data), hours_of(data))
    # One key at a time, so each mistake is reported, not only the first the engine meets.
    for key in overrides:
        try:
            load_model({key: overrides[key]})
        except EngineError as exc:
            field = str(exc.field or key).removeprefix("model.")
            path = resolve_field(data, ("model",), field)
            result.findings.append((path, False, _reason(exc) + _model_key_hint(path)))
    fallback = clocked_overrides({}, hours_of(data))
    if any(path[0] == "model" for path, _, _ in result.findings):
        return load_model(fallback)
    try:
        return load_model(overrides)
    except EngineError as exc:
        result.findings.append((resolve_field(data, ("model",), exc.field), False, _reason(exc)))
        return load_model(fallback)


def _model_key_hint(path: Path) -> str:
    """For an unknown model key, the default key the author probably meant."""
    from wargame.engine.model import load_model

    node: Any = load_model({}).data
    for part in path[1:-1]:
        node = node.get(part) if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping) or not path or path[-1] in node:
        return ""
    guess = closest(str(path[-1]), sorted(node))
    return f" Did you mean '{guess}'?" if guess else ""


def _state_path(data: Mapping[str, Any], key: str, field: str | None) -> Path:
    if key == "agreements" and field:
        return resolve_field(
            data, ("initial_state", "agreements"), field.removeprefix("agreements")
        )
    return ("initial_state", key)


def _pointer_hint(pointer: str, known: frozenset[str]) -> str:
    settable = sorted(p for p in known if p != "ci" and not p.startswith("agreement/"))
    guess = closest(pointer, settable)
    return f"; did you mean '{guess}'?" if guess else ""


def _check_state(data: Mapping[str, Any], model: Model, result: EngineResult) -> State | None:
    from wargame.engine.pointers import state_pointers
    from wargame.engine.state import initial_state

    teams = scenario_teams(data)
    overrides = state_data(data)
    known = state_pointers(initial_state(model, teams=teams), model)
    failed = False
    for key in overrides:
        try:
            initial_state(model, teams=teams, overrides={key: overrides[key]})
        except EngineError as exc:
            failed = True
            reason = _reason(exc)
            if key != "agreements" and key not in known:
                reason = f"unknown state pointer '{key}'{_pointer_hint(key, known)}"
            elif key != "agreements":
                reason = f"bad value for '{key}': {reason}"
            result.findings.append((_state_path(data, key, exc.field), False, reason))
    if failed:
        return initial_state(model, teams=teams)
    try:
        return initial_state(model, teams=teams, overrides=overrides)
    except EngineError as exc:
        field = str(exc.field or "")
        key = field if field in overrides else next(iter(overrides), "")
        result.findings.append((_state_path(data, key, exc.field), False, _reason(exc)))
        return initial_state(model, teams=teams)


def _catalogue_path(data: Mapping[str, Any], field: str | None, reason: str) -> Path:
    actions = data.get("actions") or {}
    rest = (field or "").removeprefix("actions").lstrip(".")
    if rest.startswith(("add.", "override.")):
        return resolve_field(data, ("actions",), rest)
    if rest == "disable":
        named = re.search(r"'([^']+)'", reason)
        for i, action_id in enumerate(actions.get("disable") or ()):
            if named and action_id == named.group(1):
                return ("actions", "disable", i)
        return ("actions", "disable")
    # A built action is named by its id ("s.new_drill.vis"): find the entry that defines it.
    for i, row in enumerate(actions.get("add") or ()):
        action_id = str(row.get("id", ""))
        if rest == action_id or rest.startswith(f"{action_id}."):
            return resolve_field(data, ("actions", "add", i), rest[len(action_id) :])
    for action_id in actions.get("override") or {}:
        if rest == action_id or rest.startswith(f"{action_id}."):
            return resolve_field(data, ("actions", "override", action_id), rest[len(action_id) :])
    return resolve_field(data, ("actions",), rest)


def _action_hint(reason: str, model: Model) -> str:
    from wargame.engine.catalogue import load_catalogue

    named = re.search(r"unknown action '([^']+)'", reason)
    if not named:
        return ""
    guess = closest(named.group(1), sorted(load_catalogue(model).actions))
    return f" Did you mean '{guess}'?" if guess else ""


def _check_catalogue(
    data: Mapping[str, Any], model: Model, result: EngineResult
) -> Catalogue | None:
    from wargame.engine.catalogue import load_catalogue

    extensions = data.get("actions") or {}
    try:
        return load_catalogue(model, extensions)
    except EngineError as whole:
        first = whole
    # Each change on its own, so that every broken entry is reported, not just the first.
    found: list[Finding] = []

    def attempt(piece: Mapping[str, Any]) -> bool:
        try:
            load_catalogue(model, piece)
        except EngineError as exc:
            reason = _reason(exc)
            path = _catalogue_path(data, exc.field, reason)
            found.append((path, False, reason + _action_hint(reason, model)))
            return False
        return True

    adds = [row for row in extensions.get("add") or () if attempt({"add": [row]})]
    for action_id, fields in (extensions.get("override") or {}).items():
        attempt({"add": adds, "override": {action_id: fields}})
    for action_id in extensions.get("disable") or ():
        attempt({"add": adds, "disable": [action_id]})
    if not found:
        reason = _reason(first)
        found.append((_catalogue_path(data, first.field, reason), False, reason))
    result.findings.extend(found)
    return None


def engine_findings(
    data: Mapping[str, Any],
    *,
    skip: frozenset[str],
    builtin: bool = False,
    cuts_readable: bool = True,
) -> EngineResult:
    """Run the engine over the sections that passed the schema (`skip` names the others);
    `cuts_readable`: the cuts passed the schema, whatever else is wrong with them."""
    result = EngineResult(findings=list(period_findings(data)))
    model = None if "model" in skip else _check_model(data, result)
    if model is None:
        return result
    result.model = model
    if "initial_state" not in skip and "teams" not in skip:
        result.state = _check_state(data, model, result)
    if "actions" not in skip:
        result.catalogue = _check_catalogue(data, model, result)
    if result.state is not None and not {"injects", "beliefs", "teams"} & skip:
        result.findings.extend(
            content_engine_findings(
                data,
                model,
                result.state,
                result.catalogue,
                builtin=builtin,
                cuts_checked=cuts_readable,
            )
        )
    return result
