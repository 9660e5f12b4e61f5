"""Presence as each view may see it (``presence`` frames, docs/interface.md#frames; the exercise's
``connected``)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from wargame.exercises.audience import presence_member_visible
from wargame.exercises.models import Participant, SocketPresence, Team
from wargame.exercises.services.presence import STALE_AFTER

if TYPE_CHECKING:
    from datetime import datetime


def connected_counts(*, exercise_id: int, now: datetime) -> dict[str, int]:
    """Open sockets per team code (every participant may see these)."""
    rows = SocketPresence.objects.filter(
        exercise_id=exercise_id, seen_at__gte=now - STALE_AFTER, view__startswith="team:"
    ).values_list("view", flat=True)
    counts = Counter(view[5:] for view in rows)
    codes = Team.objects.filter(exercise_id=exercise_id).values_list("code", flat=True)
    return {code: counts.get(code, 0) for code in codes}


def presence_frames(*, exercise_id: int, now: datetime, views: set[str]) -> dict[str, str]:
    """The ``presence`` frame for each of ``views``, encoded once per view."""
    teams = connected_counts(exercise_id=exercise_id, now=now)
    online = set(
        SocketPresence.objects.filter(
            exercise_id=exercise_id, seen_at__gte=now - STALE_AFTER, participant__isnull=False
        ).values_list("participant_id", flat=True)
    )
    members: list[dict[str, Any]] = [
        {
            "participant_id": p.number,
            "display_name": p.display_name,
            "team": p.team.code if p.team is not None else None,
            "connected": p.pk in online,
        }
        for p in Participant.objects.filter(
            exercise_id=exercise_id, active=True, team__isnull=False
        )
        .select_related("team")
        .order_by("id")
    ]
    frames: dict[str, str] = {}
    for view in views:
        visible = [m for m in members if presence_member_visible(view, m["team"])]
        frames[view] = json.dumps(
            {"type": "presence", "teams": teams, "members": visible}, separators=(",", ":")
        )
    return frames
