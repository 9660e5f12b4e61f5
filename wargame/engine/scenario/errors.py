"""The scenario loader's error: every mistake of a file at once, each with its place."""

from __future__ import annotations

from typing import TypedDict

from wargame.engine.errors import EngineError


class ErrorDetail(TypedDict):
    """One mistake, as the API's `invalid_scenario` details plus the file it is in."""

    file: str
    line: int
    column: int
    path: str
    message: str


def detail(file: str, line: int, column: int, path: str, message: str) -> ErrorDetail:
    return {"file": file, "line": line, "column": column, "path": path, "message": message}


def format_detail(item: ErrorDetail) -> str:
    """`file:line:column: path: message`, the shape editors and CI logs link to."""
    where = item["path"] or "(top level)"
    return f"{item['file']}:{item['line']}:{item['column']}: {where}: {item['message']}"


class ScenarioError(EngineError):
    """A scenario that does not load; `details` lists every mistake, sorted by line."""

    def __init__(self, details: list[ErrorDetail]) -> None:
        ordered = sorted(details, key=lambda d: (d["file"], d["line"], d["column"], d["path"]))
        first = ordered[0] if ordered else None
        reason = (
            f"{len(ordered)} error(s) in the scenario; first: {format_detail(first)}"
            if first
            else "invalid scenario"
        )
        super().__init__(first["path"] if first else None, reason)
        self.details = ordered

    def __str__(self) -> str:
        return "\n".join(format_detail(d) for d in self.details) or self.reason
