"""Lists (docs/interface.md#paging): ``{"results": [...], "next": <url or null>}``, 100 a page, at
most 500."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.response import Response

from wargame.exercises.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from rest_framework.request import Request

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise InvalidInput.on(name, "A whole number is expected.") from exc
    if value < 0:
        raise InvalidInput.on(name, "A number of 0 or more is expected.")
    return value


def page_limit(request: Request) -> int:
    """docs/interface.md#paging: ``limit`` is clamped to 1..500, so a zero or negative one asks for
    one."""
    raw = request.query_params.get("limit") or ""
    try:
        wanted = int(raw) if raw else DEFAULT_LIMIT
    except ValueError as exc:
        raise InvalidInput.on("limit", "A whole number is expected.") from exc
    return min(max(wanted, 1), MAX_LIMIT)


def cursor_page(
    request: Request,
    fetch: Callable[[int, int], Sequence[Mapping[str, object]]],
    *,
    cursor: str,
    key: str,
) -> Response:
    """One page after ``?<cursor>=``; ``next`` asks for the page after its last item."""
    limit = page_limit(request)
    after = _int_param(request, cursor, 0)
    items = fetch(after, limit + 1)
    more = len(items) > limit
    items = items[:limit]
    next_url = None
    if more:
        query = request.query_params.copy()
        query[cursor] = str(items[-1][key])
        query["limit"] = str(limit)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return Response({"results": items, "next": next_url})
