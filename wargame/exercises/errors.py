"""One error hierarchy for every service, mapped once to the API's codes and statuses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


class WargameError(Exception):
    """A refusal the caller can act on: a contract ``code``, a message and optional fields."""

    code: ClassVar[str] = "invalid"
    status: ClassVar[int] = 400

    def __init__(
        self,
        message: str,
        *,
        fields: Mapping[str, Sequence[str]] | None = None,
        details: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = {key: list(value) for key, value in (fields or {}).items()}
        self.details = [dict(item) for item in (details or [])]


class InvalidInput(WargameError):  # noqa: N818 - names the refusal, as the contract does
    code = "invalid"
    status = 400

    @classmethod
    def on(cls, field: str, reason: str) -> InvalidInput:
        return cls(f"{field}: {reason}" if field else reason, fields={field or "body": [reason]})


class InvalidScenario(WargameError):  # noqa: N818
    code = "invalid_scenario"
    status = 400


class NotPermitted(WargameError):  # noqa: N818
    code = "permission_denied"
    status = 403


class NotFound(WargameError):  # noqa: N818
    """Unknown, or not visible to the caller: the answer never reveals which."""

    code = "not_found"
    status = 404


class Conflict(WargameError):  # noqa: N818
    """A stale expectation or a command that does not apply in this status or phase."""

    code = "conflict"
    status = 409


class IdempotencyConflict(WargameError):  # noqa: N818
    code = "idempotency_conflict"
    status = 409


class ApprovalRequired(WargameError):  # noqa: N818
    code = "approval_required"
    status = 409


class Locked(WargameError):  # noqa: N818
    """Deadline passed, submissions locked, exercise paused or ended, hotline down."""

    code = "locked"
    status = 423


class RateLimited(WargameError):  # noqa: N818
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
