"""One benchmark row, the table printed for people and the JSON written for tools."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    value: float
    unit: str
    goal: str
    ok: bool
    baseline: float | None = None
    ratio: float | None = None


def machine() -> dict[str, str | int]:
    import os

    return {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count() or 0,
    }


def load_average() -> float:
    """The 1-minute load average: other work on the box shows in every figure."""
    import os

    return os.getloadavg()[0]


def render(rows: list[Row]) -> str:
    header = ("benchmark", "value", "unit", "baseline", "ratio", "goal", "result")
    lines = [header] + [
        (
            row.name,
            f"{row.value:.3f}",
            row.unit,
            "" if row.baseline is None else f"{row.baseline:.3f}",
            "" if row.ratio is None else f"{row.ratio:.2f}x",
            row.goal,
            "PASS" if row.ok else "FAIL",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [
        " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in lines
    ]
    out.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(out)


def write(rows: list[Row], load: list[float] | None = None) -> None:
    payload = {
        "machine": machine(),
        "load_average": load or [],
        "results": [asdict(row) for row in rows],
    }
    RESULTS_PATH.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
