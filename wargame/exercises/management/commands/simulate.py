"""`manage.py simulate`: Monte Carlo runs with bot teams, the checks and the calibration suite, and
the research runner; all done by wargame.engine.simulate."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wargame.engine.simulate import add_arguments, build_parser, run_cli


class Command(BaseCommand):
    help = (
        "Play bot teams over many seeds and print the Monte Carlo summary, the plausibility "
        "checks E1-E4 and the calibration suite on every built-in scenario (docs/model.md). "
        "Also: python -m wargame.engine.simulate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        names = {action.dest for action in build_parser()._actions if action.dest != "help"}
        namespace = argparse.Namespace(**{name: options[name] for name in names})
        # Progress goes to the real stderr so --json stdout stays one clean object.
        code = run_cli(namespace, self.stdout, sys.stderr)
        if code == 2:
            raise CommandError("simulation failed (see above)")
        if code == 1:
            raise CommandError("a plausibility or calibration check failed", returncode=1)
