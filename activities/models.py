"""The models of the `activities` app, one module per sub-domain, named here for Django and for
other apps (`from activities.models import Course`).

Each sub-domain owns its tables: the staff activity ledger (`ledger`), the night school
(`classes`), events with sign-up (`events`), worker voice (`voice`), ratings (`ratings`) and innovation
(`innovation`: studios, mentors, the problem clinic).
(`classes`), events with sign-up (`events`), worker voice (`voice`), ratings (`ratings`) and
employment (`employment`).
"""

from activities.classes.models import Course, LotteryDraw, PriorityRound, Term
from activities.employment.models import (
    Employer,
    Interview,
    JobApplication,
    JobPosting,
    Livestream,
    ResidencyApplication,
    ResidencySupport,
)
from activities.events.models import Event
from activities.innovation.models import (
    GuidanceSession,
    Mentor,
    Problem,
    ProblemStatus,
    Studio,
    StudioMembership,
)
from activities.ledger.models import Activity, ActivityKind, PartnerKind
from activities.legal.models import CaseRead, CaseStep, LegalCase
from activities.media.models import Article, ArticleState, Channel, ChannelKind, Column
from activities.offerings.models import PublishState
from activities.ratings.models import Rating
from activities.series.models import Series, SeriesKind
from activities.teams.models import JoinRequest, Team, TeamMember, VolunteerHours
from activities.voice.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
    Wish,
    WishStatus,
    WishVote,
)

__all__ = [
    "Activity",
    "ActivityKind",
    "Article",
    "ArticleState",
    "CaseRead",
    "CaseStep",
    "Channel",
    "ChannelKind",
    "Column",
    "Course",
    "Employer",
    "Event",
    "GuidanceSession",
    "Interview",
    "JobApplication",
    "JobPosting",
    "JoinRequest",
    "LegalCase",
    "Livestream",
    "LotteryDraw",
    "Mentor",
    "PartnerKind",
    "PriorityRound",
    "Problem",
    "ProblemStatus",
    "PublishState",
    "QuestionKind",
    "Rating",
    "ResidencyApplication",
    "ResidencySupport",
    "Series",
    "SeriesKind",
    "Studio",
    "StudioMembership",
    "Survey",
    "SurveyAnswer",
    "SurveyChoice",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyStatus",
    "Team",
    "TeamMember",
    "Term",
    "VolunteerHours",
    "Wish",
    "WishStatus",
    "WishVote",
]
