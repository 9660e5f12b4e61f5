"""Celery tasks. Each takes ids, calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="wargame.ping")
def ping(token: str) -> str:
    """Echo a token: lets a probe or a test see that a worker is consuming the broker."""
    return token
