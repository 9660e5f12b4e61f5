"""`make bench`: run every benchmark, print the table, write bench/results.json.

`python -m bench [engine] [writepath] [live] [screens] [reports]` runs only the sections named, and
replaces only their rows in bench/results.json."""

from __future__ import annotations

import os
import sys

import django

SECTIONS = ("engine", "writepath", "live", "screens", "reports")


def main(argv: list[str]) -> int:
    chosen = [name for name in argv if name in SECTIONS] or list(SECTIONS)
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    django.setup()
    from bench import engine, live, reports, screens, writepath
    from bench.results import RESULTS_PATH, load_average, machine, render, write
    from bench.screens.rows import summary

    runners = {
        "engine": engine.run,
        "writepath": writepath.run,
        "live": live.run,
        "screens": screens.run,
        "reports": reports.run,
    }
    loads = [load_average()]
    sections = {name: runners[name]() for name in chosen}
    rows = [row for section in sections.values() for row in section]
    loads.append(load_average())
    print(f"machine: {machine()}")
    print(f"load average (1 min) at start and end: {loads[0]:.2f}, {loads[1]:.2f}")
    print(render(rows))
    compact = summary(rows)
    if compact:
        print()
        print(compact)
    write(sections, loads)
    print(f"written: {RESULTS_PATH.name}")
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
