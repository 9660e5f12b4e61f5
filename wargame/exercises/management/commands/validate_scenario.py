from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wargame.engine.scenario.cli import validate_paths


class Command(BaseCommand):
    help = (
        "Validate scenario YAML files; print every mistake as file:line:column: field: message, "
        "and warnings (a language left out) the same way (docs/scenario-guide.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="scenario YAML file(s)")
        parser.add_argument("--json", action="store_true", help="print the errors as JSON")
        parser.add_argument(
            "--builtin",
            action="store_true",
            default=None,
            help="hold every file to the built-ins' rule: every text in en, ja and ko",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = StringIO()
        failed = validate_paths(
            options["paths"], out=report, as_json=options["json"], builtin=options["builtin"]
        )
        self.stdout.write(report.getvalue(), ending="")
        if failed:
            raise CommandError("The scenario is not valid (errors above).", returncode=1)
