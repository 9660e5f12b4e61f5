"""Narrow engine errors: each carries the offending field and a readable reason."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every engine error; `field` names the offending input, `reason` explains it."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


class RuleViolation(EngineError):  # noqa: N818 - the house style names it so
    """An illegal decision (field like "actions.0.target")."""


class ModelError(EngineError):
    """A bad model override (field = dotted path)."""


class StateError(EngineError):
    """An unknown state pointer or an out-of-range value (field = pointer)."""
