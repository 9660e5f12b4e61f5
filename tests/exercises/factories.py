"""A fixed cast for exercise tests (STYLE.md): control and one exercise with four teams."""

from __future__ import annotations

from typing import Any, cast

import factory
from django.contrib.auth import get_user_model

from wargame.exercises.models import Exercise, Team


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"facilitator{n}")


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    title = "Exercise season"
    scenario_slug = "exercise_season"
    scenario_text = "slug: exercise_season\n"
    seed = 42
    state = factory.LazyFunction(dict)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def teams(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            for code in ("US", "ROK", "JPN", "DPRK"):
                Team.objects.create(exercise=self, code=code)


def exercise_create(**fields: Any) -> Exercise:
    """A typed front to the factory (factory_boy ships no type information)."""
    return cast("Exercise", ExerciseFactory(**fields))
