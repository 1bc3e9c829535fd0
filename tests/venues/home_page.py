"""The home page's figures as a visitor reads them: its content is kept whole for anonymous
visitors (venues.views.home), so tests read the page, not the view's context."""

from __future__ import annotations

import re

_STAT = re.compile(r'<span class="stat-value">([\d,]+)')
_CENTRE = re.compile(r'centre-card centre-link centre-(\w+)".*?<p class="meta">([\d,]+)', re.S)
_CITY_COUNT = re.compile(r'<span class="stat-of"> / (\d+)</span>')


def figures(response) -> dict:
    html = response.content.decode()
    palaces, venues, cities, county_level = (int(v.replace(",", "")) for v in _STAT.findall(html))
    return {
        "palaces_in_service": palaces,
        "venues_open": venues,
        "cities_covered": cities,
        "city_count": int(_CITY_COUNT.search(html).group(1)),
        "county_level_in_service": county_level,
        "centres": {name: int(n.replace(",", "")) for name, n in _CENTRE.findall(html)},
    }
