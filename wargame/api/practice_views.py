"""Solo practice: no account, one team played by the caller, the others by bots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.shapes import ErrorShape, PracticeShape
from wargame.exercises.principals import principal_for
from wargame.exercises.selectors.reads import exercise_payload
from wargame.exercises.services.practice import practice_create
from wargame.languages import FALLBACK, LANGUAGES

if TYPE_CHECKING:
    from rest_framework.request import Request


class PracticeView(APIView):
    """Like joining, it needs no credentials: a request with cookies must carry the CSRF token."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    class PracticeInput(serializers.Serializer[Any]):
        scenario = serializers.CharField(max_length=100)
        team = serializers.CharField(max_length=8)
        language = serializers.ChoiceField(choices=list(LANGUAGES), default=FALLBACK)

    @extend_schema(
        request=PracticeInput,
        responses={
            201: PracticeShape,
            400: ErrorShape,
            429: ErrorShape,
        },
    )
    def post(self, request: Request) -> Response:
        if request._request.COOKIES:
            SessionAuthentication().enforce_csrf(request)
        data = self.PracticeInput(data=request.data)
        data.is_valid(raise_exception=True)
        seat = practice_create(
            address=str(request.META.get("REMOTE_ADDR") or "unknown"), **data.validated_data
        )
        exercise = seat.participant.exercise
        exercise.refresh_from_db()
        principal = principal_for(exercise_id=exercise.pk, participant=seat.participant)
        return Response(
            {"exercise": exercise_payload(exercise, principal), "token": seat.token}, status=201
        )
