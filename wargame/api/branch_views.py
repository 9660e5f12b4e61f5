"""What-if branches: fork an exercise and compare two branches (docs/interface.md#endpoints), for
facilitators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import request_principal
from wargame.api.shapes import BranchShape, ComparisonShape, ErrorShape
from wargame.exercises.errors import InvalidInput
from wargame.exercises.selectors.branches import branch_body, compare_branches
from wargame.exercises.services.branches import branch_fork

if TYPE_CHECKING:
    from rest_framework.request import Request


ERRORS = {400: ErrorShape, 401: ErrorShape, 404: ErrorShape, 409: ErrorShape}


class ReplaceShape(serializers.Serializer[Any]):
    team = serializers.CharField(max_length=8)
    turn = serializers.IntegerField(min_value=1)
    actions = serializers.ListField(child=serializers.DictField())


class ForkView(APIView):
    class ForkInput(serializers.Serializer[Any]):
        from_turn = serializers.IntegerField(min_value=1)
        seed = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=2**62
        )
        replace = ReplaceShape(many=True, required=False)

    @extend_schema(
        operation_id="exercises_fork",
        request=ForkInput,
        responses={201: BranchShape, **ERRORS},
        description=(
            "A what-if branch, re-adjudicated to the original's last published turn with its "
            "recorded decisions (or the replacements given), its dice unless a seed is given; "
            "overrides are not carried over, decision points reuse the original's choice or hold "
            "at the threshold, and branch_log says which."
        ),
    )
    def post(self, request: Request, exercise_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        body = request.data
        if not isinstance(body, dict):
            raise InvalidInput.on("body", _("A JSON object is required."))
        replace = body.get("replace") or []
        if not isinstance(replace, list):
            raise InvalidInput.on("replace", _("A list of {team, turn, actions} is expected."))
        branch = branch_fork(
            principal=principal,
            from_turn=body.get("from_turn"),
            seed=body.get("seed"),
            replace=replace,
        )
        return Response(branch_body(branch, principal), status=201)


class CompareView(APIView):
    @extend_schema(
        operation_id="exercises_compare",
        responses={200: ComparisonShape, **ERRORS},
        description="Two branches side by side, turn by turn (facilitators of both).",
    )
    def get(self, request: Request, exercise_id: int, other_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        return Response(compare_branches(principal, exercise_id, other_id))
