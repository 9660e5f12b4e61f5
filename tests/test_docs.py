"""The repository explains itself: every relative link in the README and in docs/ reaches an
existing file (and heading or anchor), and no tracked file points to a design document that a clone
does not contain. The interface, the goals, the design and the sources live in docs/."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "scenarios" / "README.md", *(ROOT / "docs").glob("*.md")]
)

# The documents the project was first specified in. They are not part of the repository, so
# naming one sends a reader nowhere. Spelled in pieces so that this file does not name them.
OUTSIDE_STEMS = (
    "CONTRACT",
    "ADJUDICATION",
    "RELIABILITY",
    "PERFORMANCE",
    "DESIGN",
    "STYLE",
    "BRIEF",
    "AMENDMENTS",
    "ENVIRONMENT",
)
OUTSIDE_FILE = re.compile(r"\b(?:" + "|".join(OUTSIDE_STEMS) + r")\.md\b")

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")
# [text](target) and ![alt](target); the target ends at whitespace (a title may follow) or ")".
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")
HTML_TAG = re.compile(r"<[^>]+>")
LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def prose_lines(text: str) -> list[str]:
    """The lines of a markdown text outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def heading_slug(heading: str) -> str:
    """The anchor a heading gets, as GitHub renders it: the text without markup, lower case,
    punctuation dropped, spaces as hyphens."""
    text = HTML_TAG.sub("", LINK_TEXT.sub(r"\1", heading)).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


@cache
def anchors(document: Path) -> frozenset[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in prose_lines(document.read_text(encoding="utf-8")):
        found.update(EXPLICIT_ANCHOR.findall(line))
        heading = HEADING.match(line)
        if heading:
            slug = heading_slug(heading.group(2))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
    return frozenset(found)


def relative_links(document: Path) -> list[str]:
    links = []
    for line in prose_lines(document.read_text(encoding="utf-8")):
        line = INLINE_CODE.sub("", line)
        links += INLINE_LINK.findall(line)
        links += REFERENCE_LINK.findall(line)
    return [link for link in links if not re.match(r"^([a-z][a-z0-9+.-]*:|/)", link)]


def broken(document: Path, link: str, root: Path = ROOT) -> str | None:
    """Why ``link`` in ``document`` leads nowhere, or None when it resolves."""
    path, _, fragment = link.partition("#")
    target = (document.parent / path).resolve() if path else document
    if not target.is_relative_to(root):
        return f"{link}: outside the repository"
    if not target.exists():
        return f"{link}: no such file"
    if fragment and target.suffix == ".md" and fragment not in anchors(target):
        return f"{link}: no heading or anchor #{fragment} in {target.relative_to(root)}"
    return None


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_its_anchor(document: Path) -> None:
    problems = [p for link in relative_links(document) if (p := broken(document, link))]
    assert problems == []


def test_the_link_check_can_fail(tmp_path: Path) -> None:
    """The checker itself: a missing file, a missing anchor and a good anchor of each kind."""
    (tmp_path / "a.md").write_text(
        "# Roles and views\n\n## The `since` cursor (REST)\n\n"
        '- <a id="r1"></a>R1\n\n```\n# not a heading\n```\n',
        encoding="utf-8",
    )
    doc = tmp_path / "b.md"
    doc.write_text("x", encoding="utf-8")
    assert broken(doc, "a.md#roles-and-views", tmp_path) is None
    assert broken(doc, "a.md#the-since-cursor-rest", tmp_path) is None
    assert broken(doc, "a.md#r1", tmp_path) is None
    assert broken(doc, "a.md#not-a-heading", tmp_path) is not None
    assert broken(doc, "missing.md", tmp_path) is not None
    assert broken(doc, "../elsewhere.md", tmp_path) is not None
    assert relative_links(tmp_path / "a.md") == []


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of tracked files")
    return [name for name in listed.decode("utf-8").split("\0") if name]


def naming_outside_files(names: list[str]) -> list[str]:
    hits = []
    for name in names:
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        hits += [
            f"{name}:{number}: {match.group(0)}"
            for number, line in enumerate(text.splitlines(), 1)
            for match in OUTSIDE_FILE.finditer(line)
        ]
    return hits


def test_no_tracked_file_names_a_document_the_repository_lacks() -> None:
    assert naming_outside_files(tracked_files()) == []


def test_the_name_check_can_fail() -> None:
    assert OUTSIDE_FILE.search(f"as {OUTSIDE_STEMS[0]}.md says")
    assert not OUTSIDE_FILE.search("as docs/interface.md#commands says")
