"""Playing: the state as the caller may know it, actions, decisions, the event stream, talk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import request_principal
from wargame.api.paging import cursor_page
from wargame.api.shapes import (
    ActionChoiceShape,
    ActionShape,
    AgreementShape,
    ChannelShape,
    DecisionShape,
    ErrorShape,
    EventShape,
    MessageShape,
    StatementShape,
    page_of,
)
from wargame.exercises.selectors.events import events_since_for
from wargame.exercises.selectors.reads import (
    actions_available,
    agreements_visible,
    channels_for,
    decision_for,
    decision_read,
    messages_for,
    state_for,
    statements_for,
)
from wargame.exercises.services.beliefs import belief_payload, beliefs_save
from wargame.exercises.services.decisions import decision_save, decision_submit
from wargame.exercises.services.messages import message_post, statement_post
from wargame.exercises.shapes import EventBody, message_payload, statement_payload

if TYPE_CHECKING:
    from rest_framework.request import Request

ERRORS = {
    400: ErrorShape,
    401: ErrorShape,
    403: ErrorShape,
    404: ErrorShape,
    409: ErrorShape,
    423: ErrorShape,
}
TEAM_PARAM = OpenApiParameter("team", str, description="Control only: a bot-played team's code.")


class StateView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def get(self, request: Request, exercise_id: int) -> Response:
        return Response(state_for(request_principal(request, exercise_id)))


class ActionsView(APIView):
    @extend_schema(responses={200: page_of("ActionList", ActionShape), **ERRORS})
    def get(self, request: Request, exercise_id: int) -> Response:
        actions = actions_available(request_principal(request, exercise_id))
        return Response({"results": actions, "next": None})


class DecisionView(APIView):
    class DecisionInput(serializers.Serializer[Any]):
        actions = ActionChoiceShape(many=True)
        rationale = serializers.CharField(
            allow_blank=True, default="", max_length=4000, trim_whitespace=False
        )
        client_key = serializers.CharField(max_length=64)
        expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=0)

    @extend_schema(parameters=[TEAM_PARAM], responses={200: DecisionShape, **ERRORS})
    def get(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        team = request.query_params.get("team")
        return Response(decision_for(principal, turn=turn, team=team))

    @extend_schema(
        parameters=[TEAM_PARAM], request=DecisionInput, responses={200: DecisionShape, **ERRORS}
    )
    def put(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = self.DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        decision = decision_save(
            principal=principal,
            turn=turn,
            actions=request.data.get("actions"),
            rationale=given["rationale"],
            client_key=given["client_key"],
            expected_version=given.get("expected_version"),
            now=timezone.now(),
            team=request.query_params.get("team"),
        )
        return Response(decision_read(principal, decision))


class DecisionSubmitView(APIView):
    class DecisionSubmitInput(serializers.Serializer[Any]):
        client_key = serializers.CharField(max_length=64, required=False)

    @extend_schema(
        parameters=[TEAM_PARAM],
        request=DecisionSubmitInput,
        responses={200: DecisionShape, **ERRORS},
    )
    def post(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        self.DecisionSubmitInput(data=request.data).is_valid(raise_exception=True)
        decision = decision_submit(
            principal=principal,
            turn=turn,
            now=timezone.now(),
            team=request.query_params.get("team"),
        )
        return Response(decision_read(principal, decision))


class BeliefsView(APIView):
    class BeliefsInput(serializers.Serializer[Any]):
        answers = serializers.DictField(help_text="Question id to answer (null leaves it out).")
        expected_version = serializers.IntegerField(
            required=False,
            allow_null=True,
            min_value=0,
            help_text="The version these answers were made from: 409 if a teammate saved since.",
        )

    @extend_schema(request=BeliefsInput, responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def put(self, request: Request, exercise_id: int, turn: int) -> Response:
        """A team member's answers to the scenario's belief questionnaire for the current turn,
        during deliberation; they replace the team's earlier answers."""
        principal = request_principal(request, exercise_id)
        given = self.BeliefsInput(data=request.data)
        given.is_valid(raise_exception=True)
        row = beliefs_save(
            principal=principal,
            turn=turn,
            answers=request.data.get("answers"),
            now=timezone.now(),
            expected_version=given.validated_data.get("expected_version"),
        )
        return Response(belief_payload(row))


class EventListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("since", int, description="The last seq you have."),
            OpenApiParameter("limit", int),
        ],
        responses={200: page_of("EventList", EventShape), **ERRORS},
    )
    def get(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)

        def fetch(since: int, limit: int) -> list[EventBody]:
            events = events_since_for(
                exercise_id=exercise_id, view=principal.view, since=since, limit=limit
            )
            return [event.as_frame() for event in events]

        return cursor_page(request, fetch, cursor="since", key="seq")


class ChannelListView(APIView):
    @extend_schema(responses={200: page_of("ChannelList", ChannelShape), **ERRORS})
    def get(self, request: Request, exercise_id: int) -> Response:
        return Response(
            {"results": channels_for(request_principal(request, exercise_id)), "next": None}
        )


class TalkInput(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=4000)
    client_key = serializers.CharField(max_length=64)


# Channel ids count within their exercise, message ids within their channel (docs/interface.md#ids).
CHANNEL_NUMBER = OpenApiParameter(
    "channel_id",
    int,
    OpenApiParameter.PATH,
    description="The channel's number within the exercise.",
)


class MessageListView(APIView):
    @extend_schema(
        parameters=[
            CHANNEL_NUMBER,
            OpenApiParameter(
                "after", int, description="Messages numbered above this one (within the channel)."
            ),
            OpenApiParameter("limit", int),
        ],
        responses={200: page_of("MessageList", MessageShape), **ERRORS},
    )
    def get(self, request: Request, exercise_id: int, channel_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        return cursor_page(
            request,
            lambda after, limit: messages_for(
                principal, channel_number=channel_id, after=after, limit=limit
            ),
            cursor="after",
            key="id",
        )

    @extend_schema(
        parameters=[CHANNEL_NUMBER],
        request=TalkInput,
        responses={200: MessageShape, 201: MessageShape, **ERRORS},
    )
    def post(self, request: Request, exercise_id: int, channel_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = TalkInput(data=request.data)
        data.is_valid(raise_exception=True)
        message, created = message_post(
            principal=principal, channel_number=channel_id, **data.validated_data
        )
        return Response(message_payload(message), status=201 if created else 200)


class StatementListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("after", int), OpenApiParameter("limit", int)],
        responses={200: page_of("StatementList", StatementShape), **ERRORS},
    )
    def get(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        return cursor_page(
            request,
            lambda after, limit: statements_for(principal, after=after, limit=limit),
            cursor="after",
            key="id",
        )

    @extend_schema(
        request=TalkInput, responses={200: StatementShape, 201: StatementShape, **ERRORS}
    )
    def post(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = TalkInput(data=request.data)
        data.is_valid(raise_exception=True)
        statement, created = statement_post(principal=principal, **data.validated_data)
        return Response(statement_payload(statement), status=201 if created else 200)


class AgreementListView(APIView):
    @extend_schema(responses={200: page_of("AgreementList", AgreementShape), **ERRORS})
    def get(self, request: Request, exercise_id: int) -> Response:
        agreements = agreements_visible(request_principal(request, exercise_id))
        return Response({"results": agreements, "next": None})
