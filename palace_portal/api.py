"""API plumbing shared by every app: pagination, the one exception handler, kept JSON bodies."""

import json
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, pagination, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from palace_portal import schema as _schema  # noqa: F401  (registers the filter extension)
from palace_portal.errors import PortalError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        # DRF answers `?page=abc` with 404 and ignores `?page_size=abc`; malformed numbers are bad
        # input (400 with `fields`). A well-formed page past the end stays 404; sizes above the
        # maximum are capped.
        errors = {}
        page = request.query_params.get(self.page_query_param, "")
        if page and page not in self.last_page_strings and not _POSITIVE_INT.fullmatch(page):
            errors[self.page_query_param] = [_("Enter a whole number of at least 1.")]
        size = request.query_params.get(self.page_size_query_param, "")
        if size and not _POSITIVE_INT.fullmatch(size):
            errors[self.page_size_query_param] = [_("Enter a whole number of at least 1.")]
        if errors:
            raise exceptions.ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = _("Results per page (at most %(max)d).") % {
                    "max": self.max_page_size
                }
        return parameters


_POSITIVE_INT = re.compile(r"0*[1-9][0-9]{0,17}")


# Nested serializers answer their errors nested: `{"criteria": [{}, {"weight": ["..."]}]}` for a
# list of objects, `{"address": {"city": ["..."]}}` for an object, `{"tags": {"0": ["..."]}}` for
# a list of values. The schema says so, or a client (and CI's fuzzing) would read them as invalid.
class ErrorSerializer(serializers.Serializer):
    """The error body every endpoint answers with (for the OpenAPI schema; API.md, "Errors")."""

    code = serializers.CharField(help_text=gettext_lazy("Machine-readable code, e.g. not_found, invalid"))
    detail = serializers.CharField(help_text=gettext_lazy("Message in the request's language"))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy(
            "Validation errors per field (400 only); nested input is named by its path, e.g. criteria.0.max"
        ),
    )


_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ParseError: "parse_error",
}


def exception_handler(exc, context):
    """Every error as `{"code", "detail"}` (plus `fields` for validation), per API.md."""
    if isinstance(exc, PortalError):
        body = {"code": exc.code, "detail": str(exc.message)}
        if exc.fields:
            body["fields"] = {k: [str(m) for m in v] for k, v in exc.fields.items()}
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
        fields = flat_fields(detail)
        response.data = {
            "code": "invalid",
            "detail": _("The input is not valid."),
            "fields": fields,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), None)
    if code is None:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    response.data = {"code": code, "detail": str(detail)}
    return response


def flat_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """Validation errors as the error schema promises them, a list of messages per field: errors
    of nested input (a call's criteria, a review's scores) are named by their path, e.g.
    `criteria.0.max` or `scores.2`, instead of nesting objects inside `fields`."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        items = enumerate(detail)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {prefix or "non_field_errors": [str(message) for message in messages]}
    fields: dict[str, list[str]] = {}
    for key, value in items:
        if value in ({}, []):  # an item of a list that had nothing wrong with it
            continue
        for name, messages in flat_fields(value, f"{prefix}.{key}" if prefix else str(key)).items():
            fields.setdefault(name, []).extend(messages)
    return fields


def api_not_found(request, *args, **kwargs):
    """Any path under /api/v1/ that names no endpoint."""
    return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)


class EncodedJSON(bytes):
    """A JSON body encoded once, to be kept (in the shared cache) and sent as it is by
    `KeptJSONRenderer`: a large answer that many read (a province's ranking, 170 kB) is otherwise
    encoded anew for every reader."""


class KeptJSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, which sends an `EncodedJSON` body as it is; anything else (errors
    included), and a body asked for indented (`Accept: application/json; indent=4`), it renders as
    DRF does."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, EncodedJSON):
            if self.get_indent(accepted_media_type, renderer_context or {}) is None:
                return bytes(data)
            data = json.loads(data)
        return super().render(data, accepted_media_type, renderer_context)

    @classmethod
    def encode(cls, data) -> EncodedJSON:
        """`data` as this renderer sends it by default."""
        return EncodedJSON(cls().render(data))
