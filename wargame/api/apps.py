from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "wargame.api"
    label = "api"

    def ready(self) -> None:
        # Registers the OpenAPI description of the participant token scheme.
        from wargame.api import schema  # noqa: F401
        from wargame.logs import redact_access_logs

        redact_access_logs()
