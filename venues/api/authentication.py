"""API token authentication that also tells the access policy whether the user holds any post.

DRF's `TokenAuthentication` reads the token with its user; the access policy then reads the user's
staff assignments on the first access question (every booking asks one: staff are exempt from the
per-person limits). Most API callers are workers with no post, so the token's query also asks
whether any assignment exists: when none does, the policy's per-request cache is filled with
"none" and the second round trip is saved. Staff (an assignment exists) are looked up as before.

Every API request makes this query, so it is one statement written once (the user's columns, the
token's key and the EXISTS), not an ORM query with a join and an annotation built anew each time
(building it cost several times its round trip).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections, router
from rest_framework import authentication

from .. import access
from ..models import StaffAssignment


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        user_model = get_user_model()
        using = router.db_for_read(model)
        users = list(user_model.objects.using(using).raw(_token_sql(model, user_model, using), [key]))
        user = users[0] if users else None
        if user is None or not user.is_active:
            # DRF's own answers (and messages) for an unknown token or an inactive user.
            return super().authenticate_credentials(key)
        if not user.portal_has_posts:
            access.remember_no_assignments(user)
        del user.portal_has_posts
        # The token as DRF gives it (`request.auth`); its creation time is read only if asked for.
        token = model.from_db(using, ["key", "user_id"], [key, user.pk])
        token.user = user
        return (user, token)


def _token_sql(token_model, user_model, using: str) -> str:
    quote = connections[using].ops.quote_name
    user_meta, token_meta, posts_meta = user_model._meta, token_model._meta, StaffAssignment._meta
    columns = ", ".join(f"u.{quote(field.column)}" for field in user_meta.concrete_fields)
    return (
        f"SELECT {columns}, EXISTS (SELECT 1 FROM {quote(posts_meta.db_table)} a"  # noqa: S608 - our own names
        f" WHERE a.{quote(posts_meta.get_field('user').column)} = u.{quote(user_meta.pk.column)})"
        f" AS portal_has_posts FROM {quote(user_meta.db_table)} u"
        f" JOIN {quote(token_meta.db_table)} t ON t.{quote(token_meta.get_field('user').column)}"
        f" = u.{quote(user_meta.pk.column)} WHERE t.{quote(token_meta.get_field('key').column)} = %s"
    )
