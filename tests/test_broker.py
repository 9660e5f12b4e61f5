"""The broker's Redis transport (wargame/broker.py) against a real Redis: a channel that still
holds an unacknowledged message, closed after its connection was collected (what Celery's consumer
does when the broker goes away), fails with a connection error, which the consumer survives, and
never with kombu's ``AttributeError``, which killed the worker. R1 at full size
(tests/reliability/test_faults_full.py) is the same fault with a live worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from kombu import Connection

if TYPE_CHECKING:
    from tests.services import RedisServer

pytestmark = pytest.mark.services

OURS = "wargame.broker:Transport"
KOMBUS = "redis"


def _broken_with_a_message_unacked(redis_server: RedisServer, transport: str) -> Connection:
    """A connection whose default channel holds a message it has not acknowledged, in the state
    the worker's log showed when it died: ``Connection.collect`` (the consumer's first step when
    the broker goes away) has taken the transport's client, and the channel is still open because
    closing it there failed on the dead socket."""
    connection = Connection(redis_server.url, transport=transport)
    channel: Any = connection.default_channel  # kombu's stubs know only the base channel
    queue = f"broker-test-{transport.replace(':', '-')}"
    channel.queue_declare(queue)
    channel.basic_publish(channel.prepare_message("due"), exchange="", routing_key=queue)
    message = channel.basic_get(queue, no_ack=False)
    assert message is not None
    assert message.body == b"due"
    connection.transport.client = None  # what collect() leaves behind
    return connection


def test_closing_after_the_connection_broke_raises_nothing(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    connection = _broken_with_a_message_unacked(redis_server, OURS)
    channel: Any = connection.default_channel
    connection.close()  # the consumer's next step: the channel gives up with a connection error
    assert channel.closed
    assert "return after the visibility timeout" in caplog.text


def test_kombus_own_transport_raises_what_killed_the_worker(redis_server: RedisServer) -> None:
    connection = _broken_with_a_message_unacked(redis_server, KOMBUS)
    with pytest.raises(AttributeError, match="hostname"):
        connection.close()


def test_redis_brokers_use_it() -> None:
    url: str = settings.CELERY_BROKER_URL
    if url.startswith("redis://"):
        assert settings.CELERY_BROKER_TRANSPORT == OURS
    else:
        assert getattr(settings, "CELERY_BROKER_TRANSPORT", None) is None
