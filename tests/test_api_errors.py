"""Every API error leaves in the documented shape, codes and statuses (docs/interface.md#errors)."""

from __future__ import annotations

from django.db import OperationalError
from rest_framework import exceptions

from wargame.api.errors import exception_handler


def test_it_names_nested_invalid_fields_by_dotted_path() -> None:
    error = exceptions.ValidationError(
        {"actions": [{"target": ["DPRK cannot target itself."]}], "rationale": ["Too long."]}
    )
    response = exception_handler(error, {})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {
        "error": {
            "code": "invalid",
            "message": "actions.0.target: DPRK cannot target itself.",
            "fields": {
                "actions.0.target": ["DPRK cannot target itself."],
                "rationale": ["Too long."],
            },
        }
    }


def test_it_maps_authentication_and_permission_errors_to_the_contract_codes() -> None:
    cases = [
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.AuthenticationFailed(), 401, "not_authenticated"),
        (exceptions.PermissionDenied(), 403, "permission_denied"),
        (exceptions.NotFound(), 404, "not_found"),
        (exceptions.MethodNotAllowed("PATCH"), 405, "method_not_allowed"),
        (exceptions.Throttled(wait=7), 429, "rate_limited"),
    ]
    for error, status, code in cases:
        response = exception_handler(error, {})
        assert response is not None
        assert (response.status_code, response.data["error"]["code"]) == (status, code)


def test_it_keeps_retry_after_on_a_throttled_answer() -> None:
    response = exception_handler(exceptions.Throttled(wait=7), {})
    assert response is not None
    assert response["Retry-After"] == "7"


def test_it_turns_an_unreachable_database_into_503_with_retry_after() -> None:
    response = exception_handler(OperationalError("connection refused"), {})
    assert response is not None
    assert response.status_code == 503
    assert response.data["error"]["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0
    assert "connection refused" not in str(response.data)
