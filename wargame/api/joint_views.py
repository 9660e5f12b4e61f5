"""Joint actions: the proposals of a turn the caller may see, proposing one, joining one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import request_principal
from wargame.api.shapes import ErrorShape, JointShape, page_of
from wargame.exercises.selectors.joint import joint_proposals_for
from wargame.exercises.services.joint import joint_join, joint_propose
from wargame.exercises.shapes import joint_payload

if TYPE_CHECKING:
    from rest_framework.request import Request

ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 423), ErrorShape)


class JointListView(APIView):
    class ProposeInput(serializers.Serializer[Any]):
        action = serializers.CharField(max_length=64)
        target = serializers.CharField(max_length=8, required=False, allow_null=True)
        params = serializers.DictField(required=False, default=dict)

    @extend_schema(responses={200: page_of("JointList", JointShape), **ERRORS})
    def get(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        return Response({"results": joint_proposals_for(principal, turn=turn), "next": None})

    @extend_schema(request=ProposeInput, responses={200: JointShape, 201: JointShape, **ERRORS})
    def post(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = self.ProposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        proposal, created = joint_propose(
            principal=principal,
            turn=turn,
            action=given["action"],
            target=given.get("target"),
            params=given["params"],
            now=timezone.now(),
        )
        return Response(joint_payload(proposal), status=201 if created else 200)


class JointJoinView(APIView):
    class JointJoinInput(serializers.Serializer[Any]):
        team = serializers.CharField(max_length=8, help_text="The proposing team.")
        action = serializers.CharField(max_length=64)

    @extend_schema(request=JointJoinInput, responses={200: JointShape, **ERRORS})
    def post(self, request: Request, exercise_id: int, turn: int) -> Response:
        principal = request_principal(request, exercise_id)
        data = self.JointJoinInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = joint_join(
            principal=principal, turn=turn, now=timezone.now(), **data.validated_data
        )
        return Response(joint_payload(proposal))
