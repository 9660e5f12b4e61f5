"""`python -m wargame.engine.scenario PATH...` and `manage.py validate_scenario PATH...`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, TextIO

from wargame.engine.scenario.errors import ErrorDetail, format_detail
from wargame.engine.scenario.loader import load_scenario_file, validate_file

if TYPE_CHECKING:
    from collections.abc import Sequence


def validate_paths(paths: Sequence[str], *, out: TextIO, as_json: bool = False) -> int:
    """Validate each file; print every mistake (or an OK line); 0 when all load, else 1."""
    every: list[ErrorDetail] = []
    for path in paths:
        details = validate_file(path)
        every.extend(details)
        if as_json:
            continue
        for item in details:
            out.write(format_detail(item) + "\n")
        if not details:
            scenario = load_scenario_file(path)
            out.write(
                f"{path}: OK: {scenario.slug}, {scenario.turn_count} turns, "
                f"{len(scenario.teams)} teams, {len(scenario.injects)} injects\n"
            )
        else:
            out.write(f"{path}: {len(details)} error(s)\n")
    if as_json:
        out.write(
            json.dumps({"valid": not every, "errors": every}, ensure_ascii=False, indent=2) + "\n"
        )
    return 1 if every else 0


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Validate wargame scenario files.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="scenario YAML file(s)")
    parser.add_argument("--json", action="store_true", help="print the errors as JSON")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    import sys

    args = build_parser("python -m wargame.engine.scenario").parse_args(argv)
    return validate_paths(args.paths, out=out or sys.stdout, as_json=args.json)
