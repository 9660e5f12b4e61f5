"""Parts of a region that many renders share, rendered once by what they show.

A region is re-rendered whenever an event changes it, but some of its parts change only with the
turn: the decision region's row templates (every action the team may take, with its fields) are
most of its HTML and are the same for every render of a turn until the actions on offer change.
A part is kept by a digest of its context and the active language, so a kept part is exactly what
rendering it again would give: it is never stale, only absent.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from collections.abc import Mapping

# Parts of a few turns of a few exercises in three languages; each is tens of kilobytes.
MAX_PARTS = 256

_parts: OrderedDict[tuple[str, str, str], SafeString] = OrderedDict()
_lock = threading.Lock()


def rendered_part(template: str, context: Mapping[str, Any]) -> SafeString:
    """``template`` rendered with ``context`` in the active language, once per distinct
    ``context``: its ``repr`` names what it shows (dataclasses and plain values only)."""
    shown = repr(sorted(context.items()))
    if " at 0x" in shown:
        # An object that names itself by its address (a lazy translation) is no name of what
        # it shows: render it each time.
        return mark_safe(render_to_string(template, dict(context)))  # noqa: S308
    digest = hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()
    key = (template, translation.get_language() or "", digest)
    with _lock:
        kept = _parts.get(key)
        if kept is not None:
            _parts.move_to_end(key)
            return kept
    # The template engine escaped what the part shows when it rendered it.
    part = mark_safe(render_to_string(template, dict(context)))  # noqa: S308
    with _lock:
        _parts[key] = part
        while len(_parts) > MAX_PARTS:
            _parts.popitem(last=False)
    return part


def clear() -> None:
    with _lock:
        _parts.clear()
