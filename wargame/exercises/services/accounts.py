"""A facilitator's API token for a username and password (``POST auth/token/``,
docs/interface.md#authentication).

Attempts are counted, and refused with 429 past the limits, before they reach here, by the
sign-in throttle the sign-in pages share (``wargame.api.signin_throttle``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from wargame.exercises.errors import InvalidInput

if TYPE_CHECKING:
    from django.http import HttpRequest


def facilitator_token(*, username: str, password: str, request: HttpRequest | None = None) -> str:
    """The account's token (made the first time it is asked for)."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise InvalidInput.on("password", _("Unknown username or wrong password."))
    token, _created = Token.objects.get_or_create(user=user)
    return str(token.key)
