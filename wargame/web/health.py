"""``/healthz``: 200 when the database and the channel layer answer, 503 otherwise."""

from __future__ import annotations

import asyncio
import logging
import secrets

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)

# A probe must answer quickly even when Redis hangs, or the load balancer's own timeout fires first.
LAYER_TIMEOUT_SECONDS = 2.0


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:
        logger.warning("healthz: database check failed", exc_info=True)
        return False
    finally:
        connection.close_if_unusable_or_obsolete()


async def _channel_layer_answers() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    # A plain channel, not a process-specific one from new_channel(): channels_redis serves all
    # of a process's specific channels through one receive lock, which the realtime hub holds
    # while it waits for doorbells, so a probe on such a channel timed out whenever a socket
    # was open.
    channel = f"wargame.healthz.{secrets.token_hex(8)}"
    try:
        await asyncio.wait_for(
            layer.send(channel, {"type": "healthz.probe"}), LAYER_TIMEOUT_SECONDS
        )
        message = await asyncio.wait_for(layer.receive(channel), LAYER_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("healthz: channel layer check failed", exc_info=True)
        return False
    return bool(message.get("type") == "healthz.probe")


async def healthz(request: HttpRequest) -> JsonResponse:
    database_ok = await sync_to_async(_database_answers, thread_sensitive=False)()
    layer_ok = await _channel_layer_answers()
    if database_ok and layer_ok:
        return JsonResponse({"status": "ok"})
    failing = [
        name for name, ok in (("database", database_ok), ("channel_layer", layer_ok)) if not ok
    ]
    response = JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    response["Retry-After"] = "5"
    return response
