"""Alliance endpoints under `/api/v1/alliance/`: the roster and its growth, council rotations,
campaigns and their tags, hosting calls, applications, reviews, decisions, subsidies, the public
calendar of provincial events, and the province's figures (API.md, "Province").

Who sees what (`alliance.access` decides; the services check every write again):
- Anyone: the roster and its growth, rotations, campaigns with their totals, the calendar.
- Signed-in staff (palace staff and managers, city and provincial officers): open and closed
  calls; provincial officers also drafts. A call's detail tells palace staff, for each palace
  they run, whether it may apply and why not (`my_palaces`); provincial and city officers see
  how much of the budget is granted (`budget_used`).
- Applications, subsidies and campaign tags: those of the palaces the caller may read
  (`alliance.access.palaces_read_by`: their own; a city officer's city; every palace for the
  province), the same scope as the workspace's pages.
  Review counts and average scores are for provincial and city officers only.
- Writes: provincial officers run calls, reviews, decisions, grants and payments; palace staff
  apply for, withdraw, and tag the work of their own palace only. Anyone else: 404 (401 when not
  signed in), so that ids cannot be probed.

Views only translate: the rules live in `alliance.services`, the reads in `alliance.selectors`.
One module a resource: `members` (roster, growth), `rotations`, `campaigns` (and tags), `calls`
(and applying), `applications` (withdrawing, reviews, decisions, grants), `subsidies` (payments),
`figures` (calendar, summary); `common` holds the shared error responses and id handling.
"""

from .applications import ApplicationViewSet
from .calls import CallViewSet
from .campaigns import CampaignViewSet
from .figures import CalendarViewSet, SummaryApi
from .members import GrowthApi, MemberViewSet
from .rotations import RotationViewSet
from .subsidies import SubsidyViewSet

__all__ = [
    "ApplicationViewSet",
    "CalendarViewSet",
    "CallViewSet",
    "CampaignViewSet",
    "GrowthApi",
    "MemberViewSet",
    "RotationViewSet",
    "SubsidyViewSet",
    "SummaryApi",
]
