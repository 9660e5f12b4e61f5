"""Scenarios: the built-ins for anyone, a facilitator's own uploads, and validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import facilitator_user
from wargame.api.shapes import ErrorShape, ScenarioCheckedShape, ScenarioShape, page_of
from wargame.exercises.errors import InvalidScenario
from wargame.exercises.models import Participant
from wargame.exercises.selectors.scenarios import (
    scenario_summary,
    scenario_visible,
    scenarios_visible,
)
from wargame.exercises.services.scenarios import scenario_checked, scenario_upload
from wargame.languages import language_or_fallback

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from rest_framework.request import Request


class YamlTextParser(BaseParser):
    """Hands the view the YAML text itself: the engine's loader parses it safely, with lines."""

    media_type = "application/yaml"

    # The text itself rather than a mapping: the engine's loader parses it, with line numbers.
    def parse(  # type: ignore[override]
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> str:
        raw = stream.read() if stream is not None else b""
        try:
            return str(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InvalidScenario(
                _("The scenario must be UTF-8 text."),
                details=[{"line": 1, "column": 1, "path": "", "message": "not UTF-8"}],
            ) from exc


def _language(request: Request) -> str:
    return language_or_fallback(getattr(request._request, "LANGUAGE_CODE", None))


def _account(request: Request) -> User | AnonymousUser | None:
    """The facilitator account asking, whose uploads it may see; None for anyone else (a
    participant, or no one signed in)."""
    if isinstance(request.auth, Participant) or not request.user.is_authenticated:
        return None
    return request.user


class ScenarioListView(APIView):
    permission_classes = (AllowAny,)
    parser_classes = (YamlTextParser,)

    @extend_schema(
        operation_id="scenarios_list", responses={200: page_of("ScenarioList", ScenarioShape)}
    )
    def get(self, request: Request) -> Response:
        lang = _language(request)
        found = scenarios_visible(_account(request))
        return Response({"results": [scenario_summary(s, lang) for s in found], "next": None})

    @extend_schema(
        request={"application/yaml": OpenApiTypes.STR},
        responses={201: ScenarioShape, **dict.fromkeys((400, 401, 403, 413), ErrorShape)},
    )
    def post(self, request: Request) -> Response:
        user = facilitator_user(request)
        text = request.data if isinstance(request.data, str) else ""
        scenario = scenario_upload(user=user, text=text)
        return Response(scenario_summary(scenario, _language(request)), status=201)


class ScenarioValidateView(APIView):
    parser_classes = (YamlTextParser,)

    @extend_schema(
        request={"application/yaml": OpenApiTypes.STR},
        responses={200: ScenarioCheckedShape, **dict.fromkeys((400, 401, 403, 413), ErrorShape)},
    )
    def post(self, request: Request) -> Response:
        facilitator_user(request)
        text = request.data if isinstance(request.data, str) else ""
        scenario = scenario_checked(text)
        return Response({"valid": True, "summary": scenario_summary(scenario, _language(request))})


class ScenarioDetailView(APIView):
    permission_classes = (AllowAny,)

    @extend_schema(responses={200: ScenarioShape, 404: ErrorShape})
    def get(self, request: Request, slug: str) -> Response:
        scenario = scenario_visible(_account(request), slug)
        return Response(scenario_summary(scenario, _language(request)))
