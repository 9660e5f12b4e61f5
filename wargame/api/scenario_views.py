"""Scenarios: the built-ins for anyone, a facilitator's own uploads, and validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wargame.api.auth import facilitator_user
from wargame.api.shapes import ErrorShape, page_of
from wargame.engine.scenario import Scenario, ScenarioError, builtin_slugs, load_scenario_text
from wargame.exercises.errors import InvalidScenario, NotFound
from wargame.exercises.models import ScenarioUpload
from wargame.exercises.scenarios import builtin_text, scenario_from_text
from wargame.exercises.selectors.scenarios import builtin_scenarios, scenario_summary

if TYPE_CHECKING:
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


class TeamSummaryShape(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class ScenarioShape(serializers.Serializer[Any]):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    teams = TeamSummaryShape(many=True)
    turns = serializers.IntegerField()
    languages = serializers.ListField(child=serializers.CharField())


def _language(request: Request) -> str:
    lang = str(getattr(request._request, "LANGUAGE_CODE", "en"))[:2]
    return lang if lang in ("en", "ja", "ko") else "en"


def _checked(text: str) -> Scenario:
    try:
        return load_scenario_text(text, source_name="upload.yaml")
    except ScenarioError as exc:
        raise InvalidScenario(
            str(exc),
            details=[{k: v for k, v in item.items() if k != "file"} for item in exc.details],
        ) from exc


def _slug_line(text: str) -> int:
    return next((n for n, line in enumerate(text.splitlines(), 1) if line.startswith("slug:")), 1)


def _uploads(request: Request) -> list[ScenarioUpload]:
    user = request.user
    if request.auth is not None and not hasattr(request.auth, "key"):
        return []  # a participant: built-ins only
    if not user.is_authenticated:
        return []
    return list(ScenarioUpload.objects.filter(owner_id=user.pk).order_by("slug"))


class ScenarioListView(APIView):
    permission_classes = (AllowAny,)
    parser_classes = (YamlTextParser,)

    @extend_schema(
        operation_id="scenarios_list", responses={200: page_of("ScenarioList", ScenarioShape)}
    )
    def get(self, request: Request) -> Response:
        lang = _language(request)
        found = builtin_scenarios()
        found += [
            scenario_from_text(u.text, source_name=f"{u.slug}.yaml") for u in _uploads(request)
        ]
        return Response({"results": [scenario_summary(s, lang) for s in found], "next": None})

    @extend_schema(
        request={"application/yaml": OpenApiTypes.STR},
        responses={201: ScenarioShape, **dict.fromkeys((400, 401, 403, 413), ErrorShape)},
    )
    def post(self, request: Request) -> Response:
        user = facilitator_user(request)
        text = request.data if isinstance(request.data, str) else ""
        scenario = _checked(text)
        if scenario.slug in builtin_slugs():
            raise InvalidScenario(
                _("A built-in scenario already has this slug."),
                details=[
                    {
                        "line": _slug_line(text),
                        "column": 1,
                        "path": "slug",
                        "message": f"'{scenario.slug}' is a built-in scenario's slug",
                    }
                ],
            )
        ScenarioUpload.objects.update_or_create(
            owner=user, slug=scenario.slug, defaults={"text": text}
        )
        return Response(scenario_summary(scenario, _language(request)), status=201)


class ScenarioValidateView(APIView):
    parser_classes = (YamlTextParser,)

    @extend_schema(
        request={"application/yaml": OpenApiTypes.STR},
        responses={200: OpenApiTypes.OBJECT, **dict.fromkeys((400, 401, 403, 413), ErrorShape)},
    )
    def post(self, request: Request) -> Response:
        facilitator_user(request)
        text = request.data if isinstance(request.data, str) else ""
        scenario = _checked(text)
        return Response({"valid": True, "summary": scenario_summary(scenario, _language(request))})


class ScenarioDetailView(APIView):
    permission_classes = (AllowAny,)

    @extend_schema(responses={200: ScenarioShape, 404: ErrorShape})
    def get(self, request: Request, slug: str) -> Response:
        if slug in builtin_slugs():
            text = builtin_text(slug)
        else:
            upload = next((u for u in _uploads(request) if u.slug == slug), None)
            if upload is None:
                raise NotFound(_("Scenario not found."))
            text = upload.text
        scenario = scenario_from_text(text, source_name=f"{slug}.yaml")
        return Response(scenario_summary(scenario, _language(request)))
