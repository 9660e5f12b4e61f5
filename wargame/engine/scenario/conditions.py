"""Structured inject conditions: data, never code (no eval), evaluated on an engine State.

A condition is `{var: <pointer>, <op>: value}` with op one of eq, ne, gt, gte, lt, lte, in, or
`{all: [...]}`, `{any: [...]}`, `{not: {...}}`. Variables are read through the engine's
`state_get`, so a condition sees exactly the pointers the state defines, plus `ci`,
`agreement/<measure>` and the derived values of `wargame.engine.scenario.reading`.

`{decided: {team, action, target?, params?, within?}}` asks about the teams' decisions instead of
the state: whether the team chose the action in the last `within` moves (1, the move just played,
when not given; `all` for any earlier move). The caller supplies the decisions (`decided=`).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from wargame.engine.scenario.yaml_reader import Path

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
ORDERING = frozenset({"gt", "gte", "lt", "lte"})
OPERATORS = (*COMPARISONS, "in")
COMBINERS = ("all", "any", "not")

Scalar = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Compare:
    var: str
    op: str
    value: Scalar | tuple[Scalar, ...]
    path: Path = ()


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


@dataclass(frozen=True, slots=True)
class Decided:
    """A decision a team took: `action` (optionally on `target`, with `params`) in the last
    `within` moves (None: any earlier move). `target: self` names the team asking (a belief)."""

    team: str
    action: str
    target: str | None = None
    params: tuple[tuple[str, Scalar], ...] = ()
    within: int | None = 1
    path: Path = ()


Condition = Compare | AllOf | AnyOf | Not | Decided
DECIDED_KEYS = ("team", "action", "target", "params", "within")


class ConditionShapeError(ValueError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def parse_condition(raw: Any, path: Path) -> Condition:
    """Build a condition from schema-checked data; a wrong combination of keys raises."""
    if not isinstance(raw, dict):
        raise ConditionShapeError(path, "a condition must be a mapping")
    combiners = [key for key in COMBINERS if key in raw]
    ops = [key for key in OPERATORS if key in raw]
    if combiners:
        extra = [key for key in raw if key != combiners[0]]
        if extra:
            raise ConditionShapeError(
                (*path, extra[0]),
                f"'{combiners[0]}' stands alone in its condition; move '{extra[0]}' into a "
                "condition of its own",
            )
        key = combiners[0]
        if key == "not":
            return Not(parse_condition(raw["not"], (*path, "not")))
        if not isinstance(raw[key], list) or not raw[key]:
            raise ConditionShapeError((*path, key), f"'{key}' takes a non-empty list of conditions")
        items = tuple(parse_condition(item, (*path, key, i)) for i, item in enumerate(raw[key]))
        return AllOf(items) if key == "all" else AnyOf(items)
    if "decided" in raw:
        return _parse_decided(raw, path)
    if "var" not in raw:
        raise ConditionShapeError(
            path, "a condition needs 'var' and one operator, or 'all', 'any' or 'not'"
        )
    if len(ops) != 1:
        raise ConditionShapeError(
            path,
            f"a condition on '{raw['var']}' needs exactly one operator of "
            f"{', '.join(OPERATORS)}" + (f"; found {', '.join(ops)}" if ops else ""),
        )
    op = ops[0]
    value = raw[op]
    return Compare(
        var=str(raw["var"]),
        op=op,
        value=tuple(value) if isinstance(value, list) else value,
        path=path,
    )


def _parse_decided(raw: dict[str, Any], path: Path) -> Decided:
    extra = [key for key in raw if key != "decided"]
    if extra:
        raise ConditionShapeError(
            (*path, extra[0]),
            f"'decided' stands alone in its condition; move '{extra[0]}' into a condition of "
            "its own",
        )
    spec = raw["decided"]
    where = (*path, "decided")
    if not isinstance(spec, dict):
        raise ConditionShapeError(
            where, "'decided' takes {team, action}, with target, params or within if needed"
        )
    for key in spec:
        if key not in DECIDED_KEYS:
            raise ConditionShapeError(
                (*where, key),
                f"unknown key '{key}' in 'decided' (expected {', '.join(DECIDED_KEYS)})",
            )
    for key in ("team", "action"):
        if not isinstance(spec.get(key), str) or not spec[key]:
            raise ConditionShapeError(where, f"'decided' needs '{key}'")
    within = spec.get("within", 1)
    if within == "all":
        within = None
    elif isinstance(within, bool) or not isinstance(within, int) or within < 1:
        raise ConditionShapeError(
            (*where, "within"), "'within' is a number of moves (1 or more) or 'all'"
        )
    params = spec.get("params") or {}
    if not isinstance(params, dict):
        raise ConditionShapeError((*where, "params"), "'params' is a mapping of parameter values")
    target = spec.get("target")
    return Decided(
        team=str(spec["team"]),
        action=str(spec["action"]),
        target=None if target is None else str(target),
        params=tuple(sorted((str(k), v) for k, v in params.items())),
        within=within,
        path=where,
    )


def _leaves(condition: Condition) -> Iterator[Compare | Decided]:
    if isinstance(condition, Compare | Decided):
        yield condition
    elif isinstance(condition, Not):
        yield from _leaves(condition.item)
    else:
        for item in condition.items:
            yield from _leaves(item)


def comparisons(condition: Condition) -> Iterator[Compare]:
    return (leaf for leaf in _leaves(condition) if isinstance(leaf, Compare))


def decisions_named(condition: Condition) -> Iterator[Decided]:
    return (leaf for leaf in _leaves(condition) if isinstance(leaf, Decided))


def evaluate(
    condition: Condition,
    read: Callable[[str], Any],
    decided: Callable[[Decided], bool] | None = None,
) -> bool:
    """True when the condition holds for the variables `read` returns and, for a `decided`
    condition, the decisions `decided` answers for (none taken when it is not given)."""
    if isinstance(condition, AllOf):
        return all(evaluate(item, read, decided) for item in condition.items)
    if isinstance(condition, AnyOf):
        return any(evaluate(item, read, decided) for item in condition.items)
    if isinstance(condition, Not):
        return not evaluate(condition.item, read, decided)
    if isinstance(condition, Decided):
        return decided is not None and decided(condition)
    current = read(condition.var)
    if condition.op == "in":
        options = condition.value if isinstance(condition.value, tuple) else (condition.value,)
        return current in options
    if condition.op in ORDERING and not (_is_number(current) and _is_number(condition.value)):
        return False
    return COMPARISONS[condition.op](current, condition.value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def type_mismatch(compare: Compare, current: Any) -> str | None:
    """Why a comparison cannot work on a variable whose value looks like `current`, if so."""
    values = compare.value if isinstance(compare.value, tuple) else (compare.value,)
    if _is_number(current):
        if not all(_is_number(v) for v in values):
            return f"'{compare.var}' is a number; compare it with numbers"
        return None
    if compare.op in ORDERING:
        return f"'{compare.var}' is not a number; use eq, ne or in"
    if isinstance(current, str) and not all(isinstance(v, str) for v in values):
        return f"'{compare.var}' is text (now '{current}'); compare it with text"
    return None
