"""Structured inject conditions: data, never code (no eval), evaluated on an engine State.

A condition is `{var: <pointer>, <op>: value}` with op one of eq, ne, gt, gte, lt, lte, in, or
`{all: [...]}`, `{any: [...]}`, `{not: {...}}`. Variables are read through the engine's
`state_get`, so a condition sees exactly the pointers the state defines, plus `ci` and
`agreement/<measure>`.
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


Condition = Compare | AllOf | AnyOf | Not


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


def comparisons(condition: Condition) -> Iterator[Compare]:
    if isinstance(condition, Compare):
        yield condition
    elif isinstance(condition, Not):
        yield from comparisons(condition.item)
    else:
        for item in condition.items:
            yield from comparisons(item)


def evaluate(condition: Condition, read: Callable[[str], Any]) -> bool:
    """True when the condition holds for the variables `read` returns."""
    if isinstance(condition, AllOf):
        return all(evaluate(item, read) for item in condition.items)
    if isinstance(condition, AnyOf):
        return any(evaluate(item, read) for item in condition.items)
    if isinstance(condition, Not):
        return not evaluate(condition.item, read)
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
