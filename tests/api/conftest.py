from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.cast import Game, facilitator_client, game_create


@pytest.fixture
def control(db: None) -> APIClient:
    return facilitator_client("control")


@pytest.fixture
def game(control: APIClient) -> Game:
    return game_create(control)
