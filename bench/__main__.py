"""`make bench`: run every benchmark, print the table, write bench/results.json."""

from __future__ import annotations

import os
import sys

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    django.setup()
    from bench import engine, live
    from bench.results import RESULTS_PATH, machine, render, write

    rows = engine.run() + live.run()
    print(f"machine: {machine()}")
    print(render(rows))
    write(rows)
    print(f"written: {RESULTS_PATH.name}")
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
