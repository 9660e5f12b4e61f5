"""Fixtures that start the real services: private Redis and PostgreSQL, a Celery worker.

The suite's database is a throwaway PostgreSQL cluster (the production database); the embedded
SQLite profile is tested through the commands a user runs (``tests/test_demo.py``).
Services start only when a test asks for them, so engine tests need none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.services import CeleryWorker, PostgresServer, RedisServer, ServiceUnavailableError


def pytest_configure(config: pytest.Config) -> None:
    """Tasks queued by the code under test go to memory, not the developer's embedded broker;
    tests that need a real queue start a worker on a private Redis (``celery_worker``)."""
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from wargame.celery import app

    app.conf.update(broker_url="memory://", result_backend="cache+memory://")
    # Files the code under test writes at run time (rendered reports) stay out of var/.
    settings.VAR_DIR = Path(tempfile.mkdtemp(prefix="wargame-test-var-"))


if TYPE_CHECKING:
    from collections.abc import Iterator

    from rest_framework.test import APIClient

    from tests.cast import Game

# Fixtures that start a service (PostgreSQL, Redis, a worker, a server): a test asking for one,
# or for the database, is not a unit test, whatever marks it carries.
SERVICE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_setup",
        "live_server",
        "redis_server",
        "postgres_server",
        "celery_worker",
        "redis_broker",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a service ``services``, so that ``make test-fast`` (engine and
    unit tests) can leave them out without each file having to say so."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") is not None or fixtures & SERVICE_FIXTURES:
            item.add_marker(pytest.mark.services)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    try:
        server = RedisServer.start()
    except ServiceUnavailableError as exc:
        pytest.fail(f"Redis is needed for this test: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer.start()
    except ServiceUnavailableError as exc:
        pytest.fail(f"PostgreSQL is needed for this test: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(postgres_server: PostgresServer) -> None:
    """Point Django's test database at the private PostgreSQL cluster before it is created."""
    import dj_database_url
    from asgiref.local import Local
    from django.conf import settings
    from django.db import connections

    database: dict[str, Any] = dict(dj_database_url.parse(postgres_server.url))
    database.update({"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "OPTIONS": {}})
    settings.DATABASES["default"] = database
    # Django built its connection objects from the embedded SQLite default while importing;
    # drop them so the next access builds PostgreSQL ones from the settings above.
    connections.close_all()
    connections.__dict__.pop("settings", None)
    connections._connections = Local(connections.thread_critical)  # type: ignore[attr-defined]


@pytest.fixture
def celery_worker(
    redis_server: RedisServer, postgres_server: PostgresServer, transactional_db: None
) -> Iterator[CeleryWorker]:
    """A real worker consuming a private Redis broker, on the test database, writing its files
    where this process reads them."""
    from django.conf import settings
    from django.db import connection

    worker = CeleryWorker.start(
        {
            "WARGAME_ENV": "dev",
            "WARGAME_VAR_DIR": str(settings.VAR_DIR),
            "REDIS_URL": redis_server.url,
            "CELERY_BROKER_URL": redis_server.url,
            "CELERY_RESULT_BACKEND": redis_server.url,
            "DATABASE_URL": (
                f"postgres://postgres@127.0.0.1:{postgres_server.port}/"
                f"{connection.settings_dict['NAME']}"
            ),
        }
    )
    yield worker
    worker.kill()


@pytest.fixture
def redis_broker(celery_worker: CeleryWorker) -> Iterator[CeleryWorker]:
    """Send this process's tasks to the worker's broker, then back to memory."""
    from wargame.celery import app

    def use(url: str) -> None:
        app.conf.update(broker_url=url)
        # the pools were built for the previous broker
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]

    use(celery_worker.env["CELERY_BROKER_URL"])
    yield celery_worker
    use("memory://")


# --- the cast (tests/cast.py) as fixtures; imported on use, so that engine tests need no Django --


@pytest.fixture
def control(db: None) -> APIClient:
    """The cast's control as an API client."""
    from tests.cast import facilitator_client

    return facilitator_client("control")


@pytest.fixture
def game(control: APIClient) -> Game:
    """Control's exercise with its lobby open: a lead per team and an observer seated."""
    from tests.cast import game_create

    return game_create(control)
