"""The API's fixed points: the OpenAPI document, the docs page, the error shape, the body cap."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
import yaml
from openapi_spec_validator import validate

if TYPE_CHECKING:
    from django.test import Client


def test_it_serves_a_valid_openapi_3_document_without_sign_in(client: Client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    validate(document)


def test_it_serves_the_docs_page_with_every_asset_from_the_project(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert sources, "the docs page should load its assets"
    assert all(src.startswith("/") for src in sources), sources


def test_it_answers_an_unknown_api_path_with_the_json_error_shape(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_it_refuses_a_body_over_256_kib_with_413(client: Client) -> None:
    body = b"{" + b" " * (256 * 1024) + b"}"
    response = client.post("/api/v1/no-such-thing/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_it_accepts_a_body_just_under_the_cap(client: Client) -> None:
    body = b"{" + b" " * (256 * 1024 - 2) + b"}"
    response = client.post("/api/v1/no-such-thing/", body, content_type="application/json")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/docs/", "/api/schema/"])
def test_it_sends_the_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
