"""The bundled CJK fonts: they cover every Japanese and Korean text the project ships, carry their
licence, are what the page styles name, and are all that the PDF renderer may read."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pytest
import yaml
from django.conf import settings
from django.conf.locale import LANG_INFO
from fontTools.ttLib import TTFont

from wargame.reports.aar.fonts import CJK_FACES, faces_for, font_dir, font_file_for
from wargame.reports.aar.render import ReportFetchRefusedError, fonts_only_fetcher

BASE = Path(settings.BASE_DIR)
TEXT_FILES = (
    sorted((BASE / "scenarios").glob("*.yaml"))
    + sorted((BASE / "wargame").rglob("*.yaml"))
    + sorted((BASE / "locale").glob("*/LC_MESSAGES/django.po"))
)
DEJAVU = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
LANGUAGE_NAMES_FILE = "WargameLanguageNames-Regular.otf"


@cache
def cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def _strings_in(node: Any, lang: str) -> list[str]:
    """Every string under a ``lang:`` key (the texts' per-language maps)."""
    if isinstance(node, dict):
        return [
            text
            for key, value in node.items()
            for text in ([value] if key == lang and isinstance(value, str) else [])
            + _strings_in(value, lang)
        ]
    if isinstance(node, list):
        return [text for item in node for text in _strings_in(item, lang)]
    return []


def texts_in(lang: str) -> str:
    parts = []
    for path in TEXT_FILES:
        if path.suffix == ".po":
            if path.parts[-3] == lang:
                parts.append(path.read_text(encoding="utf-8"))
        else:
            parts.extend(_strings_in(yaml.safe_load(path.read_text(encoding="utf-8")), lang))
    return "".join(parts)


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_every_character_of_the_shipped_texts_has_a_glyph_in_its_languages_fonts(
    lang: str,
) -> None:
    text = texts_in(lang)
    assert len(text) > 10_000  # the scenarios, the engine's texts and the interface were read
    covered = set().union(*(cmap(face.path) for face in faces_for(lang)), cmap(DEJAVU))
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in covered})
    assert missing == [], missing


def test_the_language_switcher_face_draws_each_language_in_its_own_name() -> None:
    names = [str(LANG_INFO[code]["name_local"]) for code, _ in settings.LANGUAGES]
    wanted = {ord(c) for name in names for c in name if ord(c) > 0x7F}
    assert wanted <= cmap(font_dir() / LANGUAGE_NAMES_FILE)
    page_css = (BASE / "static" / "css" / "wargame.css").read_text(encoding="utf-8")
    declared = re.search(r'"Wargame Language Names";[^}]*unicode-range: ([^;]+);', page_css)
    assert declared is not None
    assert {int(c, 16) for c in re.findall(r"U\+([0-9A-F]+)", declared.group(1))} == wanted


def test_each_face_is_the_family_it_is_named_for_and_carries_the_open_font_license() -> None:
    page_css = (BASE / "static" / "css" / "wargame.css").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in (font_dir() / "OFL.txt").read_text()
    for face in CJK_FACES:
        names = TTFont(face.path, lazy=True)["name"]
        assert names.getDebugName(1) == face.family
        assert "SIL Open Font License" in names.getDebugName(13)
        assert f'font-family: "{face.family}";\n  src: url("../fonts/{face.file}")' in page_css


def test_the_pdf_renderer_may_read_the_bundled_fonts_and_nothing_else() -> None:
    for face in CJK_FACES:
        assert font_file_for(face.path.as_uri()) == face.path
        assert fonts_only_fetcher(face.path.as_uri()).read()[:4] == b"OTTO"
    for url in (
        (BASE / "wargame" / "settings.py").as_uri(),
        f"{font_dir().as_uri()}/../../wargame/settings.py",
        (font_dir() / "OFL.txt").as_uri(),
        "file:///etc/passwd",
        "https://fonts.example.org/a.otf",
        "data:font/otf;base64,T1RUTw==",
    ):
        with pytest.raises(ReportFetchRefusedError):
            fonts_only_fetcher(url)
