"""`make run` serves the demo's pictures with DEBUG off (`DJANGO_SERVE_MEDIA=true`)."""

from __future__ import annotations

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import palace_portal.urls


@pytest.fixture
def media_served(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "palace.jpg").write_bytes(b"\xff\xd8\xff\xe0picture")
    with override_settings(DEBUG=False, SERVE_MEDIA=True, MEDIA_ROOT=tmp_path, MEDIA_URL="/media/"):
        importlib.reload(palace_portal.urls)
        clear_url_caches()
        yield
    importlib.reload(palace_portal.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_a_picture_is_served_with_debug_off_when_media_are_served(client, media_served):
    response = client.get("/media/demo/palace.jpg")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).endswith(b"picture")
    assert client.get("/media/demo/missing.jpg").status_code == 404
    assert client.get("/media/../settings.py").status_code in (400, 404)  # never a file outside
