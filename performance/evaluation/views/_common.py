"""What every evaluation page shares: access at the edge, the year in the query string, refusals."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from palace_portal.errors import NotFound, PortalError
from palace_portal.months import check_year

from .. import access


def _page(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Any staff role (each sees its own scope); provincial officers only; reviewers (city, province).
evaluation_page = _page(access.may_use_evaluation)
province_page = _page(access.may_define_schemes)
reviewer_page = _page(lambda user: access.palaces_reviewable_by(user).exists())


def year_from(request, default: int | None = None) -> int:
    """`?year=` within the portal's range; otherwise the year of the newest published scheme (or
    last year, the one usually under evaluation, when there is none)."""
    from ..models import Scheme

    fallback = default or (
        Scheme.objects.filter(status=Scheme.Status.PUBLISHED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
        or timezone.localdate().year - 1
    )
    raw = request.GET.get("year", "")
    if not raw:
        return fallback
    try:
        return check_year(int(raw))
    except (ValueError, ValidationError):
        messages.error(request, _bad_year())
        return fallback


def _bad_year() -> str:
    from django.utils.translation import gettext as _

    return _("That year cannot be shown; showing the default year instead.")


def refuse(request, error: PortalError, labels: dict[str, str] | None = None) -> None:
    """Show a service's refusal (and its field errors, each named by `labels[field]` when given,
    e.g. the indicator's code) at the top of the next page. Out of reach (`NotFound`) is a 404
    page, as everywhere."""
    from django.utils.translation import gettext as _

    if isinstance(error, NotFound):
        raise Http404
    messages.error(request, str(error.message))
    for field, field_messages in (error.fields or {}).items():
        for message in field_messages:
            if str(message) == str(error.message):
                continue
            label = (labels or {}).get(field)
            messages.error(
                request,
                _("%(label)s: %(message)s") % {"label": label, "message": message} if label else str(message),
            )
