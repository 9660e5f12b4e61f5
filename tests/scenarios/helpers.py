"""Shared paths and texts for the scenario tests."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
MINIMAL = HERE / "valid" / "minimal.yaml"
PROJECT = HERE.parent.parent


def minimal_text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"fixture text changed: {old!r}"
    return text.replace(old, new)
