"""Output shapes for the OpenAPI document (CONTRACT.md, Shapes). Views build the bodies in the
selectors; these serializers only describe them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ErrorDetailShape(serializers.Serializer[Any]):
    # "fields" is the contract's key, and also a Serializer attribute: declared here instead.
    def get_fields(self) -> dict[str, Any]:
        return {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()), required=False
            ),
            "details": serializers.ListField(child=serializers.DictField(), required=False),
        }


class ErrorShape(serializers.Serializer[Any]):
    error = ErrorDetailShape()


class TeamShape(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    ai = serializers.BooleanField()
    connected = serializers.IntegerField()
    submitted = serializers.BooleanField()


class ExerciseShape(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    scenario = serializers.CharField()
    status = serializers.ChoiceField(choices=["draft", "lobby", "running", "paused", "ended"])
    turn = serializers.IntegerField(allow_null=True)
    phase = serializers.CharField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    remaining_seconds = serializers.IntegerField(allow_null=True)
    language = serializers.CharField()
    seed = serializers.IntegerField(allow_null=True, help_text="Control only; null for others.")
    auto_advance = serializers.BooleanField()
    teams = TeamShape(many=True)
    join_codes = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Facilitators only."
    )


class JoinShape(serializers.Serializer[Any]):
    participant_id = serializers.IntegerField()
    token = serializers.CharField()
    exercise = serializers.IntegerField()
    team = serializers.CharField(allow_null=True)
    role = serializers.ChoiceField(choices=["player", "observer"])


class ActionChoiceShape(serializers.Serializer[Any]):
    action = serializers.CharField()
    target = serializers.CharField(required=False, allow_null=True)
    params = serializers.DictField(required=False)


class AuthorShape(serializers.Serializer[Any]):
    participant_id = serializers.IntegerField(allow_null=True)
    display_name = serializers.CharField()
    bot = serializers.BooleanField(
        required=False, help_text="Written by the bot that plays the team (pages name it so)."
    )


class DecisionShape(serializers.Serializer[Any]):
    turn = serializers.IntegerField()
    team = serializers.CharField()
    status = serializers.ChoiceField(choices=["none", "draft", "submitted"])
    version = serializers.IntegerField()
    actions = ActionChoiceShape(many=True)
    rationale = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    updated_by = AuthorShape(allow_null=True)


class ActionShape(serializers.Serializer[Any]):
    id = serializers.CharField()
    category = serializers.CharField()
    title = serializers.CharField()
    help = serializers.CharField()
    targets = serializers.ListField(child=serializers.CharField())
    params = serializers.DictField()
    joint = serializers.BooleanField()


class EventShape(serializers.Serializer[Any]):
    seq = serializers.IntegerField()
    type = serializers.CharField()
    at = serializers.DateTimeField()
    payload = serializers.JSONField()


class ChannelShape(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["team", "allied", "hotline", "control"])
    name = serializers.CharField()
    members = serializers.ListField(child=serializers.CharField())
    open = serializers.BooleanField()
    state = serializers.CharField(required=False)


class MessageAuthorShape(AuthorShape):
    team = serializers.CharField(allow_null=True)


class MessageShape(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    channel = serializers.IntegerField()
    author = MessageAuthorShape()
    body = serializers.CharField()
    at = serializers.DateTimeField()


class StatementShape(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    team = serializers.CharField()
    author = AuthorShape()
    body = serializers.CharField()
    at = serializers.DateTimeField()


def page_of(name: str, item: type[serializers.Serializer[Any]]) -> serializers.Serializer[Any]:
    from drf_spectacular.utils import inline_serializer

    return inline_serializer(
        name, {"results": item(many=True), "next": serializers.URLField(allow_null=True)}
    )
