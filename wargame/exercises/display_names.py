"""What a participant may call themselves: a name others can see and that cannot pass for the
facilitator.

Refused: control characters (a NUL cannot even be stored by PostgreSQL), a name made only of
invisible characters (zero-width spaces, joiners, marks), and the facilitator's titles in any of
the interface's languages, compared without case, width or invisible characters, so "Control"
in full-width letters and "Con<zero-width space>trol" are refused too.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from wargame.exercises.errors import InvalidInput

MAX_LENGTH = 80
# Format characters (zero-width space/joiners, bidi controls), separators and combining marks.
INVISIBLE = frozenset({"Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
# The facilitator's titles, in English; their translations are added from the catalogues.
RESERVED_TITLES = ("Control", "Facilitator", "Admin", "Administrator", "System")


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(c for c in folded if unicodedata.category(c) not in INVISIBLE)


def reserved_names() -> frozenset[str]:
    names = {_key(title) for title in RESERVED_TITLES}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            names.update(_key(translation.gettext(title)) for title in RESERVED_TITLES)
    return frozenset(names)


def display_name_clean(raw: str) -> str:
    """The name to store, or InvalidInput on ``display_name`` saying what is wrong."""
    name = unicodedata.normalize("NFC", raw).strip()
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidInput.on(
            "display_name", _("A display name cannot contain control characters.")
        )
    if not name or len(name) > MAX_LENGTH or not _key(name):
        raise InvalidInput.on("display_name", _("Give a display name of 1 to 80 characters."))
    if _key(name) in reserved_names():
        raise InvalidInput.on(
            "display_name", _("This name belongs to the facilitator. Choose another.")
        )
    return name
