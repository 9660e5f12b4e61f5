"""wargame: a multiplayer tabletop-exercise server for Korean-peninsula crisis games."""

from __future__ import annotations

# Loaded with Django so that @shared_task binds to this app in web processes too.
from wargame.celery import app as celery_app

__all__ = ["celery_app"]
