"""How API callers prove who they are, and which principal that makes them in an exercise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions

from wargame.exercises.models import Participant
from wargame.exercises.principals import (
    PARTICIPANT_COOKIE,
    Principal,
    participant_for_token,
    principal_for,
)

if TYPE_CHECKING:
    from rest_framework.request import Request


class ParticipantUser(AnonymousUser):
    """request.user for a participant: authenticated, but no account and no permissions."""

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    @property
    def is_anonymous(self) -> bool:  # type: ignore[override]
        return False


class ParticipantAuthentication(authentication.BaseAuthentication):
    """``Authorization: Participant <token>``; browsers send the token as a cookie instead."""

    keyword = "Participant"

    def authenticate(self, request: Request) -> tuple[ParticipantUser, Participant] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if header and header[0] == self.keyword:
            if len(header) != 2:
                raise exceptions.AuthenticationFailed("Malformed Participant header.")
            return self._seat(header[1])
        cookie = request._request.COOKIES.get(PARTICIPANT_COOKIE)
        if cookie:
            seat = self._seat(cookie)
            # A cookie is an ambient credential: writes carrying it need the CSRF token too.
            authentication.SessionAuthentication().enforce_csrf(request)
            return seat
        return None

    def _seat(self, token: str) -> tuple[ParticipantUser, Participant]:
        participant = participant_for_token(token)
        if participant is None:
            raise exceptions.AuthenticationFailed("This participant token is not valid.")
        return ParticipantUser(), participant

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def request_principal(request: Request, exercise_id: int) -> Principal:
    """The caller in this exercise, or NotFound (never revealing that a hidden one exists)."""
    auth: Any = request.auth
    if isinstance(auth, Participant):
        return principal_for(exercise_id=exercise_id, participant=auth)
    return principal_for(exercise_id=exercise_id, user=request.user)


def facilitator_user(request: Request) -> Any:
    """The account behind a facilitator request: 401 without credentials, 403 for a participant."""
    if isinstance(request.auth, Participant):
        raise exceptions.PermissionDenied("This needs a facilitator account.")
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return request.user
