"""The models of the `activities` app, one module per sub-domain, named here for Django and for
other apps (`from activities.models import Course`).

Each sub-domain owns its tables: the staff activity ledger (`ledger`), the night school
(`classes`), events with sign-up (`events`), worker voice (`voice`) and ratings (`ratings`).
"""

from activities.classes.models import Course, LotteryDraw, PriorityRound, Term
from activities.events.models import Event
from activities.ledger.models import Activity, ActivityKind, PartnerKind
from activities.media.models import Article, ArticleState, Channel, ChannelKind, Column
from activities.offerings.models import PublishState
from activities.ratings.models import Rating
from activities.series.models import Series, SeriesKind
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
    "Channel",
    "ChannelKind",
    "Column",
    "Course",
    "Event",
    "LotteryDraw",
    "PartnerKind",
    "PriorityRound",
    "PublishState",
    "QuestionKind",
    "Rating",
    "Series",
    "SeriesKind",
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
