from django.conf import settings


def portal(request):
    """What every page's frame needs: the user's staff roles (one query, cached on the user)."""
    from . import access

    user = getattr(request, "user", None)
    return {
        "portal_roles": access.roles_of(user) if user is not None else frozenset(),
        "province_name": settings.PORTAL_PROVINCE_NAME,
    }
