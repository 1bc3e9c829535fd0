"""Settings that protect production and keep a laptop's SQLite correct."""

import os
import re
import runpy
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.utils import ConnectionHandler
from django.test import override_settings

BASE_DIR = settings.BASE_DIR
SETTINGS_DIR = BASE_DIR / "palace_portal" / "settings"
SECRET = "a-long-random-test-value-" + "k" * 40

# What a deployment sets; nothing inherited from the shell that runs the tests.
_PROJECT_VARIABLES = re.compile(r"^(DJANGO_|DATABASE_|REDIS_|CELERY_|EMAIL_|DEFAULT_FROM_EMAIL$)")


def _production_env(**overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not _PROJECT_VARIABLES.match(name)}
    env.update(
        DJANGO_SETTINGS_MODULE="palace_portal.settings.production",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        # A shared cache, as every deployment has (the deploy check portal.E001); never connected to.
        REDIS_URL="redis://127.0.0.1:6379/9",
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _base_settings(**env: str) -> dict:
    """Evaluate settings/base.py afresh under the given environment variables."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        return runpy.run_path(str(SETTINGS_DIR / "base.py"))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --- Production --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "1"}, "must not run with DJANGO_DEBUG on"),
        ({}, None),
    ],
    ids=["no-secret-key", "debug-on", "complete"],
)
def test_production_settings_refuse_to_start_unless_safe(overrides, error):
    result = _run(["-c", "import palace_portal.settings.production"], _production_env(**overrides))
    if error is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert error in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_refuse_a_cache_local_to_each_process():
    # Several web and worker processes: limits and the dashboards' data version must be shared.
    result = _run(["manage.py", "check", "--deploy"], _production_env(REDIS_URL=None))
    assert result.returncode != 0
    assert "portal.E001" in result.stdout + result.stderr


def test_deploy_checks_catch_a_weakened_production_setting():
    # The check above can fail: without HSTS Django warns, and the warning fails the command.
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(DJANGO_SECURE_HSTS_SECONDS="0"),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200

    policy = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: " ".join(d.split()[1:]) for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


# --- SQLite on a laptop ------------------------------------------------------------------------


def test_sqlite_connections_use_wal_and_immediate_transactions(tmp_path, django_db_blocker):
    path = tmp_path / "portal.sqlite3"
    config = _base_settings(DATABASE_URL=f"sqlite:///{path}")["DATABASES"]["default"]
    handler = ConnectionHandler({"default": config})
    wrapper = handler["default"]
    with django_db_blocker.unblock():
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA foreign_keys")
                assert cursor.fetchone()[0] == 1

            # BEGIN IMMEDIATE takes the write lock at once: while Django's transaction is open,
            # even before it writes, no other connection can start writing.
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            connections["sqlite_check"] = wrapper
            with (
                transaction.atomic(using="sqlite_check"),
                pytest.raises(sqlite3.OperationalError, match="locked"),
            ):
                other.execute("BEGIN IMMEDIATE")
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            other.close()
        finally:
            del connections["sqlite_check"]
            wrapper.close()


# --- Redis outage ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cache_outage_degrades_pages_instead_of_breaking_them(client):
    # Production's Redis cache settings, pointed at a port where nothing listens.
    caches = _base_settings(REDIS_URL="redis://127.0.0.1:9/0")["CACHES"]
    with override_settings(CACHES=caches):
        cache.set("outage", 1)
        assert cache.get("outage") is None
        assert client.get("/").status_code == 200


# --- Documentation -----------------------------------------------------------------------------


def test_every_environment_variable_is_documented():
    source = "\n".join(
        (SETTINGS_DIR / name).read_text(encoding="utf-8") for name in ("base.py", "production.py")
    )
    read = set(
        re.findall(
            r"""(?:environ\.get|environ\.setdefault|env_bool|env_list)\(\s*["']([A-Z_]+)["']""", source
        )
    )
    read |= set(re.findall(r"""["']([A-Z_]+)["']\s+(?:not\s+)?in\s+os\.environ""", source))
    assert "DATABASE_URL" in read  # the pattern finds what it should

    for document in (".env.example", "README.md"):
        text = (BASE_DIR / document).read_text(encoding="utf-8")
        missing = sorted(name for name in read if not re.search(rf"\b{name}\b", text))
        assert missing == [], f"{document} does not mention {missing}"
