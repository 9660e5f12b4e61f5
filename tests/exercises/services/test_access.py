"""One authorization layer for every entry point: who may do which act, and how a refusal reads
(403 for an act a seated participant may see but not do, 404 for control's own objects)."""

from __future__ import annotations

import pytest

from tests.exercises.factories import exercise_create
from wargame.exercises.errors import NotFound, NotPermitted
from wargame.exercises.models import Participant, ParticipantRole, Team
from wargame.exercises.principals import Principal, principal_for
from wargame.exercises.services.access import Act, authorize
from wargame.exercises.views_of import CONTROL

pytestmark = pytest.mark.django_db


def _seat(exercise_id: int, role: str, team: str | None, n: int) -> Principal:
    seat = Participant.objects.create(
        exercise_id=exercise_id,
        team=Team.objects.get(exercise_id=exercise_id, code=team) if team else None,
        role=role,
        display_name=f"seat {n}",
        number=100 + n,
        token_hash=f"{n:064d}",
    )
    return principal_for(exercise_id=exercise_id, participant=seat)


@pytest.fixture
def cast() -> dict[str, Principal]:
    exercise = exercise_create()
    return {
        "control": Principal(exercise_id=exercise.pk, view=CONTROL, user=exercise.created_by),
        "player": _seat(exercise.pk, ParticipantRole.PLAYER, "US", 1),
        "observer": _seat(exercise.pk, ParticipantRole.OBSERVER, None, 2),
    }


Refusal = type[Exception] | None
# act -> what control, a player and an observer get: None means allowed.
EXPECTED: dict[Act, tuple[Refusal, Refusal, Refusal]] = {
    Act.COMMAND: (None, NotPermitted, NotPermitted),
    Act.REVIEW: (None, NotPermitted, NotPermitted),
    Act.PUBLISH: (None, NotPermitted, NotPermitted),
    Act.FACILITATORS: (None, NotPermitted, NotPermitted),
    Act.FORK: (None, NotFound, NotFound),
    Act.REPORT: (None, NotFound, NotFound),
    Act.DECIDE: (None, None, NotFound),
    Act.TALK: (None, None, NotFound),
    Act.STATE: (NotPermitted, None, NotPermitted),
}


def test_the_table_names_every_act() -> None:
    assert set(EXPECTED) == set(Act)


@pytest.mark.parametrize("act", list(Act))
def test_each_role_may_do_what_the_table_says(act: Act, cast: dict[str, Principal]) -> None:
    for who, refusal in zip(("control", "player", "observer"), EXPECTED[act], strict=True):
        if refusal is None:
            assert authorize(cast[who], act) is cast[who]
        else:
            with pytest.raises(refusal):
                authorize(cast[who], act)


def test_a_practice_player_paces_and_publishes_its_own_game_as_control(
    cast: dict[str, Principal],
) -> None:
    player = cast["player"]
    assert player.participant is not None
    player.participant.exercise.practice = True
    for command in ("advance", "pause", "resume", "end"):
        assert authorize(player, Act.COMMAND, command=command).view == CONTROL
    assert authorize(player, Act.PUBLISH).view == CONTROL
    with pytest.raises(NotPermitted):
        authorize(player, Act.COMMAND, command="set_ai")
    with pytest.raises(NotPermitted):
        authorize(player, Act.REVIEW)
