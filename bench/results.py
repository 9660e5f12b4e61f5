"""One benchmark row, the table printed for people and the JSON written for tools."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def write(sections: dict[str, list[Row]], load: list[float] | None = None) -> None:
    """Write the rows of the sections run, keeping the rows an earlier run wrote for the others
    (``python -m bench screens`` leaves the engine and live rows as they were), each row named
    with its section and each section with the run it came from."""
    previous = _read()
    kept = [r for r in previous.get("results", []) if r.get("section") not in sections]
    runs = {k: v for k, v in previous.get("runs", {}).items() if k not in sections}
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    for name in sections:
        runs[name] = {"at": stamp, "machine": machine(), "load_average": load or []}
    payload = {
        "machine": machine(),
        "load_average": load or [],
        "runs": runs,
        "results": kept
        + [{**asdict(row), "section": name} for name, rows in sections.items() for row in rows],
    }
    RESULTS_PATH.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def _read() -> dict[str, Any]:
    try:
        found = json.loads(RESULTS_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
