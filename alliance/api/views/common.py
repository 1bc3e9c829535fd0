"""What every alliance endpoint shares: the documented error responses, id handling in paths,
and filters that narrow lists only."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from palace_portal.api import ErrorSerializer
from palace_portal.errors import NotFound

from ... import access


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_INPUT = error_response("`invalid`: bad input or filter; `fields` says which.")
SIGN_IN = error_response("`not_authenticated`: sign in (a token or a session).")
NO_SUCH_PAGE = error_response("`not_found`: the page is past the end of the list.")
NO_SUCH_CAMPAIGN = error_response("`not_found`: no such campaign.")
NO_SUCH_CALL = error_response(
    "`not_found`: no such call, or not one you may see (drafts: provincial staff only)."
)
PROVINCIAL = error_response(
    "`not_found`: no such object, or not yours to act on (provincial staff only): never told apart."
)
NOT_YOURS = error_response("`not_found`: no such application, or not one of your palaces'.")
_ID = "[^/]+"  # any id reaches the view, so that `/calls/1.5/` is a JSON 404 like `/calls/abc/`


class ListFiltersOnly:
    lookup_value_regex = _ID

    def filter_queryset(self, queryset):
        # The filters narrow the list only: a detail URL is found by its id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


def whole_number(value: str) -> int:
    """A path id as a number; anything else is an id that names nothing (404)."""
    if not value.isdigit() or len(value) > 18:
        raise NotFound()
    return int(value)


def provincial_only(user) -> None:
    """Provincial work answers 404 to anyone else before the input is read: a 400 would show them
    the form of a door they may not open (the services check again)."""
    if not access.may_run_alliance(user):
        raise NotFound()


def acting_for_a_palace(user) -> None:
    """Applying and tagging are done for one of the user's palaces (named in the body): 404,
    before the input is read, for anyone who runs none."""
    if not access.palaces_applying_for(user).exists():
        raise NotFound()
