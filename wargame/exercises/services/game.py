"""The engine's inputs for an exercise: its scenario, model, catalogue and current state."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from wargame.engine.numbering import agreement_numbers
from wargame.engine.state import State
from wargame.exercises.scenarios import scenario_from_text
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from wargame.engine.scenario import Scenario
    from wargame.exercises.models import Exercise


def exercise_scenario(exercise: Exercise) -> Scenario:
    """The exercise's scenario as played in the cut chosen at its creation."""
    return scenario_from_text(
        exercise.scenario_text, source_name=f"{exercise.scenario_slug}.yaml", cut=exercise.cut
    )


def exercise_state(exercise: Exercise) -> State:
    return State.from_dict(exercise.state)


def view_agreement_numbers(exercise: Exercise, view: str) -> dict[int, int] | None:
    """How `view` numbers the exercise's agreements (engine.numbering); None for control, who
    reads the engine's ids."""
    if view == CONTROL:
        return None
    return agreement_numbers(exercise_state(exercise), view)


def turn_seed(exercise_seed: int, turn: int, attempt: int = 0) -> int:
    """The adjudication seed of one turn, derived like every engine draw (SHA-256, 63 bits):
    a replay of the exercise gets the same dice, and a reroll (attempt > 0) new ones."""
    text = f"v1|{exercise_seed}|{turn}|exercise:turn|{attempt}||"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1
