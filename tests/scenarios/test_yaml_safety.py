"""Hostile YAML is refused quickly, with a clear error and a place (docs/reliability.md#s10)."""

from __future__ import annotations

import resource
from typing import TYPE_CHECKING

import pytest

from tests.scenarios.helpers import minimal_text
from wargame.engine.scenario import validate_file, validate_text
from wargame.engine.scenario.yaml_reader import MAX_BYTES, MAX_NODES

if TYPE_CHECKING:
    from pathlib import Path


def _messages(text: str) -> list[str]:
    return [e["message"] for e in validate_text(text, source_name="hostile.yaml")]


def test_it_refuses_a_file_over_the_size_limit_without_parsing_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text("slug: huge\nsummary: '" + "x" * (10 * MAX_BYTES) + "'\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    errors = validate_file(huge)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert [(e["line"], e["message"]) for e in errors] == [
        (1, f"file too large: at most {MAX_BYTES} bytes")
    ]
    assert grown_kb < 50 * 1024


def test_it_refuses_too_many_values() -> None:
    text = "slug: many\nsources:\n" + "".join(f"  - '004 §{n}'\n" for n in range(MAX_NODES + 10))
    errors = validate_text(text, source_name="many.yaml")
    assert len(errors) == 1
    assert "too many values" in errors[0]["message"]
    assert errors[0]["line"] > MAX_NODES - 10


@pytest.mark.parametrize(
    "tag", ["!!python/object:os.system", "!!python/name:os.system", "!!binary", "!custom"]
)
def test_it_refuses_any_tag_outside_safe_yaml(tag: str) -> None:
    text = minimal_text().replace('summary: {en: "Two', f'summary: {tag} {{en: "Two', 1)
    errors = validate_text(text, source_name="tag.yaml")
    assert [e["path"] for e in errors] == ["summary"]
    assert "not allowed" in errors[0]["message"]


def test_it_refuses_an_anchor_even_without_an_expansion_bomb() -> None:
    text = minimal_text().replace('sources: ["004 §IV.1"]', 'sources: &s ["004 §IV.1"]\nx: *s')
    assert any("alias '*s' is not allowed" in m for m in _messages(text))


def test_it_refuses_more_than_one_document() -> None:
    messages = _messages(minimal_text() + "---\nslug: second\n")
    assert len(messages) == 1
    assert "single document" in messages[0]


def test_it_reports_a_syntax_error_at_its_line() -> None:
    text = "slug: broken\ntitle: [unclosed\nsummary: x\n"
    errors = validate_text(text, source_name="syntax.yaml")
    assert len(errors) == 1
    assert errors[0]["message"].startswith("YAML syntax error")
    assert errors[0]["line"] in (2, 3, 4)


def test_it_says_an_empty_file_is_empty() -> None:
    assert _messages("# only a comment\n") == ["empty file: expected a mapping"]


def test_it_wants_a_mapping_at_the_top() -> None:
    assert _messages("- slug: a\n") == ["expected a mapping, got a list"]


def test_it_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("slug: latin\ntitle: caf\xe9\n".encode("latin-1"))
    assert [(e["line"], e["message"]) for e in validate_file(path)] == [
        (2, "the file is not UTF-8 text")
    ]


def test_it_reports_a_missing_file_without_a_traceback(tmp_path: Path) -> None:
    errors = validate_file(tmp_path / "absent.yaml")
    assert errors[0]["message"].startswith("cannot read the file")
