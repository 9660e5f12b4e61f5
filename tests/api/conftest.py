from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.cast import Game, facilitator_client, game_create

if TYPE_CHECKING:
    from rest_framework.test import APIClient


@pytest.fixture
def control(db: None) -> APIClient:
    return facilitator_client("control")


@pytest.fixture
def game(control: APIClient) -> Game:
    return game_create(control)
