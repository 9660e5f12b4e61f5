"""Writes ``docs/events.md`` and ``static/js/wargame/events.js`` from ``wargame.exercises.events``.

``make docs`` runs ``python -m wargame.exercises.events_docs``; CI runs it and fails if either file
changed, and a test compares both with what this module writes, so neither can fall behind.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path

from wargame.exercises.events import SPECS, EventType, Json

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = ROOT / "docs" / "events.md"
JAVASCRIPT = ROOT / "static" / "js" / "wargame" / "events.js"
NOTICE = "Generated from wargame/exercises/events.py by `make docs`: do not edit by hand."

_WORDS: dict[object, str] = {
    int: "integer",
    str: "string",
    bool: "boolean",
    float: "number",
    types.NoneType: "null",
    Json: "any JSON value",
}


def _is_shape(annotation: object) -> bool:
    return isinstance(annotation, type) and typing.is_typeddict(annotation)


def _words(annotation: object) -> str:
    """A payload field's type as the docs say it."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation in _WORDS:
        return _WORDS[annotation]
    if _is_shape(annotation):
        name = getattr(annotation, "__name__", "")
        return f"[{name}](#{name.lower()})"
    if origin is typing.NotRequired:
        return _words(args[0])
    if origin is typing.Literal:
        return " or ".join(f"`{value!r}`".replace("'", '"') for value in args)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_words(arg) for arg in args)
    if origin is list:
        return f"list of {_words(args[0])}"
    if origin is dict:
        value = args[1]
        return "object" if value is typing.Any else f"object of {_words(value)}"
    return str(annotation)


def _fields(shape: type) -> list[tuple[str, object, bool]]:
    hints = typing.get_type_hints(shape, include_extras=True)
    required: frozenset[str] = getattr(shape, "__required_keys__", frozenset())
    return [(name, hints[name], name in required) for name in hints]


def _nested(shape: type, found: dict[str, type]) -> None:
    """Every shape a field of ``shape`` names, depth first, each once."""
    for _name, annotation, _required in _fields(shape):
        stack = [annotation]
        while stack:
            item = stack.pop()
            if _is_shape(item) and isinstance(item, type) and item.__name__ not in found:
                found[item.__name__] = item
                _nested(item, found)
            stack.extend(typing.get_args(item))


def _shape_section(shape: type) -> list[str]:
    lines = [f"### {shape.__name__}", ""]
    if shape.__doc__ and not shape.__doc__.startswith(shape.__name__ + "("):
        lines += [" ".join(shape.__doc__.split()), ""]
    lines += ["| field | type | |", "| --- | --- | --- |"]
    for name, annotation, required in _fields(shape):
        lines.append(f"| `{name}` | {_words(annotation)} | {'' if required else 'optional'} |")
    return [*lines, ""]


def events_markdown() -> str:
    lines = [
        "# Event types",
        "",
        f"<!-- {NOTICE} -->",
        "",
        "Every event in an exercise's log has a type, a payload and an audience: the views that",
        "see it (`control`, `observers`, `team:<CODE>`). Control sees every event. Each view reads",
        "its own stream, numbered 1, 2, 3, ... (`GET /api/v1/exercises/{id}/events/?since=`, or",
        "the WebSocket), so an event a view may not see leaves no gap in its numbers. An event",
        "frame is `{seq, type, at, payload}`; where views get different payloads, each gets its",
        "own.",
        "",
        "A row written with an event (a message, a decision, an inject, a seat) keeps the audience",
        "it was written with: the REST reads of that row answer the same views the event reached.",
        "",
        "| type | who sees it | what happened | payload |",
        "| --- | --- | --- | --- |",
    ]
    shapes: dict[str, type] = {}
    for event_type in EventType:
        spec = SPECS[event_type]
        names = ", ".join(f"[{s.__name__}](#{s.__name__.lower()})" for s in spec.shapes)
        if spec.open:
            names += " (and what the engine adds)"
        lines.append(f"| `{event_type}` | {spec.audience} | {spec.summary} | {names} |")
        for shape in spec.shapes:
            shapes.setdefault(shape.__name__, shape)
    for shape in list(shapes.values()):
        _nested(shape, shapes)
    lines += ["", "## Payloads", ""]
    for shape in shapes.values():
        lines += _shape_section(shape)
    return "\n".join(lines).rstrip() + "\n"


def events_js() -> str:
    members = "\n".join(f'  {member.name}: "{member.value}",' for member in EventType)
    return (
        f"// {NOTICE}\n"
        "// The event types the server sends (docs/events.md).\n"
        f"export const EVENT_TYPES = Object.freeze({{\n{members}\n}});\n\n"
        "export const KNOWN_TYPES = new Set(Object.values(EVENT_TYPES));\n"
    )


def write() -> list[Path]:
    """Write both files; returns those whose content changed."""
    changed = []
    for path, text in ((MARKDOWN, events_markdown()), (JAVASCRIPT, events_js())):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    write()
