"""Command-line tools a facilitator uses from day one."""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.authtoken.models import Token

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_django.fixtures import Settings


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql() -> None:
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_issue_token_prints_a_token_that_belongs_to_the_user() -> None:
    user = get_user_model().objects.create_user("control", password="a-long-pass-phrase")
    out = StringIO()
    call_command("issue_token", "control", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(key=key).user == user

    again = StringIO()
    call_command("issue_token", "control", stdout=again)
    assert again.getvalue().strip() == key

    rotated = StringIO()
    call_command("issue_token", "control", "--rotate", stdout=rotated)
    assert rotated.getvalue().strip() != key
    assert not Token.objects.filter(key=key).exists()


@pytest.mark.django_db
def test_issue_token_names_an_unknown_user() -> None:
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("issue_token", "nobody")


@pytest.mark.django_db
def test_demo_creates_a_facilitator_who_can_sign_in(settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", stdout=out)
    password = next(
        line.split(":", 1)[1].strip() for line in out.getvalue().splitlines() if "password" in line
    )
    assert get_user_model().objects.get(username="facilitator").check_password(password)
