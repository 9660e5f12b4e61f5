"""An atomic sliding-window limiter on a database row (DRF throttles are neither atomic nor
shared between processes: DRF#5181, #6730)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from wargame.exercises.models import RateLimitWindow


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int


def _window(key: str) -> RateLimitWindow:
    try:
        with transaction.atomic():
            RateLimitWindow.objects.get_or_create(key=key)
    except IntegrityError:
        pass  # another request created it between our read and our insert
    return RateLimitWindow.objects.select_for_update().get(key=key)


def limiter_check(*, key: str, limit: int, window_seconds: int, now: float) -> Verdict:
    """Whether a request under ``key`` may be evaluated; call inside a transaction."""
    window = _window(key)
    recent = [hit for hit in window.hits if hit > now - window_seconds]
    if len(recent) != len(window.hits):
        window.hits = recent
        window.save(update_fields=["hits"])
    if len(recent) >= limit:
        return Verdict(False, max(1, math.ceil(recent[0] + window_seconds - now)))
    return Verdict(True, 0)


def limiter_hit(*, key: str, now: float, keep: int) -> None:
    """Record one failure under ``key``, keeping at most the ``keep`` newest."""
    window = _window(key)
    window.hits = [*window.hits, now][-keep:]
    window.save(update_fields=["hits"])


def limiter_take(*, keys: tuple[tuple[str, int], ...], window_seconds: int, now: float) -> Verdict:
    """Count one attempt under every ``(key, limit)`` if each is under its limit, in one
    transaction: concurrent attempts queue on the rows, so no more than the limit pass. The
    attempt counts as a failure until ``limiter_release`` takes it back."""
    with transaction.atomic():
        for key, limit in keys:
            verdict = limiter_check(key=key, limit=limit, window_seconds=window_seconds, now=now)
            if not verdict.allowed:
                return verdict
        for key, limit in keys:
            limiter_hit(key=key, now=now, keep=limit)
    return Verdict(True, 0)


def limiter_release(*, keys: tuple[tuple[str, int], ...], now: float) -> None:
    """Take back the attempts ``limiter_take`` counted at ``now``: it succeeded."""
    with transaction.atomic():
        for key, _limit in keys:
            window = _window(key)
            if now in window.hits:
                hits = list(window.hits)
                hits.remove(now)
                window.hits = hits
                window.save(update_fields=["hits"])
