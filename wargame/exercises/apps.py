from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "wargame.exercises"
    label = "exercises"
    verbose_name = _("Exercises")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wargame.exercises.receivers import connect

        connect()
