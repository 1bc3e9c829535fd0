"""The palace page's sections from activities' ledger and series (the palace page belongs to
`venues`, which may not import `activities`):

- `{% palace_year_figures palace %}`: the last twelve months from the ledger (one query);
- `{% palace_series palace %}`: the palace's running brands and programmes with their totals
  (two queries).
"""

from django import template
from django.utils import timezone

from activities.ledger.selectors import palace_year_figures as year_figures
from activities.series.models import SeriesKind
from activities.series.selectors import series_list

register = template.Library()


@register.inclusion_tag("activities/series/_year_figures.html")
def palace_year_figures(palace):
    return {"figures": year_figures(palace, today=timezone.localdate())}


@register.inclusion_tag("activities/series/_palace_section.html")
def palace_series(palace):
    # The media centre's programme strands are listed on its news page, not here.
    return {"rows": series_list(palace, active_only=True, kinds=(SeriesKind.BRAND, SeriesKind.PROGRAMME))}
