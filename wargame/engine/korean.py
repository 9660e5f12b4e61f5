"""Korean particles chosen by the word they follow.

A Korean particle has two forms, one after a final consonant (받침) and one after a vowel: 이/가,
은/는, 을/를, 과/와, 으로/로 (로 after ㄹ too). A sentence that embeds a name cannot write the
particle in advance, and "북한와(과)" is what a reader gets when it guesses. Here the word decides:
the final syllable of Hangul, the Korean reading of a number (3 삼, 10 십), the name of the
letter that ends an acronym (ICBM 엠, KMPR 알), and, after a parenthesis, the word before it
(대량응징보복(KMPR)을), as Korean spelling rules have it.

Templates mark a particle in the placeholder's format spec, ``{team:은}`` or ``{team:는}`` (either
form names the pair). Characters before the particle are written before it, so a quoted name takes
its particle after the closing quote: ``'{label:'로}`` gives ``'핵 발사'로``.
"""

from __future__ import annotations

import re
import string
from typing import Any

# (after a final consonant, after a vowel); 으로 family: 로 after ㄹ as well.
PAIRS: tuple[tuple[str, str], ...] = (
    ("이", "가"),
    ("은", "는"),
    ("을", "를"),
    ("과", "와"),
    ("으로", "로"),
    ("으로서", "로서"),
    ("으로써", "로써"),
    ("이나", "나"),
    ("이라", "라"),
    ("이라고", "라고"),
    ("이며", "며"),
    ("이고", "고"),
    ("이다", "다"),
    ("이랑", "랑"),
    ("아", "야"),
)
_PAIR_OF: dict[str, tuple[str, str]] = {form: pair for pair in PAIRS for form in pair}
_RO_FAMILY = frozenset({"으로", "로", "으로서", "로서", "으로써", "로써"})

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
RIEUL = 8  # index of ㄹ among the final consonants of a Hangul syllable
NO_FINAL = 0
# Final consonant of the Korean reading of each digit: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
# Letters whose Korean names end in a consonant: 엘 엠 엔 알; the others (에이, 비...) do not.
_LETTER_FINAL = {"L": 8, "M": 16, "N": 4, "R": 8}
# Closing quotes and brackets (ASCII, typographic and CJK) and punctuation, not read aloud.
_CLOSING = "\"'\u2019\u201d\u300d\u300f\u3009\u300b]}.,:;!?\u2026\u00b7-~ "
_BRACKETS = {")": "(", "\uff09": "\uff08"}
# An English word (not an acronym) as Korean writes it: 팀, 존스, 게이트...; a guess by its last
# letters, since spelling is a weak guide to English sounds.
_WORD_ENDINGS = (
    ("ng", 21),
    ("m", 16),
    ("n", 4),
    ("l", 8),
    ("k", 1),
    ("ck", 1),
    ("p", 17),
    ("t", 19),
)
_PARTICLE_SPEC = re.compile(r"(.*?)([가-힣]+)")


def _number_final(digits: str) -> int:
    """The final consonant of a whole number read in Sino-Korean (십 백 천 만 억 for the zeros)."""
    trimmed = digits.lstrip("0")
    if not trimmed:
        return 21  # 영: ㅇ
    zeros = len(trimmed) - len(trimmed.rstrip("0"))
    if zeros == 0:
        return _DIGIT_FINAL[trimmed[-1]]
    if zeros == 1:
        return 17  # 십: ㅂ
    if zeros == 2:
        return 1  # 백: ㄱ
    if zeros < 8:
        return 4  # 천, 만: ㄴ
    if zeros < 12:
        return 1  # 억: ㄱ
    return NO_FINAL  # 조


def _strip_tail(word: str) -> str:
    """The word as read before its particle: closing quotes and punctuation dropped, and a
    final parenthesis with what it holds (or only the parentheses, when they hold it all)."""
    text = word.rstrip(_CLOSING)
    while text and text[-1] in _BRACKETS:
        opening = text.rfind(_BRACKETS[text[-1]])
        text = text[1:-1] if opening == 0 else text[:opening] if opening > 0 else text[:-1]
        text = text.rstrip(_CLOSING)
    return text


def _latin_final(text: str) -> int:
    run = len(text) - len(text.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    letters = text[-run:]
    if letters.isupper():  # an acronym, read letter by letter: ICBM 엠, NCG 지
        return _LETTER_FINAL.get(letters[-1], NO_FINAL)
    lower = letters.lower()
    return next((final for end, final in _WORD_ENDINGS if lower.endswith(end)), NO_FINAL)


def final_consonant(word: str) -> int | None:
    """Index (1-27) of the final consonant the word ends in, 0 when it ends in a vowel, None
    when it ends in no Korean, digit or Latin letter (the vowel form is then used)."""
    text = _strip_tail(word)
    if not text:
        return None
    last = text[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return (ord(last) - _HANGUL_FIRST) % 28
    if last.isascii() and last.isdigit():
        run = len(text) - len(text.rstrip("0123456789"))
        return _number_final(text[-run:])
    if last.isascii() and last.isalpha():
        return _latin_final(text)
    return None


def particle(word: str, form: str) -> str:
    """The form of a particle that follows ``word``; ``form`` is either form of the pair (or
    both, "이/가"). A form that is not a known particle is returned as it is."""
    pair = _PAIR_OF.get(form.split("/")[0])
    if pair is None:
        return form
    after_consonant, after_vowel = pair
    final = final_consonant(word)
    if not final:
        return after_vowel
    if final == RIEUL and after_consonant in _RO_FAMILY:
        return after_vowel
    return after_consonant


def with_particle(word: str, form: str) -> str:
    return word + particle(word, form)


class _ParticleFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        found = _PARTICLE_SPEC.fullmatch(format_spec)
        if found is None:
            return str(format(value, format_spec))
        text = str(value)
        prefix, form = found.groups()  # the prefix is written between the word and its particle
        return text + prefix + particle(text + prefix, form)


_FORMATTER = _ParticleFormatter()


def format_with_particles(template: str, /, **values: object) -> str:
    """``str.format`` that also fills particle specs: ``{team:은}`` -> ``북한은`` / ``미국은``."""
    return _FORMATTER.vformat(template, (), values)
