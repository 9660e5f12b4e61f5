"""The author's guide stays true: its minimal example validates and it documents every key."""

from __future__ import annotations

import re

from tests.scenarios.helpers import PROJECT
from wargame.engine.scenario import load_scenario_text
from wargame.engine.scenario.schema import scenario_schema

GUIDE = PROJECT / "docs" / "scenario-guide.md"


def _minimal_example() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    found = re.search(r"<!-- minimal-example -->\n```yaml\n(.*?)```", text, re.DOTALL)
    assert found, "the guide must keep its marked minimal example"
    return found.group(1)


def test_it_validates_the_guides_minimal_example() -> None:
    scenario = load_scenario_text(_minimal_example(), source_name="docs/scenario-guide.md")
    assert scenario.slug == "quiet_week"
    assert len(scenario.injects) == 1


def test_it_documents_every_top_level_key_of_the_schema() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for key in scenario_schema()["properties"]:
        assert f"### `{key}`" in guide or f", `{key}`" in guide, key


def test_it_points_from_the_scenarios_folder_to_the_guide() -> None:
    readme = (PROJECT / "scenarios" / "README.md").read_text(encoding="utf-8")
    assert "docs/scenario-guide.md" in readme
