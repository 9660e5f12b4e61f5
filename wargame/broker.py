"""The Celery broker's Redis transport: kombu's, with one repair that keeps a worker alive when
Redis goes away.

When the broker connection breaks, Celery's consumer first collects the connection, which leaves
kombu's transport without its client, and then closes it. If a channel still holds messages it
received but has not acknowledged, closing it tries to put them back, which needs a new Redis
client, which needs the transport's client: kombu raises ``AttributeError`` on ``None.hostname``.
That is not a connection error, so nothing catches it and the worker (with the beat inside it)
shuts down for good. Here the missing client is a connection error instead: the close gives up on
the channel, the consumer reconnects, and the unacknowledged messages still in Redis come back
after the visibility timeout (``CELERY_VISIBILITY_TIMEOUT``). If Redis restarted empty they are gone
either way; the timer sweep re-finds the work they stood for.

Used for ``redis://`` brokers (settings.CELERY_BROKER_TRANSPORT). ``rediss://`` keeps kombu's own
transport, whose name is what turns on its TLS defaults."""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            logger.warning(
                "The broker went away before unacknowledged messages could be put back: they "
                "return after the visibility timeout."
            )
            raise RedisConnectionError("The broker connection was closed.")
        # Not in kombu's published stubs, but the method every Redis client is made from.
        params: dict[str, Any] = super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]
        return params


class Transport(kombu_redis.Transport):
    Channel = Channel
