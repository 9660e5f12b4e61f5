"""`python -m bench.helper`: writes made outside the servers, as a worker or a management command
would make them (the same service functions, committed on the bench database).

Reads one JSON request per line on stdin, answers one JSON line on stdout; ends with stdin."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

import django

BODY = "Satellite imagery shows movement near the DMZ; allied staff request an assessment."


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from wargame.exercises.events import EventType, InjectPayload
    from wargame.exercises.models import EventView
    from wargame.exercises.principals import Principal
    from wargame.exercises.services.lifecycle import exercise_command
    from wargame.exercises.services.log import event_append, exercise_lock
    from wargame.exercises.views_of import CONTROL, OBSERVERS

    def user_token() -> dict[str, Any]:
        user, _ = get_user_model().objects.get_or_create(username="bench")
        return {"token": Token.objects.get_or_create(user=user)[0].key}

    def burst(exercise: int, count: int, chunk: int, body: str = BODY) -> dict[str, Any]:
        """``count`` facilitator injects, ``chunk`` per transaction: the time of the last commit."""
        user = get_user_model().objects.get(username="bench")
        principal = Principal(exercise_id=exercise, view=CONTROL, user=user)
        done = 0
        committed: list[float] = []
        while done < count:
            with transaction.atomic():
                # Registered first, so it runs first after the commit: the time the events
                # became readable, before the doorbells the other hooks ring.
                transaction.on_commit(lambda: committed.append(time.time()))
                for _ in range(min(chunk, count - done)):
                    done += 1
                    exercise_command(
                        principal=principal,
                        command="release_inject",
                        args={"title": f"Burst {done}", "body": body, "audience": "all"},
                    )
        return {"committed": committed[-1]}

    def append_burst(exercise: int, count: int, body: str) -> dict[str, Any]:
        """``count`` large inject events appended straight to the log (no command validation:
        what is measured is the fan-out, and a stall needs megabytes quickly)."""
        done = 0
        committed: list[float] = []
        while done < count:
            with transaction.atomic():
                transaction.on_commit(lambda: committed.append(time.time()))
                locked = exercise_lock(exercise_id=exercise)
                for _ in range(min(500, count - done)):
                    done += 1
                    event_append(
                        exercise=locked,
                        type=EventType.INJECT_RELEASED,
                        audience=[OBSERVERS],
                        payload=InjectPayload(
                            id=f"stall-{done}",
                            turn=None,
                            title={"en": "Stall"},
                            body={"en": body},
                            audience=[OBSERVERS],
                            source="bench",
                        ),
                    )
        return {"committed": committed[-1]}

    def session() -> dict[str, Any]:
        """A signed-in facilitator's session cookie, as the login page would set it."""
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        user = get_user_model().objects.get(username="bench")
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return {"name": settings.SESSION_COOKIE_NAME, "value": store.session_key}

    def seats(codes: dict[str, str], counts: dict[str, int]) -> dict[str, Any]:
        """``counts[key]`` seats taken with the join code ``codes[key]``: their tokens by key."""
        from wargame.exercises.services.joining import participant_join

        taken: dict[str, list[str]] = {}
        for key, count in counts.items():
            taken[key] = [
                participant_join(
                    code=codes[key], display_name=f"{key} {i + 1}", address="127.0.0.1"
                ).token
                for i in range(count)
            ]
        return {"tokens": taken}

    def state(exercise: int) -> dict[str, Any]:
        from wargame.exercises.models import Exercise

        row = Exercise.objects.get(pk=exercise)
        return {
            "positions": dict(row.view_positions),
            "turn": row.turn,
            "phase": row.phase,
            "status": row.status,
        }

    def command(exercise: int, command: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        """A facilitator command made outside the servers (a turn prepared while nobody watches)."""
        user = get_user_model().objects.get(username="bench")
        principal = Principal(exercise_id=exercise, view=CONTROL, user=user)
        exercise_command(principal=principal, command=command, args=args)
        return state(exercise)

    def replay_sql(exercise: int, view: str) -> dict[str, Any]:
        """The hub's own replay query (wargame.realtime.hub), for the raw baseline to run."""
        rows = (
            EventView.objects.filter(exercise_id=exercise, view=view, position__gt=0)
            .order_by("position")
            .values_list(
                "position",
                "event__type",
                "event__created_at",
                "event__payload",
                "event__view_payloads",
            )
        )
        sql, params = rows.query.sql_with_params()
        return {"sql": sql, "params": list(params)}

    ops: dict[str, Callable[..., dict[str, Any]]] = {
        "user": user_token,
        "burst": burst,
        "append_burst": append_burst,
        "replay_sql": replay_sql,
        "session": session,
        "seats": seats,
        "state": state,
        "command": command,
    }
    for line in sys.stdin:
        request = json.loads(line)
        op = ops.get(request.pop("op"))
        try:
            answer = op(**request) if op is not None else {"error": "unknown op"}
        except Exception as exc:  # noqa: BLE001 - the bench prints it and stops
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer, default=str) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
