"""An exercise's facilitators: list them, add one by username, remove one by id.

Adding by username answers the same whether the account exists or not, and every addition counts
against the caller's account (``limiter_take``, atomic as the join-code limiter is): a facilitator
cannot sweep the user list by asking, nor quickly by adding and then reading the list.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import facilitator_user, request_principal
from wargame.api.exercise_views import ERRORS, FacilitatorAddView
from wargame.api.shapes import ErrorShape, ExerciseShape, FacilitatorShape
from wargame.exercises.errors import NotPermitted, RateLimited
from wargame.exercises.selectors.access import facilitators_of
from wargame.exercises.services.limiter import limiter_take
from wargame.exercises.services.revocation import facilitator_remove

if TYPE_CHECKING:
    from rest_framework.request import Request

# Additions a facilitator may ask for, per account, per hour.
LOOKUP_WINDOW_SECONDS = 3600


def _control_only(request: Request, exercise_id: int) -> None:
    if not request_principal(request, exercise_id).is_control:
        raise NotPermitted(_("Only the exercise's facilitators may do this."))


class FacilitatorsView(FacilitatorAddView):
    @extend_schema(responses={200: FacilitatorShape(many=True), **ERRORS})
    def get(self, request: Request, exercise_id: int) -> Response:
        _control_only(request, exercise_id)
        return Response(facilitators_of(exercise_id))

    @extend_schema(
        request=FacilitatorAddView.FacilitatorAddInput,
        responses={200: ExerciseShape, 429: ErrorShape, **ERRORS},
    )
    def post(self, request: Request, exercise_id: int) -> Response:
        _control_only(request, exercise_id)
        user = facilitator_user(request)
        keys = ((f"facilitator-add:user:{user.pk}", settings.JOIN_FAILURES_PER_ADDRESS),)
        now = time.time()
        verdict = limiter_take(keys=keys, window_seconds=LOOKUP_WINDOW_SECONDS, now=now)
        if not verdict.allowed:
            raise RateLimited(
                _("Too many facilitators added. Try again in %(n)d seconds.")
                % {"n": verdict.retry_after},
                retry_after=verdict.retry_after,
            )
        # Every addition counts, known username or not: releasing the known ones would tell them
        # apart by the limit.
        return super().post(request, exercise_id)


class FacilitatorRemoveView(APIView):
    @extend_schema(request=None, responses={204: None, **ERRORS})
    def delete(self, request: Request, exercise_id: int, user_id: int) -> Response:
        facilitator_remove(principal=request_principal(request, exercise_id), user_id=user_id)
        return Response(status=204)
