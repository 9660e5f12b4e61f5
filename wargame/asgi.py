"""ASGI entry point: HTTP through Django, WebSockets through the exercise consumer."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

# Django must be set up before the routing imports models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from wargame.api.body_limit import BodySizeLimit  # noqa: E402
from wargame.realtime.origin import OriginCheck  # noqa: E402
from wargame.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodySizeLimit(django_application),
        "websocket": OriginCheck(URLRouter(websocket_urlpatterns)),
    }
)
