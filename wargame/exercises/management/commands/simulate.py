"""`manage.py simulate`: Monte Carlo runs with bot teams, done by wargame.engine.simulate."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wargame.engine.simulate import add_arguments, run_cli


class Command(BaseCommand):
    help = (
        "Play bot teams over many seeds and print the Monte Carlo summary and the plausibility "
        "checks E1-E4 (ADJUDICATION.md §11). Also: python -m wargame.engine.simulate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        names = (
            "scenario",
            "seeds",
            "turns",
            "policy",
            "checks",
            "json",
            "workers",
            "nuclear_choice",
        )
        namespace = argparse.Namespace(**{name: options[name] for name in names})
        # Progress goes to the real stderr so --json stdout stays one clean object.
        code = run_cli(namespace, self.stdout, sys.stderr)
        if code == 2:
            raise CommandError("simulation failed (see above)")
        if code == 1:
            raise CommandError("a plausibility check failed", returncode=1)
