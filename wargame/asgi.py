"""ASGI entry point: HTTP through Django (WebSockets join with the live-updates work)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

application = get_asgi_application()
