"""Safe YAML reading that remembers where every value came from.

Scenario files are uploaded by facilitators and shared between institutions, so the reader treats
them as hostile: no Python tags, no aliases (the billion-laughs bomb needs them), bounded size,
node count and nesting. Every value keeps the line and column of its node so that a mistake found
later, by the schema or by the engine, can be reported where the author made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from wargame.engine.scenario.errors import ErrorDetail, detail

MAX_BYTES = 1024 * 1024
MAX_NODES = 5000
MAX_DEPTH = 50

Path = tuple[str | int, ...]

_SCALAR_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass(slots=True)
class SourceMap:
    """Where each value (by path) and each mapping key (by path) starts, 1-based."""

    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def value_position(self, path: Path) -> Position:
        """The position of the deepest value on `path` that the file actually contains."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)

    def key_position(self, path: Path) -> Position:
        return self.keys.get(path) or self.value_position(path)


@dataclass(slots=True)
class ReadResult:
    data: Any
    source_map: SourceMap
    errors: list[ErrorDetail]


def format_path(path: Path) -> str:
    """`("injects", 2, "audience")` -> `injects[2].audience`; odd keys are quoted."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]".replace("'", '"')
    return out


def _mark(mark: Any) -> Position:
    """1-based line and column of a PyYAML mark (pure-Python or libyaml)."""
    if mark is None:
        return Position(1, 1)
    return Position(mark.line + 1, mark.column + 1)


def _scan_events(text: str, source_name: str) -> ErrorDetail | None:
    """Refuse bombs before any tree is built: aliases, too many nodes, too deep."""
    nodes = 0
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                pos = _mark(event.start_mark)
                return detail(
                    source_name,
                    pos.line,
                    pos.column,
                    "",
                    f"alias '*{event.anchor}' is not allowed: scenario files may not use anchors "
                    "and aliases (write the value out)",
                )
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    pos = _mark(event.start_mark)
                    return detail(
                        source_name,
                        pos.line,
                        pos.column,
                        "",
                        f"too many values: a scenario may hold at most {MAX_NODES} YAML nodes",
                    )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    pos = _mark(event.start_mark)
                    return detail(
                        source_name,
                        pos.line,
                        pos.column,
                        "",
                        f"nested too deeply: at most {MAX_DEPTH} levels of lists and mappings",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        pos = _mark(exc.problem_mark or exc.context_mark)
        return detail(source_name, pos.line, pos.column, "", _yaml_problem(exc))
    except yaml.reader.ReaderError as exc:
        # A NUL or another character YAML does not allow in a stream; it has no mark.
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return detail(
            source_name,
            line,
            column,
            "",
            f"character #x{exc.character:04x} is not allowed in a YAML file"
            if isinstance(exc.character, int)
            else "a character that is not allowed in a YAML file",
        )
    return None


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "YAML syntax error: " + ("; ".join(parts) if parts else str(exc))


class _Builder:
    def __init__(self, source_name: str, constructor: yaml.SafeLoader) -> None:
        self.source_name = source_name
        self.constructor = constructor
        self.source_map = SourceMap()
        self.errors: list[ErrorDetail] = []

    def error(self, node: yaml.Node, path: Path, message: str) -> None:
        pos = _mark(node.start_mark)
        self.errors.append(
            detail(self.source_name, pos.line, pos.column, format_path(path), message)
        )

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.source_map.values[path] = _mark(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.error(node, path, f"tag '{node.tag}' is not allowed (safe YAML only)")
                return None
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> Any:
        if node.tag != _MAP_TAG:
            self.error(node, path, f"tag '{node.tag}' is not allowed (safe YAML only)")
            return None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            child = (*path, key)
            if key in out:
                self.error(key_node, child, f"duplicate key '{key}'")
                continue
            self.source_map.keys[child] = _mark(key_node.start_mark)
            out[key] = self.build(value_node, child)
        return out

    def _key(self, key_node: yaml.Node, path: Path) -> str | None:
        if not isinstance(key_node, yaml.ScalarNode):
            self.error(key_node, path, "a mapping key must be a plain string")
            return None
        value = self._scalar(key_node, path)
        if isinstance(value, bool) or value is None:
            # YAML 1.1 reads `no`, `off`, `~` as booleans and null: a key meant as text.
            return str(key_node.value)
        return str(value)

    def _scalar(self, node: yaml.Node, path: Path) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.error(node, path, f"tag '{node.tag}' is not allowed (safe YAML only)")
            return None
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            self.error(node, path, _yaml_problem(exc))
            return None
        except (ValueError, OverflowError):
            # A date like 2024-13-45, or an integer past Python's 4300-digit limit.
            shown = str(node.value)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            kind = node.tag.rsplit(":", 1)[-1]
            self.error(node, path, f"'{shown}' is not a valid {kind}")
            return None
        if isinstance(value, dt.datetime | dt.date):
            # Dates stay text, as in JSON: the schema checks their form.
            return value.isoformat()
        return value


def read_yaml(text: str, *, source_name: str) -> ReadResult:
    """Parse one YAML document; errors come back as data, never raised."""
    empty = SourceMap()
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        return ReadResult(
            None,
            empty,
            [detail(source_name, 1, 1, "", f"file too large: at most {MAX_BYTES} bytes")],
        )
    bomb = _scan_events(text, source_name)
    if bomb is not None:
        return ReadResult(None, empty, [bomb])
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        pos = _mark(exc.problem_mark or exc.context_mark)
        return ReadResult(
            None, empty, [detail(source_name, pos.line, pos.column, "", _yaml_problem(exc))]
        )
    finally:
        loader.dispose()
    if root is None:
        return ReadResult(
            None, empty, [detail(source_name, 1, 1, "", "empty file: expected a mapping")]
        )
    builder = _Builder(source_name, yaml.SafeLoader(""))
    data = builder.build(root, ())
    return ReadResult(data, builder.source_map, builder.errors)
