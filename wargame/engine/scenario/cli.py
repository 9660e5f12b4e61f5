"""`python -m wargame.engine.scenario PATH...` and `manage.py validate_scenario PATH...`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, TextIO

from wargame.engine.scenario.errors import ErrorDetail, format_detail
from wargame.engine.scenario.loader import check_file

if TYPE_CHECKING:
    from collections.abc import Sequence


def validate_paths(
    paths: Sequence[str], *, out: TextIO, as_json: bool = False, builtin: bool | None = None
) -> int:
    """Validate each file; print every mistake and warning (or an OK line); 0 when all load,
    else 1. Files in scenarios/ are held to the built-ins' rule (en, ja and ko), or every file
    when ``builtin`` is true."""
    every: list[ErrorDetail] = []
    warned: list[ErrorDetail] = []
    for path in paths:
        details, warnings, scenario = check_file(path, builtin=builtin)
        every.extend(details)
        warned.extend(warnings)
        if as_json:
            continue
        for item in details:
            out.write(format_detail(item) + "\n")
        for item in warnings:
            out.write(format_detail({**item, "message": f"warning: {item['message']}"}) + "\n")
        if scenario is not None:
            out.write(
                f"{path}: OK: {scenario.slug}, {scenario.turn_count} turns, "
                f"{len(scenario.teams)} teams, {len(scenario.injects)} injects\n"
            )
        else:
            out.write(f"{path}: {len(details)} error(s)\n")
    if as_json:
        report = {"valid": not every, "errors": every, "warnings": warned}
        out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 1 if every else 0


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Validate wargame scenario files.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="scenario YAML file(s)")
    parser.add_argument("--json", action="store_true", help="print the errors as JSON")
    parser.add_argument(
        "--builtin",
        action="store_true",
        default=None,
        help="hold every file to the built-in scenarios' rule: every text in en, ja and ko",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    import sys

    args = build_parser("python -m wargame.engine.scenario").parse_args(argv)
    return validate_paths(
        args.paths, out=out or sys.stdout, as_json=args.json, builtin=args.builtin
    )
