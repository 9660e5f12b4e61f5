"""Reads that render passes ask for more than once, answered once.

A view's reader renders a page's changed regions together, from one read of the exercise row
(``Principal.snapshot``). Several regions build on the same selector (the channel list for the
header, the tabs and the open channel; the team's decision for the decision and joint regions;
the view's state for the situation and the threshold), and a view is rendered once per language
present: under a snapshot each read is made once per view and log position (the row's
``last_seq``, which every write to the game advances) and kept, in a small store of recent
positions, for the other regions and the other languages. A caller gets its own copy, so a
builder that adjusts what it got (a title in the room's language) cannot change what the next
one reads. Without a snapshot (an API request) nothing is kept.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from wargame.exercises.principals import Principal

Read = TypeVar("Read", bound="Callable[..., Any]")
# A few selectors for each view of a few positions of the exercises rendering at once.
MAX_KEPT = 512

_kept: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_lock = threading.Lock()


def once_per_snapshot(read: Read) -> Read:
    """``read(principal, ...)`` answered once per exercise position, view and arguments for
    readers holding a snapshot."""

    @functools.wraps(read)
    def answer(principal: Principal, /, *args: Any, **kwargs: Any) -> Any:
        snapshot = principal.snapshot
        if snapshot is None:
            return read(principal, *args, **kwargs)
        key = (
            snapshot.pk,
            snapshot.created_at,  # a test database rolled back may give a pk out again
            snapshot.last_seq,
            # Which records observers may read: changed with an event too, kept here as well.
            snapshot.observer_view,
            principal.view,
            read.__module__,
            read.__qualname__,
            repr(args),
            repr(sorted(kwargs.items())),
        )
        with _lock:
            kept = _kept.get(key, _kept)
            if kept is not _kept:
                _kept.move_to_end(key)
        if kept is _kept:
            kept = read(principal, *args, **kwargs)
            with _lock:
                _kept[key] = kept
                while len(_kept) > MAX_KEPT:
                    _kept.popitem(last=False)
        return copy.deepcopy(kept)

    return cast("Read", answer)


def clear() -> None:
    with _lock:
        _kept.clear()
