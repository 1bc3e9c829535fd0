"""API token authentication that also tells the access policy whether the user holds any post.

DRF's `TokenAuthentication` reads the token with its user; the access policy then reads the user's
staff assignments on the first access question (every booking asks one: staff are exempt from the
per-person limits). Most API callers are workers with no post, so the token's query also asks
whether any assignment exists: when none does, the policy's per-request cache is filled with
"none" and the second round trip is saved. Staff (an assignment exists) are looked up as before.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from rest_framework import authentication

from .. import access
from ..models import StaffAssignment


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        posts = StaffAssignment.objects.filter(user=OuterRef("user_id"))
        try:
            token = model.objects.select_related("user").annotate(has_posts=Exists(posts)).get(key=key)
        except model.DoesNotExist:
            token = None
        if token is None or not token.user.is_active:
            # DRF's own answers (and messages) for an unknown token or an inactive user.
            return super().authenticate_credentials(key)
        if not token.has_posts:
            access.remember_no_assignments(token.user)
        return (token.user, token)
