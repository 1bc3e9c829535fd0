"""What the OpenAPI schema says beyond drf-spectacular's defaults, for every app at once.

Clients (and the schema-driven fuzzing in CI) trust the schema: a filter that refuses `0` must say
`minimum: 1`, and a list that answers 404 for a page past the end must document that 404.
"""

from __future__ import annotations

from drf_spectacular.contrib.django_filters import DjangoFilterExtension


class BoundedDjangoFilterExtension(DjangoFilterExtension):
    """django-filter parameters with the bounds their form fields enforce (`minimum`/`maximum`).

    drf-spectacular copies no bounds from a filter's form field, so an id filter refusing `0`
    (`venues.filters.IdFilter`) or a year filter refusing 1900 was published as a bare integer.
    """

    priority = 1  # ahead of drf-spectacular's own extension for the same backend

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        form_field = filter_field.field
        bounds = {
            "minimum": getattr(form_field, "min_value", None),
            "maximum": getattr(form_field, "max_value", None),
        }
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") not in ("integer", "number"):
                continue
            for key, value in bounds.items():
                if value is not None:
                    schema.setdefault(key, int(value) if schema["type"] == "integer" else value)
        return parameters


_PAGE_PAST_THE_END = "`not_found`: the page is past the end of the list."


def document_page_not_found(result, generator, request, public):
    """Postprocessing hook: every paginated list documents the 404 its paginator answers for a
    well-formed page past the end (`palace_portal.api.PageNumberPagination`)."""
    error = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if "page" not in names:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "404",
                {
                    "content": {"application/json": {"schema": error}},
                    "description": _PAGE_PAST_THE_END,
                },
            )
    return result


# Raw schemas for parameters declared by hand (`OpenApiParameter(name, ID_SCHEMA, ...)`).
# Ids are positive and fit a signed 64-bit column (a larger number would overflow the driver).
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
