from __future__ import annotations

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "wargame.realtime"
    label = "realtime"

    def ready(self) -> None:
        from wargame.exercises.notify import subscribe, subscribe_events
        from wargame.realtime.doorbell import hand_over, ring

        subscribe(ring)
        subscribe_events(hand_over)
