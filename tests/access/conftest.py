"""The matrix's world, built once per module: every (route, role) test reads it inside its own
savepoint, so whatever a request writes is rolled back before the next one."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from drf_spectacular.generators import SchemaGenerator

from tests.access.matrix import ROLES
from tests.access.world import build_access_world, frozen


@pytest.fixture(scope="module")
def access_world(django_db_setup, django_db_blocker):
    # Evidence files of the evaluation are written to a temporary MEDIA_ROOT, gone after the module.
    with (
        django_db_blocker.unblock(),
        frozen(),
        _schema_built_once(),
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_access_world()
            # One session per role, signed in once; each test makes a fresh client on that
            # session, so a request that signs out (or cycles the key) cannot leak to the next.
            world.sessions = {}
            for role in ROLES:
                if role == "anonymous":
                    continue
                client = Client()
                client.force_login(getattr(world, role))
                world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@contextmanager
def _schema_built_once():
    """The OpenAPI schema is the same for everyone (SERVE_PUBLIC) and takes a good second to
    build: build it once for the module. Its view still answers each role itself."""
    built = {}
    original = SchemaGenerator.get_schema

    def get_schema(self, request=None, public=False):
        if public not in built:
            built[public] = original(self, request=request, public=public)
        return built[public]

    with mock.patch.object(SchemaGenerator, "get_schema", get_schema):
        yield


@pytest.fixture
def client_as(access_world, db):
    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = access_world.sessions[role]
        return client

    return make
