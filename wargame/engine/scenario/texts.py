"""Multilingual scenario texts: English always, Japanese and Korean when written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

LANGUAGES = ("en", "ja", "ko")


class TextDict(TypedDict):
    en: str
    ja: str
    ko: str


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    ja: str | None = None
    ko: str | None = None

    @classmethod
    def from_raw(cls, raw: Any) -> Text:
        """A plain string is English; a map gives each language it has."""
        if isinstance(raw, str):
            return cls(en=raw)
        return cls(en=str(raw["en"]), ja=raw.get("ja"), ko=raw.get("ko"))

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to English where it was not written."""
        value = {"en": self.en, "ja": self.ja, "ko": self.ko}.get(lang)
        return value if value else self.en

    def has(self, lang: str) -> bool:
        return bool({"en": self.en, "ja": self.ja, "ko": self.ko}.get(lang))

    def to_dict(self) -> TextDict:
        """Every language filled in, missing ones with the English text."""
        return {"en": self.en, "ja": self.get("ja"), "ko": self.get("ko")}
