from __future__ import annotations

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "wargame.realtime"
    label = "realtime"

    def ready(self) -> None:
        from wargame.exercises.notify import subscribe, subscribe_events, subscribe_revocations
        from wargame.realtime.doorbell import hand_over, revoked, ring

        subscribe(ring)
        subscribe_events(hand_over)
        subscribe_revocations(revoked)
