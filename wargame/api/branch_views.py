"""What-if branches: fork an exercise and compare two branches (CONTRACT.md), for facilitators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import request_principal
from wargame.api.shapes import ErrorShape
from wargame.exercises.errors import InvalidInput
from wargame.exercises.principals import Principal
from wargame.exercises.selectors.branches import compare_branches
from wargame.exercises.selectors.reads import exercise_payload
from wargame.exercises.services.branches import branch_fork
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from rest_framework.request import Request

    from wargame.exercises.models import Exercise

ERRORS = {400: ErrorShape, 401: ErrorShape, 404: ErrorShape, 409: ErrorShape}


def branch_payload(branch: Exercise, principal: Principal) -> dict[str, Any]:
    """The exercise as CONTRACT.md shapes it, with what makes it a branch."""
    viewer = Principal(exercise_id=branch.pk, view=CONTROL, user=principal.user)
    return {
        **exercise_payload(branch, viewer),
        "branch_of": branch.branch_of_id,
        "branch_from_turn": branch.branch_from_turn,
        "branch_log": branch.branch_log,
    }


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
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
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
        return Response(branch_payload(branch, principal), status=201)


class CompareView(APIView):
    @extend_schema(
        operation_id="exercises_compare",
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        description="Two branches side by side, turn by turn (facilitators of both).",
    )
    def get(self, request: Request, exercise_id: int, other_id: int) -> Response:
        principal = request_principal(request, exercise_id)
        return Response(compare_branches(principal, exercise_id, other_id))
