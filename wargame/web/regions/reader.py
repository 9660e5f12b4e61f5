"""What a region's builder reads as: one view of one exercise in one language, and no one in
particular. A region rendered for a reader is the same HTML for every member of the view, so it
is rendered once and shared (docs/architecture.md#live-screens)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from wargame.exercises.principals import view_reader
from wargame.exercises.services.game import exercise_scenario

if TYPE_CHECKING:
    from wargame.engine.scenario import Scenario
    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal


@dataclass(frozen=True)
class Reader:
    """The view's reader (a principal with no person), the exercise as read once, the language,
    and for a region shown one at a time (a channel) which one."""

    principal: Principal
    exercise: Exercise
    lang: str
    variant: str | None = None

    @classmethod
    def of(cls, exercise: Exercise, view: str, lang: str) -> Reader:
        return cls(view_reader(exercise.pk, view, snapshot=exercise), exercise, lang)

    @property
    def view(self) -> str:
        return self.principal.view

    @property
    def position(self) -> int:
        """The view's latest stream position as the exercise row was read."""
        return int(self.exercise.view_positions.get(self.view, 0))

    @cached_property
    def scenario(self) -> Scenario:
        return exercise_scenario(self.exercise)

    @property
    def team(self) -> str:
        """The team of a team's view ("" for control and observers)."""
        return self.principal.team_code or ""

    @cached_property
    def team_names(self) -> dict[str, str]:
        return {code: t.name.get(self.lang) for code, t in self.scenario.teams.items()}

    def showing(self, variant: str | None) -> Reader:
        return dataclasses.replace(self, variant=variant)
