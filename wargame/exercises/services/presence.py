"""Who is connected: one row per open socket, refreshed by the server process holding it."""

from __future__ import annotations

from datetime import datetime, timedelta

from wargame.exercises.models import SocketPresence

# A process refreshes its rows every few seconds; rows older than this belong to a dead one.
STALE_AFTER = timedelta(seconds=45)


def presence_open(
    *,
    exercise_id: int,
    socket: str,
    process: str,
    view: str,
    participant_id: int | None,
    now: datetime,
) -> None:
    SocketPresence.objects.create(
        exercise_id=exercise_id,
        socket=socket,
        process=process,
        view=view,
        participant_id=participant_id,
        seen_at=now,
    )


def presence_close(*, socket: str) -> None:
    SocketPresence.objects.filter(socket=socket).delete()


def presence_touch(*, process: str, now: datetime) -> None:
    """Refresh this process's rows and forget everyone's stale ones."""
    SocketPresence.objects.filter(process=process).update(seen_at=now)
    SocketPresence.objects.filter(seen_at__lt=now - STALE_AFTER).delete()
