"""Structured logs: every line can say which exercise (and which ``seq``) it is about.

An operator reading a night's logs after an exercise went wrong greps for one exercise id; a
research team joins log lines to the event log by ``seq``. So the context travels with each record:
explicitly (``extra={"exercise": 7, "seq": 42}``) or from the request, socket or task that is
running (``log_context``). ``LOG_FORMAT=json`` writes one JSON object a line, for log shippers;
``plain`` appends the same fields as ``key=value`` for people.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from django.http import HttpRequest, HttpResponse

# The fields a record may carry about the game, in the order people read them.
CONTEXT_FIELDS = ("exercise", "turn", "phase", "seq", "type", "team", "participant", "task")

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "wargame_log_context", default=None
)


@contextlib.contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Records logged inside carry these fields (a record's own ``extra`` wins)."""
    merged = {**(_context.get() or {}), **fields}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Copies the running context onto each record, so any formatter can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        # Django logs 4xx/5xx answers after the middleware has returned; it hands us the request.
        request = getattr(record, "request", None)
        match = getattr(request, "resolver_match", None)
        if match is not None and not hasattr(record, "exercise"):
            exercise_id = match.kwargs.get("exercise_id")
            if exercise_id is not None:
                record.exercise = exercise_id
        return True


def _context_of(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: getattr(record, key)
        for key in CONTEXT_FIELDS
        if getattr(record, key, None) is not None
    }


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_context_of(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        fields = " ".join(f"{key}={value}" for key, value in _context_of(record).items())
        text = super().formatMessage(record)
        return f"{text} [{fields}]" if fields else text


class ExerciseLogContextMiddleware:
    """Requests about one exercise log with its id, whatever the view logs (or Django's own
    request logger, for 4xx and 5xx answers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _context.set(dict(_context.get() or {}))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        exercise_id = view_kwargs.get("exercise_id")
        current = _context.get()
        if exercise_id is not None and current is not None:
            current["exercise"] = exercise_id


_JOIN_CODE_IN_QUERY = re.compile(r"([?&]code=)[^&\s]*", re.IGNORECASE)


class RedactJoinCodes(logging.Filter):
    """Blanks a join code in a logged URL's query (``/join/?code=...``, an old-style link): the
    code is a credential, and access logs are read by more people than the facilitator. Links
    made now carry the code in the fragment, which browsers never send."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _JOIN_CODE_IN_QUERY.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                for a in record.args
            )
        return True


def redact_access_logs() -> None:
    """Attach the redaction to the ASGI server's access log (it logs each request's path)."""
    logging.getLogger("uvicorn.access").addFilter(RedactJoinCodes())
