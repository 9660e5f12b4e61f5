from __future__ import annotations

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "wargame.realtime"
    label = "realtime"

    def ready(self) -> None:
        from wargame.exercises.notify import subscribe
        from wargame.realtime.doorbell import ring

        subscribe(ring)
