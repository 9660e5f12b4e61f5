"""Input no row can match and no view should walk: ids past a 64-bit integer, JSON nested
deeper than any request needs or holding integers the database cannot store.

SQLite (the embedded default) raises OverflowError for an integer of 2^63 or more, and Python's
JSON decoder raises RecursionError near 1,000 levels; neither is a database error the API's
handler maps to 400, so both were 500s. An id that large names nothing: 404, as for any unknown
id. A body like that is malformed: 400.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

if TYPE_CHECKING:
    from collections.abc import Callable

# The largest integer a database row can hold (PostgreSQL bigint, SQLite INTEGER).
MAX_DB_INT = 2**63 - 1
MAX_JSON_DEPTH = 32


def fits_db_int(text: str) -> bool:
    """Whether an all-digit string is an integer the database can compare with a column."""
    return len(text) < 19 or int(text) <= MAX_DB_INT


class OversizedIdMiddleware:
    """404 for a path with an all-digit segment past ``MAX_DB_INT``, before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for segment in request.path.split("/"):
            if segment.isascii() and segment.isdigit() and not fits_db_int(segment):
                raise Http404
        return self.get_response(request)


def _bounded_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_DB_INT:
        raise ValueError("integer out of range")
    return value


def _depth(value: Any) -> int:
    """How deeply lists and objects nest, walked without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing integers past 64 bits and nesting past ``MAX_JSON_DEPTH``."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        try:
            data = json.loads(raw, parse_int=_bounded_int, parse_constant=strict_constant)
        except RecursionError as exc:
            raise ParseError(_("The JSON body is nested too deeply.")) from exc
        except ValueError as exc:
            message = _("The body is not valid JSON, or holds an integer out of range.")
            raise ParseError(message) from exc
        if _depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply."))
        return data
