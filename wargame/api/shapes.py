"""The OpenAPI document's shapes, written from the TypedDicts the selectors return
(``wargame.exercises.shapes``, ``wargame.exercises.events``): one source for each shape, so the
document cannot drift from what a client receives. A serializer here only describes; the bodies
are built by the selectors. (The error shape and the inputs are declared here directly.)"""

from __future__ import annotations

import functools
import types
import typing
from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from wargame.exercises import shapes
from wargame.exercises.events import (
    AgreementPayload,
    DecisionPayload,
    JointPayload,
    MessagePayload,
    ProposalPayload,
    StatementPayload,
)
from wargame.exercises.selectors.branches import Comparison

Serializer = serializers.Serializer[Any]
Field = serializers.Field[Any, Any, Any, Any]
# A suffix the document's names leave out: DecisionPayload is "Decision" there.
SUFFIXES = ("Payload", "Body")


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


def _name(shape: type) -> str:
    name = shape.__name__
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _field(annotation: object, *, required: bool = True, **options: Any) -> Field:
    """The serializer field that describes one TypedDict value."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.NotRequired:
        return _field(args[0], required=False, **options)
    if origin in (types.UnionType, typing.Union):
        present = [arg for arg in args if arg is not types.NoneType]
        if len(present) == 1:
            return _field(present[0], required=required, allow_null=True, **options)
        return serializers.JSONField(required=required, **options)
    options["required"] = required
    if origin is typing.Literal:
        return serializers.ChoiceField(choices=list(args), **options)
    if origin is list:
        (item,) = args
        if typing.is_typeddict(item):
            return shape_serializer(item)(many=True, **options)
        return serializers.ListField(child=_field(item), **options)
    if origin is dict:
        value = args[1]
        if value is Any or value is object:
            return serializers.DictField(**options)
        return serializers.DictField(child=_field(value), **options)
    if isinstance(annotation, type) and typing.is_typeddict(annotation):
        return shape_serializer(annotation)(**options)
    simple: dict[object, type[Field]] = {
        bool: serializers.BooleanField,
        int: serializers.IntegerField,
        float: serializers.FloatField,
    }
    if annotation is str:
        return serializers.CharField(allow_blank=True, **options)
    if annotation in simple:
        return simple[annotation](**options)
    return serializers.JSONField(**options)


@functools.cache
def shape_serializer(shape: type) -> type[Serializer]:
    """A serializer class describing ``shape`` (a TypedDict), named after it."""
    hints = typing.get_type_hints(shape, include_extras=True)

    def get_fields(self: Serializer) -> dict[str, Field]:
        # Built per instance, as declared fields would be; and a key may be any name ("fields").
        return {name: _field(hint) for name, hint in hints.items()}

    doc = " ".join((shape.__doc__ or "").split()) or None
    return type(_name(shape), (serializers.Serializer,), {"get_fields": get_fields, "__doc__": doc})


def page_of(name: str, item: type[Serializer]) -> Serializer:
    return inline_serializer(
        name, {"results": item(many=True), "next": serializers.URLField(allow_null=True)}
    )


class ActionChoiceShape(serializers.Serializer[Any]):
    action = serializers.CharField()
    target = serializers.CharField(required=False, allow_null=True)
    params = serializers.DictField(required=False)


ExerciseShape = shape_serializer(shapes.ExerciseBody)
FacilitatorShape = shape_serializer(shapes.FacilitatorBody)
BranchShape = shape_serializer(shapes.BranchBody)
JoinShape = shape_serializer(shapes.JoinBody)
PracticeShape = shape_serializer(shapes.PracticeBody)
TokenShape = shape_serializer(shapes.TokenBody)
ActionShape = shape_serializer(shapes.ActionBody)
ChannelShape = shape_serializer(shapes.ChannelBody)
EventShape = shape_serializer(shapes.EventBody)
DecisionShape = shape_serializer(DecisionPayload)
MessageShape = shape_serializer(MessagePayload)
StatementShape = shape_serializer(StatementPayload)
AgreementShape = shape_serializer(AgreementPayload)
JointShape = shape_serializer(JointPayload)
ProposalShape = shape_serializer(ProposalPayload)
PendingShape = shape_serializer(shapes.PendingBody)
ScenarioShape = shape_serializer(shapes.ScenarioBody)
ScenarioCheckedShape = shape_serializer(shapes.ScenarioCheckedBody)
ReportJobShape = shape_serializer(shapes.ReportJobBody)
ComparisonShape = shape_serializer(Comparison)
