"""What a test reads from an API answer: the body of a success, or the error of a refusal, with
the status checked first so that a failing test shows what came back."""

from __future__ import annotations

from typing import Any


def ok(response: Any, *statuses: int) -> Any:
    """The answer's body (None when it has none), once its status is one of ``statuses`` (200 by
    default)."""
    assert response.status_code in (statuses or (200,)), (
        response.status_code,
        response.content[:400],
    )
    return response.json() if response.content else None


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of a refusal: its code, message and the fields it names."""
    return dict(response.json()["error"])


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error of an answer refused with ``status`` and ``code``."""
    assert response.status_code == status, response.content
    error = error_of(response)
    assert error["code"] == code, error
    return error
