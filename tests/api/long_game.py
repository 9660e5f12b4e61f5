"""A long, quiet scenario for concurrency tests: 30 turns, no clock, nothing that needs nuclear
approval. Built from the minimal valid scenario and uploaded as a facilitator would."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from rest_framework.test import APIClient

MINIMAL = Path(__file__).resolve().parent.parent / "scenarios" / "valid" / "minimal.yaml"


def long_scenario_text(turns: int = 30) -> str:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["slug"] = "long_game"
    data["duration"]["turns"] = turns
    data["injects"] = [i for i in data["injects"] if "when" in i]
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def upload_long_game(control: APIClient, turns: int = 30) -> None:
    response = control.post(
        "/api/v1/scenarios/", long_scenario_text(turns), content_type="application/yaml"
    )
    assert response.status_code == 201, response.content
