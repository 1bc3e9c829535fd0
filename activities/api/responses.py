"""The error responses the activities endpoints name in the OpenAPI schema (API.md: every error is
`{"code", "detail"}`), so each endpoint only says when it answers which."""

from drf_spectacular.utils import OpenApiResponse

from palace_portal.api import ErrorSerializer


def api_error(description: str) -> OpenApiResponse:
    """An error response of the schema: the one error shape, with what this code means here."""
    return OpenApiResponse(ErrorSerializer, description=description)
