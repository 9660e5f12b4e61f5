"""Korean particles chosen by the word they follow (wargame/engine/korean.py): the final syllable
decides, numbers and acronyms as Korean reads them, a parenthesis by the word before it."""

from __future__ import annotations

import pytest

from wargame.engine.korean import final_consonant, format_with_particles, particle, with_particle

# (word, either form of the particle, the word with the right particle)
CASES = [
    # Names ending in a consonant and in a vowel, each pair.
    ("북한", "와", "북한과"),
    ("러시아", "과", "러시아와"),
    ("미국", "는", "미국은"),
    ("중국", "는", "중국은"),
    ("일본", "가", "일본이"),
    ("한국", "가", "한국이"),
    ("러시아", "이", "러시아가"),
    ("미국", "를", "미국을"),
    ("러시아", "을", "러시아를"),
    ("북한", "이나", "북한이나"),
    ("러시아", "이나", "러시아나"),
    ("통제관", "이다", "통제관이다"),
    # 으로/로: 로 after a vowel and after ㄹ, 으로 after any other consonant.
    ("도쿄", "으로", "도쿄로"),
    ("서울", "으로", "서울로"),
    ("평양", "로", "평양으로"),
    ("워싱턴", "로서", "워싱턴으로서"),
    # Both forms written out name the same pair.
    ("북한", "이/가", "북한이"),
    ("미국", "은/는", "미국은"),
    # Numbers read in Sino-Korean: 일 이 삼 ... 십 백 천 만.
    ("1", "로", "1로"),
    ("2", "을", "2를"),
    ("3", "로", "3으로"),
    ("5", "이", "5가"),
    ("6", "와", "6과"),
    ("8", "으로", "8로"),
    ("10", "와", "10과"),
    ("20", "는", "20은"),
    ("100", "가", "100이"),
    ("1000", "를", "1000을"),
    ("20000", "로", "20000으로"),
    ("0", "이", "0이"),
    ("0.6", "을", "0.6을"),
    ("턴 9", "와", "턴 9와"),
    # Acronyms read letter by letter: only 엘 엠 엔 알 end in a consonant.
    ("ICBM", "를", "ICBM을"),
    ("NCG", "을", "NCG를"),
    ("KMPR", "으로", "KMPR로"),
    ("EDD", "와", "EDD와"),
    ("CVID", "은", "CVID는"),
    ("NPT", "이", "NPT가"),
    # A parenthesis is read by the word before it; quotes and full stops are not read.
    ("대량응징보복(KMPR)", "를", "대량응징보복(KMPR)을"),
    ("군사분계선(MDL) 우발 충돌 방지", "가", "군사분계선(MDL) 우발 충돌 방지가"),
    ("소극적 안전보장(NSA)", "와", "소극적 안전보장(NSA)과"),
    ("'핵 발사'", "로", "'핵 발사'로"),
    ("“자유의 방패”", "을", "“자유의 방패”를"),
    ("(행동 없음)", "을", "(행동 없음)을"),
    ("미국.", "은", "미국.은"),
    # English words, guessed from their ending; anything else takes the vowel form.
    ("team", "은", "team은"),
    ("Kate", "은", "Kate는"),
    ("Seminar 3", "을", "Seminar 3을"),
    ("田中", "은", "田中는"),
    ("", "이", "가"),
]


@pytest.mark.parametrize(("word", "form", "expected"), CASES)
def test_it_attaches_the_form_the_word_calls_for(word: str, form: str, expected: str) -> None:
    assert with_particle(word, form) == expected


@pytest.mark.parametrize(
    ("word", "final"),
    [
        ("한", 4),
        ("가", 0),
        ("일", 8),
        ("3", 16),
        ("10", 17),
        ("ICBM", 16),
        ("SRBM", 16),
        ("?", None),
    ],
)
def test_it_reads_the_final_consonant(word: str, final: int | None) -> None:
    assert final_consonant(word) == final


def test_a_form_that_is_no_particle_is_left_as_it_is() -> None:
    assert particle("북한", "의") == "의"
    assert particle("북한", "에서") == "에서"


@pytest.mark.parametrize(
    ("template", "values", "expected"),
    [
        ("{a:와} {b} 사이", {"a": "북한", "b": "한국"}, "북한과 한국 사이"),
        ("{a:와} {b} 사이", {"a": "러시아", "b": "한국"}, "러시아와 한국 사이"),
        ("{team:은} 결정했다", {"team": "미국"}, "미국은 결정했다"),
        ("{team:은} 결정했다", {"team": "러시아"}, "러시아는 결정했다"),
        ("'{label:'로} 오인", {"label": "핵 발사"}, "'핵 발사'로 오인"),
        ("'{label:'로} 오인", {"label": "ICBM 시험발사"}, "'ICBM 시험발사'로 오인"),
        ("{turn}턴, {n:>3}", {"turn": 4, "n": 7}, "4턴,   7"),
        ("Turn {turn}: {a} and {b}", {"turn": 2, "a": "US", "b": "DPRK"}, "Turn 2: US and DPRK"),
    ],
)
def test_it_formats_templates_with_particle_specs(
    template: str, values: dict[str, object], expected: str
) -> None:
    assert format_with_particles(template, **values) == expected


def test_a_placeholder_without_a_particle_formats_as_str_format_does() -> None:
    template = "{x:.2f} {y!r} {z}"
    assert format_with_particles(template, x=0.5, y="a", z=3) == template.format(x=0.5, y="a", z=3)
