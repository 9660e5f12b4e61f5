"""A value the database refuses (PostgreSQL text cannot hold NUL, an integer out of range) is the
caller's bad input: 400 in the contract's shape, never a 500."""

from __future__ import annotations

from django.db import DataError

from wargame.api.errors import exception_handler


def test_a_value_the_database_refuses_is_answered_400_invalid() -> None:
    response = exception_handler(DataError("A string literal cannot contain NUL"), {})
    assert response is not None
    assert response.status_code == 400
    assert response.data["error"]["code"] == "invalid"
    assert "NUL" not in response.data["error"]["message"]
