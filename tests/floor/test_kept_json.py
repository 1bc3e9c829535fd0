"""`palace_portal.api.KeptJSONRenderer`: a body encoded once is sent exactly as DRF would send it."""

from __future__ import annotations

import pickle

from rest_framework.renderers import JSONRenderer

from palace_portal.api import EncodedJSON, KeptJSONRenderer

DATA = [{"rank": 1, "palace": 7, "palace_name": "南昌市工人文化宫", "value": 12.5, "change_mom": None}]


def test_an_encoded_body_is_drf_s_own_bytes_and_survives_the_cache():
    encoded = KeptJSONRenderer.encode(DATA)
    assert isinstance(encoded, EncodedJSON)
    kept = pickle.loads(pickle.dumps(encoded))  # noqa: S301 - our own bytes, as the cache stores them
    assert isinstance(kept, EncodedJSON)
    assert KeptJSONRenderer().render(kept, "application/json", {}) == JSONRenderer().render(DATA)


def test_an_indented_body_asked_for_is_indented_as_drf_does():
    asked = "application/json; indent=2"
    encoded = KeptJSONRenderer.encode(DATA)
    assert KeptJSONRenderer().render(encoded, asked, {}) == JSONRenderer().render(DATA, asked, {})


def test_anything_else_is_rendered_as_drf_does():
    error = {"code": "invalid", "detail": "坏的输入", "fields": {"month": ["Enter YYYY-MM."]}}
    assert KeptJSONRenderer().render(error, "application/json", {}) == JSONRenderer().render(error)
