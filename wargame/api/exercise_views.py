"""Exercises: create, list, read, co-facilitators, commands, joining, facilitator tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import facilitator_user, request_principal
from wargame.api.shapes import ErrorShape, ExerciseShape, JoinShape, TokenShape, page_of
from wargame.exercises.models import LABEL_LENGTH, Exercise, Participant
from wargame.exercises.principals import Principal, principal_for
from wargame.exercises.selectors.reads import exercise_payload, exercises_for_user
from wargame.exercises.services.accounts import facilitator_token
from wargame.exercises.services.exercises import exercise_create, facilitator_add
from wargame.exercises.services.joining import participant_join
from wargame.exercises.services.lifecycle import NOT_GIVEN, exercise_command
from wargame.exercises.shapes import seat_body
from wargame.languages import FALLBACK, LANGUAGES

if TYPE_CHECKING:
    from rest_framework.request import Request

ERRORS = {400: ErrorShape, 401: ErrorShape, 403: ErrorShape, 404: ErrorShape, 409: ErrorShape}


class ExerciseListView(APIView):
    class ExerciseCreateInput(serializers.Serializer[Any]):
        scenario = serializers.CharField(max_length=100)
        title = serializers.CharField(max_length=200)
        language = serializers.ChoiceField(choices=list(LANGUAGES), default=FALLBACK)
        seed = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
        deliberation_minutes = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=24 * 60
        )
        ai_teams = serializers.ListField(
            child=serializers.CharField(max_length=8), required=False, default=list
        )
        cut = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        cohort = serializers.CharField(
            max_length=LABEL_LENGTH, required=False, allow_blank=True, default=""
        )
        condition = serializers.CharField(
            max_length=LABEL_LENGTH, required=False, allow_blank=True, default=""
        )

    @extend_schema(request=ExerciseCreateInput, responses={201: ExerciseShape, **ERRORS})
    def post(self, request: Request) -> Response:
        user = facilitator_user(request)
        data = self.ExerciseCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        exercise = exercise_create(user=user, **data.validated_data)
        principal = Principal(exercise_id=exercise.pk, view="control", user=user)
        return Response(exercise_payload(exercise, principal), status=201)

    @extend_schema(
        operation_id="exercises_list",
        responses={
            401: ErrorShape,
            200: page_of("ExerciseList", ExerciseShape),
        },
    )
    def get(self, request: Request) -> Response:
        if isinstance(request.auth, Participant):
            exercises = [request.auth.exercise]
            principals = [
                principal_for(exercise_id=request.auth.exercise_id, participant=request.auth)
            ]
        else:
            exercises = exercises_for_user(request.user)  # type: ignore[arg-type]
            principals = [
                Principal(exercise_id=e.pk, view="control", user=request.user)  # type: ignore[arg-type]
                for e in exercises
            ]
        results = [exercise_payload(e, p) for e, p in zip(exercises, principals, strict=True)]
        return Response({"results": results, "next": None})


class ExerciseDetailView(APIView):
    @extend_schema(responses={200: ExerciseShape, **ERRORS})
    def get(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        exercise = Exercise.objects.get(pk=exercise_id)
        return Response(exercise_payload(exercise, principal))


class FacilitatorAddView(APIView):
    class FacilitatorAddInput(serializers.Serializer[Any]):
        username = serializers.CharField(max_length=150)

    @extend_schema(request=FacilitatorAddInput, responses={200: ExerciseShape, **ERRORS})
    def post(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = self.FacilitatorAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        exercise = facilitator_add(principal=principal, username=data.validated_data["username"])
        return Response(exercise_payload(exercise, principal))


class CommandView(APIView):
    class CommandInput(serializers.Serializer[Any]):
        command = serializers.CharField(max_length=40)
        args = serializers.DictField(required=False, default=dict)
        expected_turn = serializers.IntegerField(required=False, allow_null=True)
        expected_phase = serializers.CharField(required=False, allow_null=True)

    @extend_schema(request=CommandInput, responses={200: ExerciseShape, 423: ErrorShape, **ERRORS})
    def post(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = self.CommandInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        exercise = exercise_command(
            principal=principal,
            command=given["command"],
            args=given["args"],
            expected_turn=given.get("expected_turn", NOT_GIVEN),
            expected_phase=given.get("expected_phase", NOT_GIVEN),
        )
        exercise.refresh_from_db()
        return Response(exercise_payload(exercise, principal))


def _client_address(request: Request) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


class JoinView(APIView):
    """Join with a code: no account. A request that carries any cookie must carry the CSRF
    token; one sent without cookies carries no ambient credential and needs none."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    class JoinInput(serializers.Serializer[Any]):
        code = serializers.CharField(max_length=32)
        display_name = serializers.CharField(max_length=80)

    @extend_schema(
        request=JoinInput,
        responses={201: JoinShape, 423: ErrorShape, 429: ErrorShape, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        if request._request.COOKIES:
            SessionAuthentication().enforce_csrf(request)
        data = self.JoinInput(data=request.data)
        data.is_valid(raise_exception=True)
        seat = participant_join(address=_client_address(request), **data.validated_data)
        return Response(seat_body(seat.participant, seat.token), status=201)


class TokenObtainView(APIView):
    """A facilitator's username and password for an API token; wrong ones are rate-limited."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    class TokenInput(serializers.Serializer[Any]):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=4096, trim_whitespace=False)

    @extend_schema(
        request=TokenInput,
        responses={
            200: TokenShape,
            400: ErrorShape,
            429: ErrorShape,
        },
    )
    def post(self, request: Request) -> Response:
        # Attempts are counted and refused with 429 by SignInThrottleMiddleware, shared with
        # the sign-in pages.
        data = self.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        token = facilitator_token(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            request=request._request,
        )
        return Response({"token": token})
