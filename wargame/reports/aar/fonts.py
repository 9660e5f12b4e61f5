"""The project's own Japanese and Korean fonts (``static/fonts/``, subsets of Noto Sans CJK under
the SIL Open Font License), and how the report's two renderers reach them.

A fresh machine has no CJK font, and matplotlib's font cache never sees one installed later, so
nothing here asks the system: WeasyPrint gets ``@font-face`` rules whose files its URL fetcher
reads from the font folder, matplotlib gets the files registered by path, and the self-contained
HTML report carries the glyphs it uses as an embedded subset.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True, slots=True)
class FontFace:
    family: str
    file: str

    @property
    def postscript_name(self) -> str:
        return self.file.removesuffix(".otf")

    @property
    def path(self) -> Path:
        return font_dir() / self.file


JAPANESE_FACE = FontFace("Wargame Sans JP", "WargameSansJP-Regular.otf")
KOREAN_FACE = FontFace("Wargame Sans KR", "WargameSansKR-Regular.otf")
CJK_FACES = (JAPANESE_FACE, KOREAN_FACE)
# The language's own face first: Japanese and Korean share code points (punctuation, kanji and
# hanja) but not their shapes. English text keeps its Latin font; CJK words in it (a name, a
# quoted rationale) still find a face.
FACES_FOR: dict[str, tuple[FontFace, ...]] = {
    "ja": (JAPANESE_FACE, KOREAN_FACE),
    "ko": (KOREAN_FACE, JAPANESE_FACE),
    "en": (JAPANESE_FACE, KOREAN_FACE),
}
CJK_LANGUAGES = ("ja", "ko")
LATIN_FAMILIES = ("Noto Sans", "DejaVu Sans")
# Characters below this are Latin, Greek or Cyrillic: the reader's own sans-serif draws them in
# the HTML report, so its embedded subsets carry CJK glyphs only.
FIRST_EMBEDDED = 0x2E80


def font_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "fonts"


def faces_for(lang: str) -> tuple[FontFace, ...]:
    return FACES_FOR.get(lang, FACES_FOR["en"])


def _quoted(families: Iterable[str]) -> str:
    return ", ".join(f'"{family}"' for family in families)


def css_font_stack(lang: str) -> str:
    """The report's CSS ``font-family``: in Japanese and Korean the bundled faces come first, so
    that Latin letters in CJK text take the CJK face's forms, as in print."""
    cjk = [face.family for face in faces_for(lang)]
    families = [*cjk, *LATIN_FAMILIES] if lang in CJK_LANGUAGES else [*LATIN_FAMILIES, *cjk]
    return f"{_quoted(families)}, sans-serif"


def chart_families(lang: str) -> list[str]:
    """matplotlib's ``font.family`` for ``lang``, in the order of the CSS stack (a glyph comes
    from the first family that has it). DejaVu Sans ships with matplotlib; the CJK faces are
    registered by :func:`register_with_matplotlib`."""
    cjk = [face.family for face in faces_for(lang)]
    return [*cjk, "DejaVu Sans"] if lang in CJK_LANGUAGES else ["DejaVu Sans", *cjk]


def register_with_matplotlib() -> None:
    """Add the bundled faces to matplotlib's font list by path: its cache is not consulted."""
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for face in CJK_FACES:
        if str(face.path) not in known:
            font_manager.fontManager.addfont(str(face.path))


def pdf_font_faces(lang: str) -> str:
    """``@font-face`` rules naming the font files relative to :func:`font_base_url`."""
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.file}"); }}'
        for face in faces_for(lang)
    )


def font_base_url() -> str:
    return f"{font_dir().as_uri()}/"


def font_file_for(url: str) -> Path | None:
    """The bundled font that ``url`` names, or None: WeasyPrint may read these files only."""
    by_url = {face.path.as_uri(): face.path for face in CJK_FACES}
    return by_url.get(url)


@lru_cache(maxsize=4)
def _cmap(face: FontFace) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(face.path, lazy=True).getBestCmap())


def _subset_woff(face: FontFace, characters: frozenset[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(face.path, recalcTimestamp=False)
    options = subset.Options()
    # WOFF, not WOFF2: as small within a tenth, and its compression takes a third of the time.
    options.flavor = "woff"
    options.layout_features = ["ccmp", "kern", "liga", "calt"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out)
    return out.getvalue()


def embedded_font_faces(lang: str, text: str) -> str:
    """``@font-face`` rules with the CJK glyphs ``text`` uses embedded as data URLs, each
    character in the first face of ``lang``'s order that has it; empty for text with none."""
    wanted = {ord(c) for c in text if ord(c) >= FIRST_EMBEDDED}
    rules = []
    for face in faces_for(lang):
        mine = frozenset(wanted & _cmap(face))
        if not mine:
            continue
        wanted -= mine
        data = base64.b64encode(_subset_woff(face, mine)).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; '
            f'src: url(data:font/woff;base64,{data}) format("woff"); }}'
        )
    return "\n".join(rules)
