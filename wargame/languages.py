"""The interface's languages, which are also those of the games' texts, and how a page, a request
or a stored text picks one: English, Japanese and Korean are equals, English the fallback."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGES: tuple[str, ...] = ("en", "ja", "ko")
FALLBACK = "en"
# Each language's name in the interface's language (settings.LANGUAGES, the language pickers).
LANGUAGE_NAMES = {"en": _("English"), "ja": _("Japanese"), "ko": _("Korean")}


def language_or_fallback(code: object) -> str:
    """``code`` if it names one of the languages (``ja-JP`` names ``ja``), else English."""
    lang = str(code or "")[:2]
    return lang if lang in LANGUAGES else FALLBACK


def active_language() -> str:
    """The interface language of the current request."""
    return language_or_fallback(get_language())


def in_language(texts: object, lang: str) -> str:
    """A per-language text (``{en, ja, ko}``) in ``lang``, falling back to English."""
    if not isinstance(texts, dict):
        return "" if texts is None else str(texts)
    return str(texts.get(lang) or texts.get(FALLBACK) or "")
