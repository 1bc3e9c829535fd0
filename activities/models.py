"""The models of the `activities` app, one module per sub-domain, named here for Django and for
other apps (`from activities.models import Course`).

Each sub-domain owns its tables: the staff activity ledger (`ledger`), the night school
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
from activities.ledger.models import Activity, ActivityKind, PartnerKind
from activities.offerings.models import PublishState
from activities.ratings.models import Rating
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
    "Course",
    "Employer",
    "Event",
    "Interview",
    "JobApplication",
    "JobPosting",
    "Livestream",
    "LotteryDraw",
    "PartnerKind",
    "PriorityRound",
    "PublishState",
    "QuestionKind",
    "Rating",
    "ResidencyApplication",
    "ResidencySupport",
    "Survey",
    "SurveyAnswer",
    "SurveyChoice",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyStatus",
    "Term",
    "Wish",
    "WishStatus",
    "WishVote",
]
