"""What a student reads about an action (its title and help, in every language) names things as
people do: no rule id (R06), no action or measure id (c.yongbyon), no section mark (§9), no
parameter written as code (`with`). The rules stand behind the help; docs/model.md cites them."""

from __future__ import annotations

import re

import pytest

from wargame.engine import load_catalogue
from wargame.languages import LANGUAGES

from .helpers import quiet_model

CATALOGUE = load_catalogue(quiet_model())
ENGINE_ID = re.compile(
    r"(?<![A-Za-z])R\d{2}(?!\d)"  # a rule
    r"|§"  # a section of the model
    r"|`"  # code: a parameter's name
    r"|(?<![A-Za-z.])[a-z]{1,2}\.[a-z][a-z_]+"  # an action or a measure: d.consult, c.yongbyon
)


def _ids_in(text: str) -> list[str]:
    found = ENGINE_ID.findall(text)
    found += [action for action in CATALOGUE.actions if action in text]
    return found


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("kind", ["title", "help"])
def test_no_action_title_or_help_names_an_engine_id(kind: str, lang: str) -> None:
    named = {
        action.id: ids
        for action in CATALOGUE.actions.values()
        if (ids := _ids_in(action.text(kind, lang)))
    }
    assert named == {}


def test_the_id_check_finds_each_kind_of_id() -> None:
    for text in (
        "costs assurance (R06).",
        "a violation of c.yongbyon",
        "needs control's approval (§9)",
        "partners named in `with`",
        "as d.consult does",
    ):
        assert _ids_in(text), text
    assert _ids_in("Track 1.5 then Track 1; Hanoi 2019; 0 routine, 1 heightened.") == []
