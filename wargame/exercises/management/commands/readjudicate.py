"""``manage.py readjudicate EXERCISE --from-turn N [--seed S] [--replace ...]``: fork a what-if
branch as ``POST fork/`` does, then print the branch's id and how it compares, turn by turn."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wargame.exercises.errors import WargameError
from wargame.exercises.models import Exercise
from wargame.exercises.principals import Principal
from wargame.exercises.selectors.branches import comparison_of
from wargame.exercises.services.branches import branch_fork
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from wargame.exercises.selectors.branches import Comparison

REPLACE_HELP = (
    "A team's action in the branch instead of its recorded decision: "
    "TEAM:TURN:ACTION[@TARGET][+KEY=VALUE...] (docs/interface.md#command-line), or "
    "TEAM:ACTION... for the turn given by --turn (default: the fork's turn), e.g. "
    "DPRK:3:s.missile_test+class=IRBM. Repeat it for more actions; one team's actions in a turn "
    "replace its whole decision."
)


def _value(text: str) -> Any:
    """A parameter as JSON where it reads as JSON (true, 3, ["US"]), else as the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_replacements(items: list[str], default_turn: int) -> list[dict[str, Any]]:
    """``--replace`` values as the fork's ``replace`` entries, grouped by team and turn."""
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for item in items:
        parts = item.split(":")
        if len(parts) == 3 and parts[1].isdigit():
            team, turn, action = parts[0], int(parts[1]), parts[2]
        elif len(parts) == 2:
            team, turn, action = parts[0], default_turn, parts[1]
        else:
            raise CommandError(f"--replace {item!r}: expected TEAM:TURN:ACTION[@TARGET].")
        head, *pairs = action.split("+")
        action_id, _at, target = head.partition("@")
        if not team or not action_id:
            raise CommandError(f"--replace {item!r}: a team and an action are required.")
        choice: dict[str, Any] = {"action": action_id}
        if target:
            choice["target"] = target
        params = dict(pair.partition("=")[::2] for pair in pairs)
        if any(not key or not value for key, value in params.items()):
            raise CommandError(f"--replace {item!r}: parameters are written +KEY=VALUE.")
        if params:
            choice["params"] = {key: _value(value) for key, value in params.items()}
        grouped.setdefault((team.upper(), turn), []).append(choice)
    return [
        {"team": team, "turn": turn, "actions": actions}
        for (team, turn), actions in grouped.items()
    ]


def comparison_lines(comparison: Comparison) -> list[str]:
    rows = [("turn", "peak original", "peak branch", "differences")]
    for turn in comparison["turns"]:
        a, b = turn["a"], turn["b"]
        if turn["same"]:
            differences = "same"
        else:
            parts = []
            if turn["rung_differs"]:
                parts.append("rungs " + ", ".join(turn["rung_differs"]))
            others = [k for k in turn["state_differs"] if not k.startswith("rung/")]
            if others:
                parts.append(f"{len(others)} other values ({', '.join(others[:3])}...)")
            if turn["decisions_differ"]:
                parts.append("decisions " + ", ".join(turn["decisions_differ"]))
            differences = "; ".join(parts) or "only one side published"
        rows.append(
            (
                str(turn["turn"]),
                str(a["peak"]) if a is not None else "-",
                str(b["peak"]) if b is not None else "-",
                differences,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return [
        "  ".join([*(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])), row[3]]).rstrip()
        for row in rows
    ]


class Command(BaseCommand):
    help = "Fork an exercise from a turn and re-adjudicate the rest as a what-if branch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("exercise", type=int, help="The id of the exercise to fork.")
        parser.add_argument("--from-turn", type=int, required=True, dest="from_turn")
        parser.add_argument(
            "--seed", type=int, default=None, help="New dice (default: the original's)."
        )
        parser.add_argument("--replace", action="append", default=[], help=REPLACE_HELP)
        parser.add_argument(
            "--turn", type=int, default=None, help="The turn of TEAM:ACTION replacements."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        exercise_id, from_turn = options["exercise"], options["from_turn"]
        original = Exercise.objects.filter(pk=exercise_id).first()
        if original is None:
            raise CommandError(f"No exercise {exercise_id}.")
        replace = parse_replacements(options["replace"], options["turn"] or from_turn)
        principal = Principal(exercise_id=exercise_id, view=CONTROL)
        try:
            branch = branch_fork(
                principal=principal, from_turn=from_turn, seed=options["seed"], replace=replace
            )
        except WargameError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"branch {branch.pk}: {branch.title}")
        for line in comparison_lines(comparison_of(original, branch)):
            self.stdout.write(line)
        for entry in branch.branch_log:
            details = ", ".join(f"{k}={v}" for k, v in entry.items() if k not in ("turn", "kind"))
            self.stdout.write(f"log turn {entry['turn']}: {entry['kind']} {details}".rstrip())
