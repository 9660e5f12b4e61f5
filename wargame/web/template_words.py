"""Template filters for words the pages build from data: who wrote a message or a statement.
Load with ``{% load words %}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def author_name(author: Any) -> str:
    """A message's or statement's author as a reader names them: the bot that plays a team is
    its AI stand-in and control is Control, in the reader's language; a person by their name."""
    if not isinstance(author, Mapping):
        return ""
    if author.get("bot"):
        return _("AI stand-in")
    if author.get("participant_id") is None and not author.get("team"):
        return _("Control")
    return str(author.get("display_name") or "")
