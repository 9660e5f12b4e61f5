"""Template renders counted by name, for the benchmarks and tests only (``RENDER_COUNTER``).

The screens benchmark asks how many times the server rendered a region's HTML because of one
event, over all browsers. Counting at the template engine, not in the views, counts every path
that renders a region (a fragment request, a pushed region, a shared cache filling) without that
path's help. It also counts render passes: a pass renders every region of one page, view and
language that had to be rendered at one log position, together (``note_pass``, called by the
renderer). Off by default and refused in production: the counts are process-wide.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.http import JsonResponse
from django.template.base import Template

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest
    from django.template.context import Context
    from django.utils.safestring import SafeString

_counts: Counter[str] = Counter()
_passes = 0
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Count from now on (idempotent). Renders run on several threads, hence the lock."""
    global _installed
    with _lock:
        if _installed:
            return
        # The stubs do not declare _render; Django's own test instrumentation replaces it too.
        original: Callable[[Template, Context], SafeString] = getattr(Template, "_render")  # noqa: B009

        def counted(self: Template, context: Context) -> SafeString:
            name = self.origin.template_name if self.origin is not None else None
            with _lock:
                _counts[str(name)] += 1
            return original(self, context)

        setattr(Template, "_render", counted)  # noqa: B010
        _installed = True


def counts() -> dict[str, int]:
    with _lock:
        return dict(_counts)


def note_pass() -> None:
    """One render pass done (counted only once the counter is installed)."""
    global _passes
    if _installed:
        with _lock:
            _passes += 1


def passes() -> int:
    with _lock:
        return _passes


def counts_view(request: HttpRequest) -> JsonResponse:
    body: dict[str, Any] = {"pid": os.getpid(), "renders": counts(), "passes": passes()}
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response
