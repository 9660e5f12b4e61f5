"""The joint actions proposed in a turn, as the caller's view may know them: control all of
them, a team those it proposed or was named in, observers none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.exercises.audience import audience_filter
from wargame.exercises.models import JointProposal
from wargame.exercises.selectors.reads import exercise_visible
from wargame.exercises.selectors.snapshot import once_per_snapshot
from wargame.exercises.shapes import joint_payload

if TYPE_CHECKING:
    from wargame.exercises.events import JointPayload
    from wargame.exercises.principals import Principal


@once_per_snapshot
def joint_proposals_for(principal: Principal, *, turn: int) -> list[JointPayload]:
    exercise = exercise_visible(principal)
    rows = (
        JointProposal.objects.select_related("team", "proposed_by")
        .filter(exercise=exercise, turn=turn)
        .filter(audience_filter(principal.view))
    )
    return [joint_payload(row) for row in rows]
