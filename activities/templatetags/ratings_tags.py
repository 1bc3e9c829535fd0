"""Ratings figures shown on the pages of other sub-domains.

The activity ledger's page shows the month's ratings beside the logged activities (both feed the
monthly ledger), but the ledger sits below ratings and imports nothing of it: its template asks
for the figures here.
"""

from django import template

from activities.ratings.selectors import ratings_month_summary

register = template.Library()


@register.simple_tag
def ratings_month(palace, month: str | None = None):
    """How many ratings `palace` got for things held in `month` ("YYYY-MM"; this local month when
    empty) and their average stars (`ratings_month_summary`, one query)."""
    return ratings_month_summary(palace, month or None)
