"""Load a scenario: read safely, check against the schema, then against the engine; report every
mistake with its file, line, column and field, or return a frozen Scenario."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Any, NamedTuple

from wargame.engine.scenario.content_checks import content_shape_findings
from wargame.engine.scenario.cuts import cut_findings
from wargame.engine.scenario.errors import ErrorDetail, ScenarioError, detail
from wargame.engine.scenario.scenario import Scenario, build_scenario
from wargame.engine.scenario.schema import scenarios_dir, schema_errors
from wargame.engine.scenario.semantic import (
    check_languages,
    language_warnings,
    structural_findings,
)
from wargame.engine.scenario.yaml_reader import MAX_BYTES, format_path, read_yaml


def _within(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith((f"{ancestor}.", f"{ancestor}["))


def _sorted_unique(details: list[ErrorDetail]) -> list[ErrorDetail]:
    seen: set[tuple[str, str]] = set()
    unique: list[ErrorDetail] = []
    for item in sorted(details, key=lambda d: (d["line"], d["column"], d["path"])):
        key = (item["path"], item["message"])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _condition_root(path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """The path of the condition a finding lies in (an inject's `when` or `if`, a belief's truth,
    an objective's check), if it lies in one."""
    for size, key in ((3, "when"), (3, "if"), (4, "truth"), (5, "check")):
        if len(path) >= size and key in path[:size]:
            return path[:size]
    return None


class Checked(NamedTuple):
    """What the validator found in one scenario: mistakes, which stop it loading, and warnings,
    which do not (a language the file leaves out)."""

    errors: list[ErrorDetail]
    warnings: list[ErrorDetail]
    scenario: Scenario | None


def _validate(
    text: str, *, source_name: str, expected_slug: str | None, builtin: bool = False
) -> Checked:
    from wargame.engine.scenario.engine_checks import engine_findings

    read = read_yaml(text, source_name=source_name)
    if read.data is None and read.errors:
        return Checked(read.errors, [], None)
    details = list(read.errors)
    unreadable = tuple(d["path"] for d in read.errors)
    # A value the reader refused reads as null; the schema's complaint about it would be noise.
    details.extend(
        d
        for d in schema_errors(read.data, read.source_map, source_name)
        if not any(_within(d["path"], bad) for bad in unreadable)
    )
    if not isinstance(read.data, Mapping):
        return Checked(_sorted_unique(details), [], None)
    data: Mapping[str, Any] = read.data

    def at(path: tuple[str | int, ...], at_key: bool, message: str) -> ErrorDetail:
        smap = read.source_map
        pos = smap.key_position(path) if at_key else smap.value_position(path)
        return detail(source_name, pos.line, pos.column, format_path(path), message)

    def add(path: tuple[str | int, ...], at_key: bool, message: str) -> None:
        details.append(at(path, at_key, message))

    warnings = [] if builtin else [at(*finding) for finding in language_warnings(data)]

    slug = data.get("slug")
    if expected_slug is not None and isinstance(slug, str) and slug != expected_slug:
        add(
            ("slug",),
            False,
            f"slug '{slug}' must equal the file name '{expected_slug}'",
        )
    schema_paths = [d["path"] for d in details]
    cuts_readable = not any(_within(p, "cuts") for p in schema_paths)
    structural = [
        *structural_findings(data),
        *cut_findings(data, builtin=builtin),
        *content_shape_findings(data),
    ]
    for path, at_key, message in structural:
        root = _condition_root(path)
        if root is not None and any(_within(p, format_path(root)) for p in schema_paths):
            continue  # the schema already named what is wrong in this condition
        add(path, at_key, message)
    # The engine only judges sections the schema passed, so one mistake is reported once; a
    # missing translation breaks nothing the engine reads.
    broken = frozenset(str(d["path"]).split(".")[0].split("[")[0] for d in details)
    details.extend(at(*finding) for finding in check_languages(data, builtin=builtin))
    if "" in broken:
        return Checked(_sorted_unique(details), warnings, None)
    checked = engine_findings(data, skip=broken, builtin=builtin, cuts_readable=cuts_readable)
    for path, at_key, message in checked.findings:
        add(path, at_key, message)
    if details:
        return Checked(_sorted_unique(details), warnings, None)
    scenario = build_scenario(data, source_name=source_name)
    scenario = dataclasses.replace(
        scenario,
        engine_model=checked.model,
        engine_state=checked.state,
        engine_catalogue=checked.catalogue,
    )
    # A scenario with cuts comes played in its default cut.
    return Checked([], warnings, scenario.for_cut(None))


def check_text(
    text: str, *, source_name: str, expected_slug: str | None = None, builtin: bool = False
) -> Checked:
    """Every mistake and warning in a scenario text. A built-in scenario (``builtin``) must have
    every text in English, Japanese and Korean; any other may leave a language out, with a
    warning."""
    return _validate(text, source_name=source_name, expected_slug=expected_slug, builtin=builtin)


def validate_text(
    text: str, *, source_name: str, expected_slug: str | None = None, builtin: bool = False
) -> list[ErrorDetail]:
    """Every mistake in a scenario text (empty when it loads)."""
    return check_text(
        text, source_name=source_name, expected_slug=expected_slug, builtin=builtin
    ).errors


def load_scenario_text(
    text: str, *, source_name: str, expected_slug: str | None = None, builtin: bool = False
) -> Scenario:
    """Load a scenario from YAML text; raises ScenarioError listing every mistake."""
    details, _warnings, scenario = _validate(
        text, source_name=source_name, expected_slug=expected_slug, builtin=builtin
    )
    if scenario is None:
        raise ScenarioError(details)
    return scenario


def _slug_rule(path: FsPath) -> str | None:
    # Files kept under a scenarios/ directory are found by slug, so the name must match it.
    return path.stem if "scenarios" in path.resolve().parent.parts else None


def _read_file(path: FsPath) -> str:
    name = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(
            [detail(name, 1, 1, "", f"cannot read the file: {exc.strerror}")]
        ) from exc
    if len(raw) > MAX_BYTES:
        raise ScenarioError([detail(name, 1, 1, "", f"file too large: at most {MAX_BYTES} bytes")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError([detail(name, line, 1, "", "the file is not UTF-8 text")]) from exc


def is_builtin_file(path: FsPath) -> bool:
    """A file kept in the project's scenarios/ directory is a built-in scenario."""
    return path.resolve().parent == scenarios_dir().resolve()


def check_file(path: str | FsPath, *, builtin: bool | None = None) -> Checked:
    """Mistakes and warnings of a scenario file; ``builtin`` defaults to where the file is."""
    file = FsPath(path)
    try:
        text = _read_file(file)
    except ScenarioError as exc:
        return Checked(exc.details, [], None)
    return check_text(
        text,
        source_name=str(file),
        expected_slug=_slug_rule(file),
        builtin=is_builtin_file(file) if builtin is None else builtin,
    )


def validate_file(path: str | FsPath, *, builtin: bool | None = None) -> list[ErrorDetail]:
    return check_file(path, builtin=builtin).errors


def load_scenario_file(path: str | FsPath) -> Scenario:
    file = FsPath(path)
    return load_scenario_text(
        _read_file(file),
        source_name=str(file),
        expected_slug=_slug_rule(file),
        builtin=is_builtin_file(file),
    )


def builtin_slugs() -> list[str]:
    """Slugs of the built-in scenarios (scenarios/*.yaml), sorted."""
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def load_builtin(slug: str) -> Scenario:
    if slug not in builtin_slugs():
        raise ScenarioError(
            [detail(f"scenarios/{slug}.yaml", 1, 1, "slug", f"no built-in scenario '{slug}'")]
        )
    return load_scenario_file(scenarios_dir() / f"{slug}.yaml")
