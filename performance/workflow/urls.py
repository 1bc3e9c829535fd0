"""URLs of the ledger workflow's pages, included by `performance/urls.py` under /performance/."""

from django.urls import path, register_converter

from palace_portal.months import format_month, parse_month

from . import views


class MonthConverter:
    """`YYYY-MM` in a path ↔ the month's first day; anything else (2024-13, 1999-01) is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str):
        from django.core.exceptions import ValidationError

        try:
            return parse_month(value)
        except ValidationError as exc:
            raise ValueError(value) from exc

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else format_month(value)


register_converter(MonthConverter, "month")

_one = "palace/<int:palace_id>/ledgers/<month:month>/"

urlpatterns = [
    path("ledgers/", views.my_ledgers, name="my_ledgers"),
    path("review/", views.review, name="review"),
    path("palace/<int:palace_id>/ledgers/", views.palace_ledgers, name="palace_ledgers"),
    path(_one, views.ledger, name="ledger"),
    path(_one + "lines/", views.line_add, name="line_add"),
    path(_one + "lines/<int:line_id>/", views.line_edit, name="line_edit"),
    path(_one + "lines/<int:line_id>/delete/", views.line_delete, name="line_delete"),
    path(_one + "submit/", views.submit, name="submit"),
    path(_one + "return/", views.return_, name="return"),
    path(_one + "accept/", views.accept, name="accept"),
    path(_one + "reopen/", views.reopen, name="reopen"),
]
