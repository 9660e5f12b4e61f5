"""Shared paths and texts for the scenario tests."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
MINIMAL = HERE / "valid" / "minimal.yaml"
PROJECT = HERE.parent.parent


def minimal_text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"fixture text changed: {old!r}"
    return text.replace(old, new)


def shorten_scenario_text(text: str, turns: int) -> str:
    """A scenario's text cut to its first `turns` turns (of its default cut, where it has cuts),
    keeping only the injects those turns place and the condition ones."""
    import yaml

    data = yaml.safe_load(text)
    cuts = data.get("cuts")
    if cuts:
        cut = next((c for c in cuts if c.get("default")), cuts[0])
        cut["moves"] = cut["moves"][:turns]
        data["cuts"] = [cut]
        placed = {p if isinstance(p, str) else p["id"] for m in cut["moves"] for p in m["injects"]}
        data["injects"] = [i for i in data["injects"] if "when" in i or i["id"] in placed]
    else:
        data["duration"]["turns"] = turns
        data["turns"] = [t for t in data.get("turns", []) if t["n"] <= turns]
        data["injects"] = [
            i
            for i in data.get("injects", [])
            if "when" in i or i.get("at", {}).get("turn", 0) <= turns
        ]
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
