"""The notice an exercise's pages show when its scenario is not written in the reader's language
(an uploaded scenario may leave Japanese or Korean out): its texts then appear in English."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wargame.exercises.models import Exercise
from wargame.exercises.scenarios import scenario_from_text
from wargame.languages import active_language

if TYPE_CHECKING:
    from django.http import HttpRequest


def scenario_in_english(request: HttpRequest) -> bool:
    """Whether the exercise this page belongs to has a scenario without the active language."""
    lang = active_language()
    match = request.resolver_match
    exercise_id = match.kwargs.get("exercise_id") if match is not None else None
    if lang == "en" or not isinstance(exercise_id, int):
        return False
    found = (
        Exercise.objects.filter(pk=exercise_id)
        .values_list("scenario_text", "scenario_slug")
        .first()
    )
    if found is None:
        return False
    text, slug = found
    return lang not in scenario_from_text(text, source_name=f"{slug}.yaml").languages


def scenario_language(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``scenario_in_english``, computed only when a page asks for it (the base
    layout does; fragments and error pages do not)."""
    return {"scenario_in_english": lambda: scenario_in_english(request)}
