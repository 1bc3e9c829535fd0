"""Shapes of the alliance endpoints (`/api/v1/alliance/...`).

Output serializers read what the views load (no query of their own); input serializers check the
shape only (types, lengths, exactly one of a few fields): the rules are `alliance.services`'.
Money is a decimal string with two places ("40000.00"), as the venues' fees.
"""

from .campaigns import (
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignTagCreateSerializer,
    CampaignTagSerializer,
    CampaignTotalsSerializer,
    RotationSerializer,
)
from .common import AlliancePalaceRefSerializer, AllianceRegionRefSerializer, VenueRefSerializer
from .figures import (
    AllianceSummarySerializer,
    CalendarEventSerializer,
    CalendarHostSerializer,
    CitySummarySerializer,
    MonthSummarySerializer,
    SummaryQuerySerializer,
)
from .hosting import (
    ApplicationCreateSerializer,
    ApplicationDecisionSerializer,
    ApplicationReviewSerializer,
    ApplicationSubsidySerializer,
    CallBudgetSerializer,
    CriterionSerializer,
    EligibilitySerializer,
    HostingApplicationSerializer,
    HostingCallDetailSerializer,
    HostingCallSerializer,
    HostingCallWriteSerializer,
    PalaceEligibilitySerializer,
    PaymentSerializer,
    ReviewCreateSerializer,
    SubsidyGrantSerializer,
    SubsidySerializer,
)
from .members import (
    AllianceGrowthSerializer,
    AllianceMemberSerializer,
    GrowthPointSerializer,
    GrowthQuerySerializer,
)

__all__ = [
    "AllianceGrowthSerializer",
    "AllianceMemberSerializer",
    "AlliancePalaceRefSerializer",
    "AllianceRegionRefSerializer",
    "AllianceSummarySerializer",
    "ApplicationCreateSerializer",
    "ApplicationDecisionSerializer",
    "ApplicationReviewSerializer",
    "ApplicationSubsidySerializer",
    "CalendarEventSerializer",
    "CalendarHostSerializer",
    "CallBudgetSerializer",
    "CampaignDetailSerializer",
    "CampaignSerializer",
    "CampaignTagCreateSerializer",
    "CampaignTagSerializer",
    "CampaignTotalsSerializer",
    "CitySummarySerializer",
    "CriterionSerializer",
    "EligibilitySerializer",
    "GrowthPointSerializer",
    "GrowthQuerySerializer",
    "HostingApplicationSerializer",
    "HostingCallDetailSerializer",
    "HostingCallSerializer",
    "HostingCallWriteSerializer",
    "MonthSummarySerializer",
    "PalaceEligibilitySerializer",
    "PaymentSerializer",
    "ReviewCreateSerializer",
    "RotationSerializer",
    "SubsidyGrantSerializer",
    "SubsidySerializer",
    "SummaryQuerySerializer",
    "VenueRefSerializer",
]
