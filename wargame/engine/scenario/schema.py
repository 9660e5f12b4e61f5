"""Layer 1: the JSON Schema (scenarios/schema.json), with messages an author can act on."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path as FsPath
from typing import Any

import jsonschema

from wargame.engine.scenario.errors import ErrorDetail, detail
from wargame.engine.scenario.yaml_reader import Path, SourceMap, format_path

_TYPE_NAMES = {
    "integer": "an integer",
    "number": "a number",
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


def scenarios_dir() -> FsPath:
    """The project's top-level scenarios/ directory (built-ins and the schema)."""
    return FsPath(__file__).resolve().parents[3] / "scenarios"


@cache
def scenario_schema() -> dict[str, Any]:
    with (scenarios_dir() / "schema.json").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(scenario_schema())


def closest(word: str, choices: list[str]) -> str | None:
    """The choice an author most likely meant by `word`, if any is close."""
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: list[str]) -> str:
    guess = closest(word, choices)
    return f"; did you mean '{guess}'?" if guess else ""


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return f"text '{value}'"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _expected_type(schema_type: str | list[str]) -> str:
    names = [schema_type] if isinstance(schema_type, str) else schema_type
    return " or ".join(_TYPE_NAMES.get(n, n) for n in names)


def _allowed_keys(
    schema: Mapping[str, Any], instance: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    properties = list(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    extras = [
        key
        for key in instance
        if key not in properties and not any(p.search(key) for p in patterns)
    ]
    return properties, extras


def _messages(error: jsonschema.ValidationError) -> Iterator[tuple[Path, bool, str]]:
    """(path, points at the key, message) for one schema error."""
    path: Path = tuple(error.absolute_path)
    keyword = error.validator
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    expected = schema.get("x-expected")
    value = error.instance
    rule: Any = error.validator_value
    if "propertyNames" in error.schema_path:
        yield (*path, str(value)), True, f"'{value}' is not {expected or 'an allowed key'}"
    elif keyword == "additionalProperties" and isinstance(value, Mapping):
        allowed, extras = _allowed_keys(schema, value)
        for key in extras:
            hint = did_you_mean(key, allowed)
            choice = f" (expected one of {', '.join(allowed)})" if allowed and not hint else ""
            yield (*path, key), True, f"unknown key '{key}'{hint}{choice}"
    elif keyword == "required" and isinstance(value, Mapping):
        for key in rule:
            if key not in value:
                yield (*path, key), False, f"missing required key '{key}'"
    elif keyword == "type":
        yield (
            path,
            False,
            f"expected {_expected_type(rule)}, got {_describe(value)}",
        )
    elif keyword == "enum":
        options = ", ".join(str(v) for v in rule)
        yield path, False, f"unknown value {_describe(value)}; expected one of {options}"
    elif keyword == "const":
        yield path, False, f"expected {rule!r}, got {_describe(value)}"
    elif keyword == "pattern":
        want = expected or f"text matching {rule}"
        yield path, False, f"{_describe(value)} is not {want}" if expected else f"expected {want}"
    elif keyword in {"minimum", "maximum"}:
        bound = "at least" if keyword == "minimum" else "at most"
        want = expected or f"a value {bound} {rule}"
        yield path, False, f"{value} is out of range; expected {want}"
    elif keyword in {"minItems", "minLength", "minProperties"}:
        yield path, False, "must not be empty"
    elif keyword == "uniqueItems":
        yield path, False, "contains the same item twice"
    else:
        yield path, False, error.message


def schema_errors(data: Any, source_map: SourceMap, source_name: str) -> list[ErrorDetail]:
    found: list[ErrorDetail] = []
    for error in _validator().iter_errors(data):
        for path, at_key, message in _messages(error):
            pos = source_map.key_position(path) if at_key else source_map.value_position(path)
            found.append(detail(source_name, pos.line, pos.column, format_path(path), message))
    return found
