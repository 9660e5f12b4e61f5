"""The action picker's inputs, from the actions the team may take (`actions_available`).

Each action's JSON-Schema parameters become simple inputs: an enum a select, an integer a number,
a boolean a checkbox, a list of choices a set of checkboxes, a string a text box. The agreement an
action names (`c.accept`/`c.reject`: a proposal; the step actions: an agreement in force) is a
select of the agreements the team knows. Server-rendered rows and the blank rows the script
clones come from the same specs, so the two never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from wargame.labels import CATEGORY_NAMES, PARAM_LABELS, measure_name, value_label

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# Free actions (model.yaml `budget.free_actions`) are shown apart from the budget count.
FREE_ACTIONS = frozenset({"c.accept", "c.reject"})
AGREEMENT_FIELDS = {"proposal": "proposals", "agreement": "in_force"}
IN_FORCE = frozenset({"agreed", "implemented", "verified", "violated"})
TEAM_ORDER = ("US", "ROK", "JPN", "DPRK", "PRC", "RUS")


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: str  # select | number | checkbox | checkboxes | text
    data_type: str  # str | int | number | bool | list
    required: bool
    options: tuple[Option, ...] = ()
    value: str = ""
    checked: bool = False
    minimum: Any = None
    maximum: Any = None


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    title: str
    help: str
    category: str
    category_name: str
    free: bool
    targets: tuple[Option, ...]
    raw: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Row:
    action: ActionSpec | None
    action_id: str
    targets: tuple[Option, ...]
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    category: str
    name: str
    actions: tuple[ActionSpec, ...]


def action_specs(
    actions: Sequence[Mapping[str, Any]], team_names: Mapping[str, str]
) -> list[ActionSpec]:
    return [
        ActionSpec(
            id=str(a["id"]),
            title=str(a["title"]),
            help=str(a["help"]),
            category=str(a["category"]),
            category_name=str(CATEGORY_NAMES.get(str(a["category"]), a["category"])),
            free=str(a["id"]) in FREE_ACTIONS,
            targets=tuple(Option(code, team_names.get(code, code)) for code in a["targets"]),
            raw=a,
        )
        for a in actions
    ]


def grouped(specs: Sequence[ActionSpec]) -> list[CategoryGroup]:
    order = list(CATEGORY_NAMES)
    by_category: dict[str, list[ActionSpec]] = {}
    for spec in specs:
        by_category.setdefault(spec.category, []).append(spec)
    keys = sorted(by_category, key=lambda c: order.index(c) if c in order else len(order))
    return [CategoryGroup(c, str(CATEGORY_NAMES.get(c, c)), tuple(by_category[c])) for c in keys]


def agreement_choices(
    agreements: Sequence[Mapping[str, Any]], team: str
) -> dict[str, list[Option]]:
    """What an agreement field may name: open proposals not yet accepted, or measures in force."""
    proposals = [
        a for a in agreements if a["status"] == "proposed" and team not in a.get("accepted", [])
    ]
    in_force = [a for a in agreements if a["status"] in IN_FORCE]

    def option(a: Mapping[str, Any]) -> Option:
        parties = "-".join(a["parties"])
        label = _("#%(id)s %(measure)s (%(parties)s)") % {
            "id": a["id"],
            "measure": measure_name(str(a["measure"])),
            "parties": parties,
        }
        return Option(str(a["id"]), label)

    return {"proposals": [option(a) for a in proposals], "in_force": [option(a) for a in in_force]}


def _enum_option(name: str, value: Any, chosen: Any) -> Option:
    label = measure_name(str(value)) if name == "measure" else value_label(value)
    return Option(str(value), label, str(value) == str(chosen) if chosen is not None else False)


def _field(
    name: str,
    schema: Mapping[str, Any],
    required: bool,
    value: Any,
    agreements: Mapping[str, list[Option]],
    teams: Sequence[str],
) -> Field:
    label = str(PARAM_LABELS.get(name, name.replace("_", " ").capitalize()))
    kind = schema.get("type")
    if name in AGREEMENT_FIELDS:
        options = tuple(
            Option(o.value, o.label, str(value) == o.value)
            for o in agreements[AGREEMENT_FIELDS[name]]
        )
        return Field(name, label, "select", "int", required, options)
    if "enum" in schema:
        options = tuple(_enum_option(name, v, value) for v in schema["enum"])
        return Field(name, label, "select", "str", required, options)
    if kind == "array" and "enum" in (schema.get("items") or {}):
        chosen = {str(v) for v in value} if isinstance(value, list) else set()
        allowed = [v for v in schema["items"]["enum"] if v in teams or v not in TEAM_ORDER]
        word = measure_name if name == "package" else value_label
        options = tuple(Option(str(v), str(word(v)), str(v) in chosen) for v in allowed)
        return Field(name, label, "checkboxes", "list", required, options)
    if kind == "boolean":
        return Field(name, label, "checkbox", "bool", required, checked=bool(value))
    if kind in ("integer", "number"):
        return Field(
            name,
            label,
            "number",
            "int" if kind == "integer" else "number",
            required,
            value="" if value is None else str(value),
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
        )
    return Field(name, label, "text", "str", required, value="" if value is None else str(value))


def action_row(
    spec: ActionSpec | None,
    item: Mapping[str, Any],
    agreements: Mapping[str, list[Option]],
    teams: Sequence[str],
) -> Row:
    """One row of the picker: the chosen action, its target and its parameters, filled in."""
    action_id = str(item.get("action") or (spec.id if spec else ""))
    if spec is None:
        return Row(None, action_id, (), ())
    target = item.get("target")
    targets = tuple(Option(o.value, o.label, o.value == target) for o in spec.targets)
    params = item.get("params") or {}
    schema = spec.raw.get("params") or {}
    required = set(schema.get("required") or ())
    fields = tuple(
        _field(name, sub, name in required, params.get(name), agreements, teams)
        for name, sub in (schema.get("properties") or {}).items()
    )
    return Row(spec, action_id, targets, fields)


def decision_rows(
    specs: Sequence[ActionSpec],
    decision: Mapping[str, Any],
    agreements: Mapping[str, list[Option]],
    teams: Sequence[str],
) -> list[Row]:
    by_id = {s.id: s for s in specs}
    return [
        action_row(by_id.get(str(item.get("action"))), item, agreements, teams)
        for item in decision.get("actions") or ()
    ]
