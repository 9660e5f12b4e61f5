from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.reports.play import Played, play

if TYPE_CHECKING:
    from rest_framework.test import APIClient


@pytest.fixture
def played(control: APIClient) -> Played:
    return play(control, tag="a")
