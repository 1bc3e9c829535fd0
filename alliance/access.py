"""The alliance's access questions: the one place that answers who runs the alliance, who reads its
work, who applies for a palace and which of its rows a user reads.

Built only from `venues.access`'s scopes and questions (DESIGN.md, "Access policy"); the workspace
pages (`alliance.manage`), the palace pages (`alliance.views`), the API and the services all ask
here. Rows out of reach answer 404, so ids cannot be probed.

| role             | workspace pages | applications, reviews, subsidies, tags | acts on                    |
|------------------|-----------------|----------------------------------------|----------------------------|
| worker           | 404             | none                                   | nothing                    |
| palace staff     | 404             | their palaces'                         | apply, withdraw, tag: own  |
| city officer     | read only       | their city's palaces'                  | nothing                    |
| province officer | read and act    | every palace's                         | roster, rotations, calls…  |
| superuser        | as a province officer                                                                 |
"""

from __future__ import annotations

from django.db.models import QuerySet

from venues import access
from venues.models import Palace

from .models import CampaignTag, HostingApplication, HostingCall, Subsidy


def may_run_alliance(user) -> bool:
    """Roster, rotations, campaigns, hosting calls, reviews and subsidies: provincial work."""
    return access.is_province_officer(user)


def may_view_alliance_work(user) -> bool:
    """The alliance's staff pages read-only: provincial and city officers."""
    return access.is_province_officer(user) or access.is_city_officer(user)


def may_see_review_scores(user) -> bool:
    """Review counts and average scores of the applications the user reads: the reviewers and the
    city officers who read their city's applications; never the applying palace's own staff."""
    return may_view_alliance_work(user)


# --- Applying for a palace ----------------------------------------------------------------------


def palaces_applying_for(user) -> QuerySet[Palace]:
    """Palaces the user may apply for and tag work of: their own, as palace staff. Provincial
    officers review applications and so do not apply on a palace's behalf."""
    return access.palaces_staffed_by(user).select_related("region", "region__parent")


def may_apply_for_palace(user, palace: Palace) -> bool:
    return access.is_staff_of(user, palace)


def may_untag(user, tag: CampaignTag) -> bool:
    """A tag is removed by staff of its palace, or by provincial staff running the campaign."""
    return may_apply_for_palace(user, tag.palace) or may_run_alliance(user)


# --- What a user reads --------------------------------------------------------------------------


def palaces_read_by(user) -> QuerySet[Palace]:
    """The palaces whose alliance rows (applications with their reviews, subsidies, campaign tags)
    the user reads. Decided once, for pages and API alike: palace staff their own palaces, a city
    officer their own city's palaces (DOMAIN.md: city staff read their city's palaces), the
    province every palace."""
    return access.palaces_visible_to(user)


def applications_visible_to(user) -> QuerySet[HostingApplication]:
    return HostingApplication.objects.filter(palace__in=palaces_read_by(user))


def subsidies_visible_to(user) -> QuerySet[Subsidy]:
    return Subsidy.objects.filter(palace__in=palaces_read_by(user))


def campaign_tags_visible_to(user) -> QuerySet[CampaignTag]:
    return CampaignTag.objects.filter(palace__in=palaces_read_by(user))


def calls_visible_to(user) -> QuerySet[HostingCall]:
    """Provincial staff see every call, drafts included; palace staff and city officers the
    published ones (open or closed); anyone else none."""
    if may_run_alliance(user):
        return HostingCall.objects.all()
    if access.is_staff_of_any_palace(user) or may_view_alliance_work(user):
        return HostingCall.objects.exclude(status=HostingCall.Status.DRAFT)
    return HostingCall.objects.none()
