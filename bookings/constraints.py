"""An exclusion constraint that exists only where the database has them.

PostgreSQL enforces "no two active bookings of one venue overlap" with a GiST exclusion
constraint. SQLite has none; there the booking service's overlap check runs inside an IMMEDIATE
transaction, which serialises writers, so the same invariant holds. Declaring the constraint on
the model keeps migrations identical on both backends.
"""

from django.contrib.postgres.constraints import ExclusionConstraint


class PostgresExclusionConstraint(ExclusionConstraint):
    def _is_postgres(self, schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._is_postgres(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._is_postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._is_postgres(schema_editor) else None

    def validate(self, *args, **kwargs):
        # Model validation would query with range operators SQLite lacks; the services check
        # overlaps themselves, and PostgreSQL enforces the constraint on insert.
        return None
