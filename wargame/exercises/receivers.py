"""Changes that revoke access, made anywhere (a service, the admin, a shell): each receiver
only calls the revocation service, which tells the servers once the change commits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from rest_framework.authtoken.models import Token

from wargame.exercises.models import FacilitatorMembership
from wargame.exercises.services.revocation import access_revoked


def _account_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not instance.is_active:
        access_revoked(exercise_id=None)


def _account_or_token_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    access_revoked(exercise_id=None)


def _membership_deleted(sender: Any, instance: FacilitatorMembership, **kwargs: Any) -> None:
    access_revoked(exercise_id=instance.exercise_id)


def connect() -> None:
    user = get_user_model()
    post_save.connect(_account_saved, sender=user, dispatch_uid="revocation-account-saved")
    post_delete.connect(
        _account_or_token_deleted, sender=user, dispatch_uid="revocation-account-deleted"
    )
    post_delete.connect(
        _account_or_token_deleted, sender=Token, dispatch_uid="revocation-token-deleted"
    )
    post_delete.connect(
        _membership_deleted,
        sender=FacilitatorMembership,
        dispatch_uid="revocation-membership-deleted",
    )
