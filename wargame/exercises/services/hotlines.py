"""A hotline's state changed (an outcome, control's command, an inject's effect): the event every
view sees, and the hotline's channel opened or closed to match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.engine.crisis import crisis_instability
from wargame.exercises.audience import all_views, channel_state_audience
from wargame.exercises.events import ChannelStatePayload, EventType, HotlinePayload
from wargame.exercises.models import Channel, ChannelKind
from wargame.exercises.services.game import exercise_scenario, exercise_state
from wargame.exercises.services.log import event_append, lock_held
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from wargame.engine.state import State
    from wargame.exercises.models import Exercise


def hotline_changed(
    exercise: Exercise, *, key: str, state: str, new_state: State | None = None
) -> None:
    """Announce a hotline's new state and open or close its channel.

    ``new_state`` is the game state with the change (default: the exercise's saved state).
    Control's payload also carries the crisis instability it implies, which a hotline moves:
    without it control's ``ci`` could not follow the stream (docs/reliability.md#r10)."""
    lock_held(exercise)
    public = HotlinePayload(hotline=key, state=state)
    views = all_views(exercise)
    model = exercise_scenario(exercise).model()
    ci = crisis_instability(new_state or exercise_state(exercise), model)
    event_append(
        exercise=exercise,
        type=EventType.HOTLINE_CHANGED,
        audience=views,
        payload=HotlinePayload(hotline=key, state=state, ci=ci),
        view_payloads={view: public for view in views if view != CONTROL},
    )
    channel = Channel.objects.filter(
        exercise=exercise, kind=ChannelKind.HOTLINE, hotline=key
    ).first()
    if channel is None:
        return
    should_be_open = state != "down"
    if channel.open != should_be_open:
        channel.open = should_be_open
        channel.save(update_fields=["open"])
        event_append(
            exercise=exercise,
            type=EventType.CHANNEL_OPENED if should_be_open else EventType.CHANNEL_CLOSED,
            audience=channel_state_audience(channel),
            payload=ChannelStatePayload(id=channel.number, name=channel.name, state=state),
        )
