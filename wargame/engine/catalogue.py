"""The action catalogue (docs/model.md §5) and decision validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

from .decisions import ActionChoice, Decision, freeze_params
from .errors import ModelError, RuleViolation
from .model import DATA_DIR, Model, canonical_json
from .state import ALL_TEAMS, State, adversaries, allies

CATEGORIES = {
    "d": "diplomatic",
    "s": "signalling",
    "m": "military",
    "e": "economic",
    "i": "information",
    "c": "cbm",
}
TARGET_RULES = ("none", "adversary", "adversary?", "other", "other?", "ally", "ally_korea", "korea")
NEEDS_TARGET = ("adversary", "other", "ally", "ally_korea", "korea")
VISIBILITIES = ("pub", "decl", "prv", "cov")
LANGS = ("en", "ja", "ko")
AGREEMENT_PARAM = {"c.accept": "proposal", "c.reject": "proposal"}
STEP_ACTIONS = ("c.implement", "c.invite_verification", "c.withdraw")


@dataclass(frozen=True, slots=True)
class ActionDef:
    id: str
    category: str
    title: Mapping[str, str]
    help: Mapping[str, str]
    actors: frozenset[str]
    targets: str
    params: Mapping[str, Any]
    joint: bool = False
    budgeted: bool = True
    sev: Any = 0
    vis: str = "pub"
    amb: float = 0.0
    mistaken_for: str | None = None
    implied_rung: Any = None
    notifiable: bool = False
    source: str = ""
    party_only: bool = False
    validator: Any = field(default=None, compare=False, repr=False)

    def text(self, kind: str, lang: str) -> str:
        table = self.title if kind == "title" else self.help
        return table.get(lang) or table.get("en", self.id)

    def to_dict(self, targets: list[str], lang: str = "en") -> dict[str, Any]:
        """The API's `action` shape."""
        return {
            "id": self.id,
            "category": self.category,
            "title": self.text("title", lang),
            "help": self.text("help", lang),
            "targets": targets,
            "params": dict(self.params),
            "joint": self.joint,
        }


@dataclass(frozen=True, slots=True)
class Catalogue:
    actions: Mapping[str, ActionDef]
    hash: str = ""


@lru_cache(maxsize=1)
def _standard() -> tuple[dict[str, Any], ...]:
    raw = yaml.safe_load((DATA_DIR / "actions.yaml").read_text(encoding="utf-8"))
    return tuple(raw["actions"])


def _actors(spec: Any, where: str) -> tuple[frozenset[str], bool]:
    if spec == "any":
        return frozenset(ALL_TEAMS), False
    if spec == "party":
        return frozenset(ALL_TEAMS), True
    if spec == "A":
        return frozenset({"US", "ROK", "JPN"}), False
    if isinstance(spec, list | tuple) and all(t in ALL_TEAMS for t in spec):
        return frozenset(spec), False
    raise ModelError(f"{where}.actors", f"unknown actors {spec!r}.")


def _build(raw: Mapping[str, Any], where: str) -> ActionDef:
    try:
        action_id = str(raw["id"])
        prefix = action_id.split(".", 1)[0]
        if prefix not in CATEGORIES:
            raise ModelError(f"{where}.id", f"unknown category prefix in '{action_id}'.")
        actors, party_only = _actors(raw.get("actors", "any"), where)
        targets = raw.get("targets", "none")
        if targets not in TARGET_RULES:
            raise ModelError(f"{where}.targets", f"unknown target rule {targets!r}.")
        vis = raw.get("vis", "pub")
        if vis not in VISIBILITIES:
            raise ModelError(f"{where}.vis", f"unknown visibility {vis!r}.")
        params = dict(raw.get("params") or {"type": "object"})
        jsonschema.Draft202012Validator.check_schema(params)
        return ActionDef(
            id=action_id,
            category=CATEGORIES[prefix],
            title=dict(raw.get("title") or {"en": action_id}),
            help=dict(raw.get("help") or {"en": ""}),
            actors=actors,
            targets=targets,
            params=params,
            joint=bool(raw.get("joint", False)),
            budgeted=bool(raw.get("budgeted", True)),
            sev=raw.get("sev", 0),
            vis=vis,
            amb=float(raw.get("amb", 0.0)),
            mistaken_for=raw.get("mistaken_for"),
            implied_rung=raw.get("implied_rung"),
            notifiable=bool(raw.get("notifiable", False)),
            source=str(raw.get("source", "")),
            party_only=party_only,
            validator=jsonschema.Draft202012Validator(params),
        )
    except KeyError as exc:
        raise ModelError(where, f"missing field {exc}.") from exc
    except jsonschema.SchemaError as exc:
        raise ModelError(f"{where}.params", f"not a JSON Schema: {exc.message}") from exc


@lru_cache(maxsize=64)
def _load(model_hash: str, extensions_json: str) -> Catalogue:
    import hashlib

    digest = hashlib.sha256(f"{model_hash}|{extensions_json}".encode()).hexdigest()
    return Catalogue(actions=_definitions(extensions_json), hash=digest)


@lru_cache(maxsize=64)
def _definitions(extensions_json: str) -> Mapping[str, ActionDef]:
    import json

    extensions = json.loads(extensions_json)
    rows: dict[str, dict[str, Any]] = {str(r["id"]): dict(r) for r in _standard()}
    for key in extensions:
        if key not in ("add", "override", "disable"):
            raise ModelError(f"actions.{key}", "extensions are add, override and disable.")
    for n, row in enumerate(extensions.get("add", [])):
        if row.get("id") in rows:
            raise ModelError(f"actions.add.{n}.id", f"'{row.get('id')}' already exists.")
        rows[str(row.get("id"))] = dict(row)
    for action_id, fields in (extensions.get("override") or {}).items():
        if action_id not in rows:
            raise ModelError(f"actions.override.{action_id}", "unknown action.")
        for name in fields:
            if name == "id" or name not in _FIELDS:
                raise ModelError(f"actions.override.{action_id}.{name}", "unknown field.")
        rows[action_id].update(fields)
    for action_id in extensions.get("disable", []):
        if action_id not in rows:
            raise ModelError("actions.disable", f"unknown action '{action_id}'.")
        del rows[action_id]
    return MappingProxyType(
        {aid: _build(row, f"actions.{aid}") for aid, row in sorted(rows.items())}
    )


_FIELDS = frozenset(
    {
        "category",
        "actors",
        "targets",
        "params",
        "joint",
        "budgeted",
        "sev",
        "vis",
        "amb",
        "mistaken_for",
        "implied_rung",
        "title",
        "help",
        "source",
        "notifiable",
    }
)


def load_catalogue(model: Model, extensions: Mapping[str, Any] | None = None) -> Catalogue:
    """The standard catalogue with a scenario's {add, override, disable} applied (cached)."""
    return _load(model.hash, canonical_json(extensions or {}))


# --- parameter-dependent numbers ------------------------------------------------------------


def _param_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def by_param(spec: Any, params: Mapping[str, Any]) -> Any:
    """Resolve a number that may depend on a parameter: {param, values, default}."""
    if isinstance(spec, Mapping) and "param" in spec:
        value = params.get(spec["param"])
        if value is not None:
            found = spec["values"].get(_param_key(value))
            if found is not None:
                return found
        return spec.get("default")
    return spec


# --- targets and legality -------------------------------------------------------------------


def valid_targets(model: Model, adef: ActionDef, state: State, team: str) -> list[str]:
    rule = adef.targets.rstrip("?")
    teams = state.teams
    if rule == "none":
        return []
    if rule == "adversary":
        return list(adversaries(model, team, teams))
    if rule == "ally":
        return list(allies(model, team, teams))
    if rule == "ally_korea":
        koreas = model.data["teams"]["koreas"]
        return [t for t in allies(model, team, teams) if t in koreas]
    if rule == "korea":
        koreas = model.data["teams"]["koreas"]
        return [t for t in koreas if t != team and t in teams] if team in koreas else []
    return [t for t in teams if t != team]


def actions_for(
    catalogue: Catalogue, state: State, team: str, model: Model | None = None
) -> list[ActionDef]:
    """The actions `team` may take in this state (agreement actions need an agreement)."""
    from .model import load_model

    model = model or load_model()
    out = []
    for adef in catalogue.actions.values():
        if team not in adef.actors or team not in state.teams:
            continue
        if adef.targets in NEEDS_TARGET and not valid_targets(model, adef, state, team):
            continue
        if adef.id in AGREEMENT_PARAM and not [
            a
            for a in state.agreements
            if a.status == "proposed" and team in a.parties and team not in a.accepted
        ]:
            continue
        if adef.id in STEP_ACTIONS and not [
            a
            for a in state.agreements
            if team in a.parties and a.status in model.data["cbm"]["in_force"]
        ]:
            continue
        out.append(adef)
    return out


def _fail(field_name: str, reason: str, code: str, **detail: Any) -> RuleViolation:
    return RuleViolation(field_name, reason, code, detail)


def _param_problem(adef: ActionDef, error: Any) -> tuple[str, str]:
    """The code of a parameter's JSON Schema error and the parameter it is about ("" if none)."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        missing = [str(name) for name in error.validator_value if name not in instance]
        return "param_missing", (missing[0] if missing else "")
    return "param_invalid", (path[0] if path else "")


def validate_decision(
    catalogue: Catalogue,
    state: State,
    team: str,
    raw: Mapping[str, Any],
    model: Model | None = None,
    *,
    complete: bool = True,
) -> Decision:
    """Check a raw decision {actions, rationale}; the first problem raises RuleViolation. A draft
    (``complete=False``) may still lack an action's target or a required parameter: a team fills
    in its rows one field at a time, and only what it submits must be whole."""
    from .model import load_model

    model = model or load_model()
    if team not in state.teams:
        raise _fail("team", f"'{team}' is not a team in this game.", "team_unknown", team=team)
    budget = model.data["budget"]
    rationale = raw.get("rationale") or ""
    if not isinstance(rationale, str):
        raise _fail("rationale", "The rationale must be text.", "rationale_text")
    if len(rationale) > budget["rationale_max"]:
        raise _fail(
            "rationale",
            f"The rationale is limited to {budget['rationale_max']:,} characters.",
            "rationale_long",
            limit=budget["rationale_max"],
        )
    items = raw.get("actions") or []
    if not isinstance(items, list | tuple):
        raise _fail("actions", "actions must be a list.", "actions_shape")
    choices: list[ActionChoice] = []
    budgeted = free = 0
    for n, item in enumerate(items):
        where = f"actions.{n}"
        if not isinstance(item, Mapping):
            raise _fail(
                where, "Each action is an object {action, target?, params?}.", "actions_shape"
            )
        extra = set(item) - {"action", "target", "params"}
        if extra:
            raise _fail(where, f"Unknown field '{sorted(extra)[0]}'.", "actions_shape")
        action_id = item.get("action")
        adef = catalogue.actions.get(action_id) if isinstance(action_id, str) else None
        if adef is None:
            raise _fail(f"{where}.action", f"Unknown action {action_id!r}.", "action_unknown")
        if team not in adef.actors:
            raise _fail(
                f"{where}.action",
                f"{team} cannot take {adef.id}.",
                "action_not_yours",
                team=team,
                action=adef.id,
            )
        target = item.get("target")
        if complete or target is not None:
            _check_target(model, adef, state, team, target, f"{where}.target")
        params = item.get("params") or {}
        if not isinstance(params, Mapping):
            raise _fail(
                f"{where}.params",
                "params must be an object.",
                "param_invalid",
                action=adef.id,
                param="",
            )
        errors = adef.validator.iter_errors(params)
        error = next(
            iter(sorted((e for e in errors if complete or e.validator != "required"), key=str)),
            None,
        )
        if error is not None:
            path = ".".join(str(p) for p in error.absolute_path)
            field_name = f"{where}.params" + (f".{path}" if path else "")
            code, param = _param_problem(adef, error)
            reason = f"{adef.id}: {error.message}"
            raise _fail(field_name, reason, code, action=adef.id, param=param)
        if complete or _agreement_key(adef) in (None, *params):
            _check_agreement(model, adef, state, team, params, f"{where}.params")
        if adef.budgeted:
            budgeted += 1
            if budgeted > budget["actions_per_turn"]:
                raise _fail(
                    where,
                    f"At most {budget['actions_per_turn']} budgeted actions a turn "
                    f"(c.accept and c.reject are free).",
                    "over_budget",
                    limit=budget["actions_per_turn"],
                )
        else:
            free += 1
            if free > budget["free_per_turn"]:
                raise _fail(
                    where,
                    f"At most {budget['free_per_turn']} free actions a turn.",
                    "over_free_budget",
                    limit=budget["free_per_turn"],
                )
        choices.append(ActionChoice(adef.id, target, freeze_params(params)))
    return Decision(team=team, actions=tuple(choices), rationale=rationale)


def _check_target(
    model: Model, adef: ActionDef, state: State, team: str, target: Any, where: str
) -> None:
    if target is None:
        if adef.targets in NEEDS_TARGET:
            raise _fail(where, f"{adef.id} needs a target.", "target_missing", action=adef.id)
        return
    if adef.targets == "none":
        raise _fail(where, f"{adef.id} takes no target.", "target_none", action=adef.id)
    if target == team:
        raise _fail(where, f"{team} cannot target itself.", "target_self", team=team)
    if target not in state.teams:
        raise _fail(where, f"'{target}' is not a team in this game.", "team_unknown", team=target)
    if target not in valid_targets(model, adef, state, team):
        raise _fail(
            where,
            f"{team} cannot target {target} with {adef.id}.",
            "target_wrong",
            action=adef.id,
            target=target,
        )


def _agreement_key(adef: ActionDef) -> str | None:
    """The parameter naming what the action acts on, checked against the state."""
    if adef.id in ("d.line", "c.propose"):
        return "line" if adef.id == "d.line" else "parties"
    return AGREEMENT_PARAM.get(adef.id) or ("agreement" if adef.id in STEP_ACTIONS else None)


def decision_taken(
    catalogue: Catalogue, state: State, team: str, raw: Mapping[str, Any], model: Model
) -> Decision:
    """What the engine takes of a saved draft at the lock: the decision, less any action still
    incomplete or no longer legal (each dropped in turn, so the rest keep their order)."""
    actions = list(raw.get("actions") or [])
    while True:
        try:
            return validate_decision(catalogue, state, team, {**raw, "actions": actions}, model)
        except RuleViolation as exc:
            index = _action_index(exc.field)
            if index is None or index >= len(actions):
                raise
            del actions[index]


def _action_index(field_name: str | None) -> int | None:
    parts = (field_name or "").split(".")
    if len(parts) > 1 and parts[0] == "actions" and parts[1].isdigit():
        return int(parts[1])
    return None


def _check_agreement(
    model: Model, adef: ActionDef, state: State, team: str, params: Mapping[str, Any], where: str
) -> None:
    if adef.id == "d.line":
        line = params["line"]
        if team not in model.data["hotline"]["links"].get(line, ()):
            raise _fail(
                f"{where}.line",
                f"{team} is not a party to the {line} line.",
                "line_not_party",
                team=team,
            )
        return
    if adef.id == "c.propose":
        parties = params["parties"]
        if team not in parties:
            raise _fail(
                f"{where}.parties", f"The proposer ({team}) must be a party.", "proposer_not_party"
            )
        for party in parties:
            if party not in state.teams:
                raise _fail(
                    f"{where}.parties",
                    f"'{party}' is not a team in this game.",
                    "team_unknown",
                    team=party,
                )
        return
    key = AGREEMENT_PARAM.get(adef.id) or ("agreement" if adef.id in STEP_ACTIONS else None)
    if key is None:
        return
    wanted = params[key]
    found = next((a for a in state.agreements if a.id == wanted), None)
    if found is None:
        raise _fail(f"{where}.{key}", f"No agreement {wanted}.", "agreement_unknown")
    if team not in found.parties:
        raise _fail(
            f"{where}.{key}",
            f"{team} is not a party to agreement {wanted}.",
            "agreement_not_party",
            team=team,
        )
    if adef.id in AGREEMENT_PARAM:
        if found.status != "proposed":
            raise _fail(
                f"{where}.{key}",
                f"Agreement {wanted} is {found.status}, not proposed.",
                "agreement_not_proposed",
                status=found.status,
            )
        return
    # A party believes an undetected violation leaves the measure in force (§6).
    live = set(model.data["cbm"]["in_force"]) | {"violated"}
    if found.status not in live:
        raise _fail(
            f"{where}.{key}",
            f"Agreement {wanted} is {found.status}.",
            "agreement_not_in_force",
            status=found.status,
        )
