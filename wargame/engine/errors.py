"""Narrow engine errors: each carries the offending field and a readable reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


class EngineError(Exception):
    """Base of every engine error; `field` names the offending input, `reason` explains it."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


class RuleViolation(EngineError):  # noqa: N818 - the house style names it so
    """An illegal decision (field like "actions.0.target"). ``code`` says which rule it broke and
    ``detail`` what it broke it with (action and team ids, a parameter's name, a number), so a
    player can be told in their own language, in words; ``reason`` is the English for logs."""

    def __init__(
        self,
        field: str | None,
        reason: str,
        code: str = "",
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(field, reason)
        self.code = code
        self.detail: Mapping[str, Any] = dict(detail or {})


class ModelError(EngineError):
    """A bad model override (field = dotted path)."""


class StateError(EngineError):
    """An unknown state pointer or an out-of-range value (field = pointer)."""
