"""The production database: PostgreSQL with persistent connections."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db


def test_database_is_postgresql_with_persistent_connections(postgres):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_every_migration_is_applied_to_the_postgresql_test_database(postgres, request):
    # .ci/run builds the PostgreSQL test database by running the migrations (--migrations), so the
    # suite runs on exactly the schema that production gets.
    if request.config.getoption("nomigrations"):
        pytest.skip("the test database was built without migrations (--no-migrations)")
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
