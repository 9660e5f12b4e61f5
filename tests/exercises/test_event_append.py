"""The event log: gapless global order, a gapless stream per view, and nothing from a rollback."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from tests.exercises.factories import exercise_create
from wargame.exercises import notify
from wargame.exercises.events import (
    DecisionPayload,
    EventPayloadError,
    EventType,
    SealedDecisionPayload,
    TurnPayload,
)
from wargame.exercises.models import Event, EventView, Exercise
from wargame.exercises.selectors.events import events_since_for
from wargame.exercises.services._turn import exercise_end, phase_advance
from wargame.exercises.services.log import (
    EventAudienceError,
    LockNotHeldError,
    event_append,
    exercise_lock,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


def _append(exercise_id: int, audience: list[str], n: int | None = None) -> None:
    """An event whose payload carries ``n`` (as its turn), so that tests can tell events apart."""
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=exercise_id)
        event_append(
            exercise=exercise,
            type=EventType.EXERCISE_STARTED,
            audience=audience,
            payload=TurnPayload(turn=n),
        )


@pytest.mark.django_db
def test_each_view_numbers_only_the_events_it_may_see() -> None:
    exercise = exercise_create()
    _append(exercise.pk, ["team:US"], n=1)
    _append(exercise.pk, ["team:DPRK"], n=2)
    _append(exercise.pk, ["team:US", "team:ROK"], n=3)

    us = events_since_for(exercise_id=exercise.pk, view="team:US", since=0, limit=100)
    dprk = events_since_for(exercise_id=exercise.pk, view="team:DPRK", since=0, limit=100)
    control = events_since_for(exercise_id=exercise.pk, view="control", since=0, limit=100)
    observers = events_since_for(exercise_id=exercise.pk, view="observers", since=0, limit=100)

    assert [(e.seq, e.payload) for e in us] == [(1, {"turn": 1}), (2, {"turn": 3})]
    assert [(e.seq, e.payload) for e in dprk] == [(1, {"turn": 2})]
    assert [e.seq for e in control] == [1, 2, 3]
    assert observers == []


@pytest.mark.django_db
def test_a_view_gets_its_own_payload_where_one_is_given() -> None:
    exercise = exercise_create()
    with transaction.atomic():
        locked = exercise_lock(exercise_id=exercise.pk)
        event_append(
            exercise=locked,
            type=EventType.DECISION_SUBMITTED,
            audience=["team:US", "team:ROK"],
            payload=DecisionPayload(
                turn=1,
                team="US",
                status="submitted",
                version=1,
                actions=[{"action": "secret-canary"}],
                rationale="",
                updated_at=None,
                updated_by=None,
            ),
            view_payloads={"team:ROK": SealedDecisionPayload(team="US", submitted=True)},
        )
    rok = events_since_for(exercise_id=exercise.pk, view="team:ROK", since=0, limit=10)
    assert rok[0].payload == {"team": "US", "submitted": True}
    us = events_since_for(exercise_id=exercise.pk, view="team:US", since=0, limit=10)
    assert us[0].payload["actions"] == [{"action": "secret-canary"}]


@pytest.mark.django_db
def test_it_refuses_an_audience_that_is_not_a_view() -> None:
    exercise = exercise_create()
    with transaction.atomic():
        locked = exercise_lock(exercise_id=exercise.pk)
        with pytest.raises(EventAudienceError, match="JP"):
            event_append(
                exercise=locked,
                type=EventType.EXERCISE_ENDED,
                audience=["team:JP"],
                payload=TurnPayload(turn=1),
            )
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_type_that_is_not_an_event_type() -> None:
    exercise = exercise_create()
    with transaction.atomic():
        locked = exercise_lock(exercise_id=exercise.pk)
        with pytest.raises(EventPayloadError, match=r"test\.event"):
            event_append(
                exercise=locked,
                type="test.event",  # type: ignore[arg-type]
                audience=["observers"],
                payload=TurnPayload(turn=1),
            )
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_payload_that_fits_none_of_its_types_shapes() -> None:
    exercise = exercise_create()
    with transaction.atomic():
        locked = exercise_lock(exercise_id=exercise.pk)
        with pytest.raises(EventPayloadError, match=r"phase\.changed"):
            event_append(
                exercise=locked,
                type=EventType.PHASE_CHANGED,
                audience=["observers"],
                payload=TurnPayload(turn=1),
            )
        with pytest.raises(EventPayloadError, match=r"decision\.submitted"):
            event_append(
                exercise=locked,
                type=EventType.DECISION_SUBMITTED,
                audience=["team:US"],
                payload=SealedDecisionPayload(team="US", submitted=True),
                view_payloads={"team:US": TurnPayload(turn=1)},
            )
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_event_and_no_gap() -> None:
    exercise = exercise_create()

    def failing_service() -> None:
        with transaction.atomic():
            locked = exercise_lock(exercise_id=exercise.pk)
            event_append(
                exercise=locked,
                type=EventType.EXERCISE_ENDED,
                audience=["observers"],
                payload=TurnPayload(turn=1),
            )
            raise RuntimeError("the service failed after appending")

    with pytest.raises(RuntimeError, match="failed after appending"):
        failing_service()
    _append(exercise.pk, ["observers"])
    assert list(Event.objects.values_list("seq", flat=True)) == [1]
    assert Exercise.objects.get(pk=exercise.pk).view_positions == {"control": 1, "observers": 1}


@pytest.mark.django_db(transaction=True)
def test_the_lock_needs_a_transaction() -> None:
    exercise = exercise_create()
    with pytest.raises(RuntimeError, match="transaction"):
        exercise_lock(exercise_id=exercise.pk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_produce_gapless_streams_in_commit_order() -> None:
    """docs/reliability.md#r7 (quick form): 8 writers x 25 events, every stream 1..N with no gap."""
    assert connection.vendor == "postgresql"
    exercise = exercise_create()
    writers, per_writer = 8, 25
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            for n in range(per_writer):
                _append(exercise.pk, [f"team:{('US', 'ROK', 'JPN', 'DPRK')[index % 4]}"], n=n)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = writers * per_writer
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    # Commit order equals seq order: ids (insertion order) rise with seq.
    ids = list(Event.objects.order_by("seq").values_list("id", flat=True))
    assert ids == sorted(ids)
    for code in ("US", "ROK", "JPN", "DPRK"):
        positions = list(
            EventView.objects.filter(exercise=exercise, view=f"team:{code}")
            .order_by("position")
            .values_list("position", flat=True)
        )
        assert positions == list(range(1, total // 4 + 1))


@pytest.fixture
def rings() -> Iterator[list[int]]:
    """Every "log grew" announcement made after a commit, by exercise id."""
    heard: list[int] = []
    notify.subscribe(heard.append)
    yield heard
    notify.unsubscribe(heard.append)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_announces_its_events_once_however_many_it_appends(
    rings: list[int],
) -> None:
    exercise = exercise_create()
    with transaction.atomic():
        locked = exercise_lock(exercise_id=exercise.pk)
        for n in range(50):
            event_append(
                exercise=locked,
                type=EventType.EXERCISE_STARTED,
                audience=["team:US"],
                payload=TurnPayload(turn=n),
            )
        assert rings == [], "nothing is announced before the commit"
    _append(exercise.pk, ["team:US"], n=50)
    assert rings == [exercise.pk, exercise.pk]


@pytest.mark.django_db(transaction=True)
def test_an_append_after_a_rolled_back_savepoint_is_still_announced(rings: list[int]) -> None:
    exercise = exercise_create()
    with transaction.atomic():
        locked = exercise_lock(exercise_id=exercise.pk)
        try:
            with transaction.atomic():
                event_append(
                    exercise=locked,
                    type=EventType.EXERCISE_STARTED,
                    audience=["team:US"],
                    payload=TurnPayload(turn=1),
                )
                raise RuntimeError("the inner write fails")
        except RuntimeError:
            pass
        locked = exercise_lock(exercise_id=exercise.pk)
        event_append(
            exercise=locked,
            type=EventType.EXERCISE_STARTED,
            audience=["team:US"],
            payload=TurnPayload(turn=1),
        )
    assert rings == [exercise.pk]


@pytest.mark.django_db
def test_an_append_or_a_turn_step_without_the_exercise_lock_is_refused() -> None:
    """Each step assumes no other writer can interleave: it checks the lock, not the caller."""
    exercise = exercise_create()
    with transaction.atomic():
        unlocked = Exercise.objects.get(pk=exercise.pk)
        with pytest.raises(LockNotHeldError):
            event_append(
                exercise=unlocked,
                type=EventType.EXERCISE_STARTED,
                audience=["observers"],
                payload=TurnPayload(turn=1),
            )
        with pytest.raises(LockNotHeldError):
            phase_advance(unlocked, now=timezone.now())
        locked = exercise_lock(exercise_id=exercise.pk)
    with transaction.atomic(), pytest.raises(LockNotHeldError):
        # the lock ended with its transaction
        exercise_end(locked, now=timezone.now())
    assert not Event.objects.exists()
