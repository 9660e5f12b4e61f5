"""The facilitator's review: the proposal, overrides with reasons, reroll, publish."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import request_principal
from wargame.api.shapes import ErrorShape, PendingShape, ProposalShape
from wargame.exercises.selectors.reads import adjudication_for
from wargame.exercises.services.review import (
    adjudication_override,
    adjudication_publish,
    adjudication_reroll,
)
from wargame.exercises.shapes import proposal_payload

if TYPE_CHECKING:
    from rest_framework.request import Request

ERRORS = {400: ErrorShape, 401: ErrorShape, 403: ErrorShape, 404: ErrorShape, 409: ErrorShape}


class OverrideShape(serializers.Serializer[Any]):
    path = serializers.CharField(help_text="A JSON Pointer into the proposal: /state/rung/DPRK/ROK")
    value = serializers.JSONField()
    reason = serializers.CharField(max_length=2000)


class AdjudicationView(APIView):
    class OverridesInput(serializers.Serializer[Any]):
        overrides = OverrideShape(many=True)

    @extend_schema(responses={200: ProposalShape, 202: PendingShape, **ERRORS})
    def get(self, request: Request, exercise_id: int, turn: int) -> Response:
        proposal = adjudication_for(request_principal(request, exercise_id), turn=turn)
        if proposal is None:
            return Response({"status": "pending"}, status=202)
        return Response(proposal)

    @extend_schema(request=OverridesInput, responses={200: ProposalShape, **ERRORS})
    def patch(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        self.OverridesInput(data=request.data).is_valid(raise_exception=True)
        adjudication = adjudication_override(
            principal=principal, turn=turn, overrides=request.data.get("overrides")
        )
        return Response(proposal_payload(adjudication))


class RerollView(APIView):
    class RerollInput(serializers.Serializer[Any]):
        seed = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=2**62
        )

    @extend_schema(request=RerollInput, responses={200: ProposalShape, **ERRORS})
    def post(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = self.RerollInput(data=request.data)
        data.is_valid(raise_exception=True)
        adjudication = adjudication_reroll(
            principal=principal, turn=turn, seed=data.validated_data.get("seed")
        )
        return Response(proposal_payload(adjudication))


class PublishView(APIView):
    class PublishInput(serializers.Serializer[Any]):
        approve_nuclear = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        request=PublishInput,
        responses={200: ProposalShape, **ERRORS},
        description=(
            "Control gets the published proposal. The player of a practice game, who publishes "
            "its own game's proposals, gets only `{turn, status}`: the proposal is control's "
            "truth (every team's perceptions, the state), which a team never reads."
        ),
    )
    def post(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = self.PublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        adjudication = adjudication_publish(
            principal=principal,
            turn=turn,
            approve_nuclear=data.validated_data["approve_nuclear"],
        )
        if not principal.is_control:
            return Response({"turn": turn, "status": adjudication.status})
        return Response(proposal_payload(adjudication))
