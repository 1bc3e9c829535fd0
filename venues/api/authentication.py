"""API token authentication: the token, its user and whether the user holds any post, in one
statement of SQL written once.

DRF's `TokenAuthentication` reads the token with its user through the ORM; the access policy then
reads the user's staff assignments on the first access question (every booking asks one: staff are
exempt from the per-person limits). Most API callers are workers with no post, so the token's query
also asks whether any assignment exists: when none does, the policy's per-request cache is filled
with "none" and the second round trip is saved. Staff (an assignment exists) are looked up as before.

The statement is plain SQL, built once from the models' fields (`palace_portal.rows`): every API
request authenticates, and compiling the ORM query took longer than PostgreSQL took to answer it
(docs/performance.md, "Bookings"). Unknown tokens and inactive users get DRF's own answers.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from rest_framework import authentication

from palace_portal import rows

from .. import access
from ..models import StaffAssignment


@cache
def _sql(token_model, user_model) -> str:
    # Only our tables' names and columns are interpolated.
    return (
        f"SELECT {rows.columns(token_model, 't')}, {rows.columns(user_model, 'u')}, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {StaffAssignment._meta.db_table} a WHERE a.user_id = u.id) "
        f"FROM {token_model._meta.db_table} t "
        f"JOIN {user_model._meta.db_table} u ON u.id = t.user_id WHERE t.key = %s"
    )


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        user_model = model._meta.get_field("user").related_model
        with connection.cursor() as cursor:
            cursor.execute(_sql(model, user_model), [key])
            row = cursor.fetchone()
        if row is None:
            # DRF's own answers (and messages) for an unknown token or an inactive user.
            return super().authenticate_credentials(key)
        token, offset = rows.instance(model, row)
        user, offset = rows.instance(user_model, row, offset)
        if not user.is_active:
            return super().authenticate_credentials(key)
        token.user = user
        if not row[offset]:
            access.remember_no_assignments(user)
        return (user, token)
