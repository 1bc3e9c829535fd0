"""Demo classes (the workers' night school) and events, with their sign-ups, attendance and voice.

One demo step (see `venues.demo.builder`), written with bulk inserts rather than through the
services (tens of thousands of rows), but every row is one the services could have written
(`activities.classes.services` and `activities.events.services`, `bookings.services.offering`):

- the city-level palaces in service, `COUNTY_PALACES` county ones that have a classroom, and
  always the demo palace run a night school at their own venues (classrooms and training rooms for
  the education centre's courses, the dance hall or the stage for dance and music, the yoga room
  or a hall for yoga and taiji), one course per venue and time;
- three terms each: this season's (under way, enrolment long closed), the next one (enrolment
  open: it opened a few days before the anchor day and closes ten days after it) and, at the
  city-level palaces, a six-week skills course before this season (finished: certificates);
- courses meet weekly, mostly on weekday evenings, some at weekends; their sessions are exactly
  `sessions_plan`'s (a session on a closure day is written cancelled, with the closure's reason);
  capacities 20–40, free but for materials now and then, some taught by a partner school or
  association (宫校合作, 宫协联办);
- sign-ups follow the offering rules: first come, then the waitlist; a withdrawal offers the place
  to the next person waiting (who accepts, lets it expire or has not answered yet); the term's
  course limit and one section per course hold for everyone, and every offering's `taken` is the
  number of its holding sign-ups;
- each city-level palace drew one lottery this season (a `LotteryDraw` whose order is exactly
  `draw_order` of its applications, the first `places` enrolled and the rest waiting in that
  order). Priority rounds put trade-union members (at the demo palace: new-employment-form workers,
  then members) first; the demo picks the draw's seed so that *who* wins does not depend on the
  database's ids (reseeding gives the same people the same places), the order itself is the hash's;
- the next term's popular courses are lotteries with several times more applications than places
  (the overflow flag), not drawn yet;
- attendance for every session held since a person got their place: most come, some miss now and
  then, a few drop out, so completion varies; the skills course before the season is complete;
- events in the past weeks (checked in, with attendance) and the coming weeks (registrations, full
  ones with a waitlist), 五一课堂 lectures in May; lectures, performances, competitions, online job
  fairs (直播荐岗) and mixers; with registration and places, with registration and no limit, or
  simply announced;
- wishes (你点菜我买单) with votes and the palaces' answers, some done as a course of the next term;
  ratings of attended sessions, events and checked-in venue bookings, a few comments hidden;
- the demo accounts: the union member holds a course this season with attendance, completed the
  skills course (certificate), won this season's lottery at the demo palace, applied for a lottery
  of the next term, holds a place there too, is registered for an event and was at one; the second
  worker (not a member) waits in the lottery's queue. The demo palace has every one of these shapes,
  plus a course that overflowed and opened a second section yesterday, whose places are on offer.

The demo's clock stands at `bookings.demo.DEMO_HOUR` on the anchor day: nothing of that day has
begun. Everything is drawn from the step's own seeded generator, so a seed and an anchor day give
the same rows every time.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.classes.models import Course, LotteryDraw, PriorityRound, Term
from activities.classes.services import PlannedSession, draw_order
from activities.events.models import Event
from activities.ledger.models import ActivityKind, PartnerKind
from activities.offerings.models import PublishState
from activities.ratings.models import Rating
from activities.voice.models import Wish, WishStatus, WishVote
from bookings.demo import DEMO_HOUR, GIVEN_FIRST, GIVEN_SECOND, POOL_PHONE_PREFIX, SURNAMES
from bookings.models import Attendance, Booking, Notification, Occurrence, Offering
from bookings.services.booking import CODE_ALPHABET
from palace_portal.users.models import User
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.kinds import Centre
from venues.models import Closure, Palace, Venue

Status = Booking.Status
E, C, H, S = (c.value for c in (Centre.EDUCATION, Centre.CULTURE, Centre.HEALTH, Centre.SERVICE))
COURSE, EVENT = Offering.Kind.COURSE.value, Offering.Kind.EVENT.value
PUBLISHED, DRAFT = PublishState.PUBLISHED.value, PublishState.DRAFT.value

COUNTY_PALACES = 20  # county-level palaces with a night school, besides every city-level one
CATCHMENT = {"demo": 650, "city": 320, "county": 130}  # demo workers who come to the palace
NEW_FORM_SHARE = 0.08  # of the demo workers: couriers, drivers … (ticked on their profile)
# Courses per palace: (this term, next term, the skills course before this term), low–high.
COURSES = {
    "demo": ((12, 12), (10, 10), (3, 3)),
    "city": ((8, 11), (6, 8), (2, 3)),
    "county": ((3, 5), (2, 3), (0, 0)),
}
LOSERS = 2  # members who lose a drawn lottery (few, so that the seed is found fast)
MAX_SEED_TRIES = 500_000
CODE_LENGTH = 8

COUNTED = frozenset({Status.PENDING, Status.OFFERED, Status.CONFIRMED, Status.CHECKED_IN})
HOLDING = frozenset(Booking.HOLDING)
IN = frozenset({*Booking.OPEN, Status.CHECKED_IN})

_ZONE = ZoneInfo(settings.TIME_ZONE)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(_ZONE)


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _between(rng: random.Random, low: datetime, high: datetime, skew: float = 1.0) -> datetime:
    """A moment in [low, high), whole minutes; skew > 1 leans towards `low`."""
    span = max(int((high - low).total_seconds() // 60) - 1, 0)
    return low + timedelta(minutes=int(span * rng.random() ** skew))


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


# --- Words ----------------------------------------------------------------------------------------

Times = tuple[tuple[int, ...], time, time]  # weekdays (0 = Monday), from, until


def _evenings(start: time = time(19), end: time = time(21)) -> tuple[Times, ...]:
    return tuple(((d,), start, end) for d in range(5))


TWICE: tuple[Times, ...] = (((0, 2), time(19), time(20, 30)), ((1, 3), time(19), time(20, 30)))
SAT_AM, SUN_AM = ((5,), time(9), time(11)), ((6,), time(9), time(11))
SAT_PM, SUN_PM = ((5,), time(14, 30), time(16, 30)), ((6,), time(14, 30), time(16, 30))
MORNING = (((5,), time(8, 30), time(10)), ((6,), time(8, 30), time(10)))
# The skills course before the term: twice a week for six weeks.
SHORT_TIMES: tuple[Times, ...] = (
    ((1, 3), time(19), time(21)),
    ((0, 2), time(19), time(21)),
    ((2, 4), time(19), time(21)),
    ((5, 6), time(9), time(11, 30)),
)


@dataclass(frozen=True)
class CourseKind:
    key: str
    titles: tuple[str, ...]
    centre: str
    rooms: tuple[str, ...]  # venue kinds it is held in, best first
    times: tuple[Times, ...]
    popularity: float  # people who want it, per place
    description: str
    partners: tuple[str, ...] = ()  # who teaches it when a partner does ({city}: the city's name)
    partner_share: float = 0.0
    fee: int = 0  # yuan, for materials
    skill: bool = False  # offered as the six-week skills course too


ROOMS = ("classroom", "skill_training", "multi_function_hall")
SCHOOLS = ("{city}职业技术学院", "{city}技师学院", "{city}开放大学", "{city}第一职业中等专业学校")
COURSE_KINDS: tuple[CourseKind, ...] = (
    CourseKind(
        "calligraphy", ("书法入门（毛笔楷书）", "硬笔书法提高班", "隶书临帖班"), E, ROOMS,
        (*_evenings(), SAT_AM), 1.0,
        "从执笔、基本笔画到间架结构，临习经典碑帖，零基础可报。笔墨纸砚由文化宫提供。",
        ("{city}书法家协会", *SCHOOLS[:1]), 0.35,
    ),
    CourseKind(
        "painting", ("国画山水入门", "国画花鸟小写意", "工笔花鸟班"), E, ROOMS, (*_evenings(), SUN_AM), 1.25,
        "学习用笔用墨、设色与构图，每节课完成一幅小品，结课举办学员作品展。",
        ("{city}美术家协会", "{city}职业技术学院"), 0.4,
    ),
    CourseKind(
        "yoga", ("零基础瑜伽", "职工瑜伽进阶班", "肩颈舒缓瑜伽"), H,
        ("yoga", "dance_rehearsal", "multi_function_hall", "dance_hall"), (*TWICE, SAT_AM), 1.6,
        "针对久坐、久站岗位的体态调整与放松练习，请穿运动服、自带瑜伽垫。",
    ),
    CourseKind(
        "photography", ("手机摄影入门", "数码摄影基础", "人像与风光摄影"), E,
        ("classroom", "multi_function_hall"), (*_evenings(), SAT_PM), 1.15,
        "构图、用光与后期修图，课后分组外拍，优秀作品入选文化宫影展。",
        ("{city}摄影家协会",), 0.4,
    ),
    CourseKind(
        "flowers", ("花艺与生活美学", "中式插花入门"), E, ROOMS, (SAT_PM, SUN_PM, *_evenings()), 1.2,
        "认识花材与器皿，学习中式插花与花束包扎，作品可带回家。",
        fee=60,
    ),
    CourseKind(
        "dance", ("排舞（初级）", "民族舞基础班", "广场舞规范动作班"), C,
        ("dance_hall", "dance_rehearsal", "folk_stage", "multi_function_hall"),
        (*_evenings(), *_evenings(time(19), time(20, 30))), 1.4,
        "从基本步伐学起，每月学会一支完整的舞，结课参加文化宫展演。",
        ("{city}舞蹈家协会",), 0.3,
    ),
    CourseKind(
        "electrician", ("低压电工作业（考证培训）", "电工技能提升班"), E, ("skill_training", "classroom"),
        (((1, 3), time(19), time(21)), ((0, 2), time(19), time(21))), 0.9,
        "理论与实操并重，结业后可参加低压电工作业证考试。",
        ("{city}技师学院",), 0.6, skill=True,
    ),
    CourseKind(
        "childcare", ("育婴师（考证培训）", "科学育儿与婴幼儿照护"), E, ROOMS, (SAT_AM, SUN_AM), 0.8,
        "婴幼儿生活照料、保健与早期发展，理论加实操，可参加育婴员职业技能等级认定。",
        ("{city}卫生学校", "{city}职业技术学院"), 0.5, skill=True,
    ),
    CourseKind(
        "video", ("短视频拍摄与剪辑", "手机剪辑入门（剪映）"), E,
        ("skill_training", "classroom", "e_reading"), _evenings(), 1.5,
        "手机拍摄、剪辑、字幕与配乐，学会做一条完整的短视频，适合想做宣传或直播的职工。",
        ("{city}职业技术学院",), 0.4, skill=True,
    ),
    CourseKind(
        "tea", ("茶艺入门", "赣茶文化与茶艺"), E, ROOMS, (SAT_PM, SUN_PM, *_evenings()), 1.0,
        "识茶、泡茶与茶席布置，品鉴江西名茶，可参加茶艺师职业技能等级认定。",
        ("{city}茶文化研究会",), 0.3, skill=True,
    ),
    CourseKind(
        "hulusi", ("葫芦丝入门", "葫芦丝提高班"), C,
        ("folk_stage", "dance_hall", "multi_function_hall", "classroom"), _evenings(), 0.8,
        "从识谱、气息与指法学起，一学期学会五首经典曲目。乐器可借用。",
        ("{city}音乐家协会",), 0.3,
    ),
    CourseKind(
        "taiji", ("二十四式太极拳", "八段锦与太极"), H,
        ("dance_rehearsal", "yoga", "multi_function_hall", "dance_hall", "basketball"),
        (*MORNING, *_evenings(time(19), time(20, 30))), 0.9,
        "强身健体、舒缓压力，动作舒展，适合各年龄段职工。",
    ),
)  # fmt: skip
KINDS_BY_KEY = {k.key: k for k in COURSE_KINDS}
# The shapes the demo palace always shows.
DEMO_DRAWN, DEMO_OVERFLOW, DEMO_WORKER_COURSE = "painting", "dance", "calligraphy"
DEMO_SHORT = ("video", "tea", "childcare")
DEMO_NEXT_LOTTERIES = ("yoga", "painting", "photography")
DEMO_NEXT_WORKER = "flowers"
NEXT_POPULAR = ("yoga", "painting", "video", "photography", "flowers")

# Events: (kind, centre, titles, venue kinds, registration, places (low, high), times, partner)
# registration: "places" (with a limit), "open" (no limit), "none" (announced only).
EventTimes = tuple[tuple[int, ...], time, time]  # weekdays it falls on, from, until


@dataclass(frozen=True)
class EventKind:
    key: str
    kind: str
    centre: str
    titles: tuple[str, ...]
    rooms: tuple[str, ...]
    registration: tuple[tuple[str, float], ...]  # (mode, weight)
    places: tuple[int, int]
    times: tuple[EventTimes, ...]
    speaker: tuple[str, ...] = ()
    partner: tuple[str, str] | None = None  # (partner kind, names)
    members_only: bool = False
    online: bool = False
    weight: float = 1.0


MODEL_STORIES = (
    "从学徒到大国工匠", "三十年坚守电力一线", "公交线路上的温暖服务", "稀土生产线上的技术攻关",
    "千年瓷都的匠心传承", "铜冶炼炉前的创新之路", "高铁检修的毫米精度", "建筑工地上的“金牌焊工”",
)  # fmt: skip
MAY_TOPICS = (
    "劳动合同与工资支付", "职工权益保护知识", "安全生产与应急避险", "新就业形态劳动者权益",
    "女职工特殊劳动保护",
)  # fmt: skip
INDUSTRIES = ("电子信息", "新能源", "汽车制造", "物流快递", "家政服务", "医药健康")
OPERAS = ("赣剧《牡丹亭》选段", "采茶戏《睄妹子》", "黄梅戏经典选段", "京剧名段")
TRADES = ("电工", "焊工", "叉车驾驶", "中式烹调", "汽车维修")
ENTERPRISES = (
    "江铃汽车集团有限公司", "江西铜业集团有限公司", "国网江西省电力有限公司", "江西洪都航空工业集团",
    "晶科能源股份有限公司", "中国邮政{city}分公司", "{city}公共交通有限公司",
)  # fmt: skip
EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind(
        "model_lecture", ActivityKind.LECTURE, E, tuple(f"劳模讲堂：{s}" for s in MODEL_STORIES),
        ("multi_function_hall", "classroom", "theatre"), (("places", 3), ("open", 1), ("none", 1)), (50, 150),
        (((0, 1, 2, 3, 4), time(19), time(20, 30)), ((5,), time(9, 30), time(11, 30))),
        speaker=(
            "全国劳动模范、{enterprise}高级技师 {name}", "江西省劳动模范 {name}",
            "全国五一劳动奖章获得者 {name}",
        ),
        weight=2.0,
    ),
    EventKind(
        "performance", ActivityKind.PERFORMANCE, C,
        (*(f"周末职工剧场：{o}" for o in OPERAS), "职工合唱团专场音乐会", "“劳动最光荣”职工文艺演出"),
        ("theatre", "folk_stage"), (("places", 2), ("none", 1)), (80, 240),
        (((4,), time(19, 30), time(21, 30)), ((5, 6), time(14, 30), time(16, 30))),
        speaker=("{city}职工艺术团", "{city}职工合唱团", "{city}赣剧院青年演员"),
        partner=(PartnerKind.ASSOCIATION, "{city}音乐家协会"),
    ),
    EventKind(
        "table_tennis", ActivityKind.COMPETITION, H, ("职工乒乓球比赛", "“工会杯”职工乒乓球团体赛"),
        ("table_tennis",), (("places", 1),), (32, 64), (((5,), time(9), time(17)),),
        partner=(PartnerKind.ASSOCIATION, "{city}职工体育协会"), members_only=True,
    ),
    EventKind(
        "chess", ActivityKind.COMPETITION, C, ("职工象棋比赛", "职工围棋比赛"), ("chess_cards",),
        (("places", 1),), (24, 48), (((5, 6), time(9), time(12)),), members_only=True,
    ),
    EventKind(
        "skills", ActivityKind.COMPETITION, E, tuple(f"职工技能比武：{t}" for t in TRADES),
        ("skill_training", "multi_function_hall"), (("places", 1),), (20, 40), (((5,), time(9), time(12)),),
        partner=(PartnerKind.ENTERPRISE, "enterprise"),
    ),
    EventKind(
        "job_fair", ActivityKind.JOB_FAIR, S, tuple(f"直播荐岗：{i}企业专场" for i in INDUSTRIES), (),
        (("open", 2), ("none", 1)), (0, 0), (((1, 2, 3), time(14, 30), time(16)),),
        speaker=("{city}总工会职工服务中心就业指导员 {name}",),
        partner=(PartnerKind.ENTERPRISE, "enterprise"), online=True, weight=1.5,
    ),
    EventKind(
        "mixer", ActivityKind.MIXER, C, ("“缘聚{unit}”单身职工联谊会", "“花开有约”青年职工交友活动"),
        ("dance_hall", "multi_function_hall", "folk_stage"), (("places", 1),), (40, 80),
        (((5,), time(14, 30), time(17)),), partner=(PartnerKind.ENTERPRISE, "enterprise"), members_only=True,
    ),
)  # fmt: skip
MAY_LECTURE = EventKind(
    "may_lecture", ActivityKind.LECTURE, E, tuple(f"五一课堂：{t}" for t in MAY_TOPICS),
    ("multi_function_hall", "classroom", "theatre"), (("places", 2), ("open", 1)), (60, 150),
    (((0, 1, 2, 3, 4, 5), time(9, 30), time(11, 30)),),
    speaker=("{city}总工会法律顾问 {name}", "{city}劳动人事争议仲裁院仲裁员 {name}"),
)  # fmt: skip
EVENT_DESCRIPTIONS = {
    "model_lecture": "劳模工匠讲述岗位上的奋斗故事，现场交流互动。",
    "performance": "职工文艺骨干倾情演出，免费观看。",
    "table_tennis": "以单位或个人名义报名，分组循环赛后进行淘汰赛。",
    "chess": "按报名顺序编排，采用积分编排制。",
    "skills": "理论考试与实操比赛相结合，优胜者推荐参加市级比赛。",
    "job_fair": "线上直播推介岗位，求职者可在直播间投递简历、预约面试。",
    "mixer": "破冰游戏、才艺展示与自由交流，为单身职工搭建交友平台。",
    "may_lecture": "五一期间开讲，帮助职工了解法律知识、维护自身权益。",
}

# Worker voice: (title, description, centre).
WISHES: tuple[tuple[str, str, str], ...] = (
    ("开设周末亲子书法班", "双职工家庭周末想和孩子一起学书法，希望开一个亲子班。", E),
    ("瑜伽班再多开一个班", "瑜伽班每学期都抽不上，希望多开一个班，或者换个大一点的场地。", H),
    ("开设Python办公自动化课程", "想学点编程处理表格和报表，希望夜校开设入门课程。", E),
    ("开设中式面点制作课", "想学包子、花卷等面点制作，周末上课最好。", E),
    ("羽毛球场晚上延长开放到22点", "下班后来打球时间太紧，希望晚上多开一个小时。", H),
    ("多举办单身青年联谊活动", "园区单身职工多，希望每季度办一次联谊活动。", C),
    ("开设吉他弹唱班", "希望有零基础的吉他课，晚上七点以后上课。", C),
    ("举办职场心理健康讲座", "工作压力大，希望请专业老师讲讲情绪管理。", E),
    ("开设游泳培训班", "成年人零基础游泳，希望有教练带。", H),
    ("开设八段锦晨练班", "早上上班前想锻炼一下，希望周末早上有八段锦。", H),
    ("开设电商直播带货培训", "想学直播带货，帮家乡卖农产品。", E),
    ("开设剪纸非遗体验课", "想让孩子了解非遗，希望开设剪纸体验课。", C),
    ("开设智能手机使用课程（为父母报名）", "家里老人不会用手机挂号、缴费，希望开班教一教。", E),
    ("开设摄影后期修图课", "学了摄影基础，希望接着学后期修图。", E),
)
WISH_DECLINES = (
    "文化宫暂无符合安全条件的场地，已转交市职工体育中心统筹安排，感谢您的建议。",
    "经调查报名意向不足，本学期暂不开设，我们会持续关注大家的需求。",
    "该需求涉及收费培训，不属于文化宫公益课程范围，可咨询就业服务窗口了解补贴培训项目。",
)
COURSE_COMMENTS = (
    "老师讲得很细致，收获很大。", "内容实用，希望多开几期。", "老师很耐心，每个人都单独指导。",
    "节奏稍快，零基础跟得有点吃力。", "教室空调有点冷，其他都很好。", "下班后来上课很放松，坚持下来了。",
    "同学们氛围很好，期待结课作品展。", "希望能提供课件或视频回看。",
)  # fmt: skip
EVENT_COMMENTS = (
    "讲得很接地气，深受鼓舞。", "组织有序，签到很快。", "节目精彩，下次还来。", "场地有点小，人太多了。",
    "直播很清楚，岗位信息很实用。", "认识了不少新朋友，希望多办。",
)  # fmt: skip
VENUE_COMMENTS = (
    "场地干净，预约方便。", "灯光有点暗，希望改善。", "工作人员态度很好。", "更衣室有点挤。",
    "性价比很高，经常来。",
)  # fmt: skip
HIDDEN_COMMENT = "代办各类职业资格证书，包过，联系微信 zhengshu8888"
HIDDEN_REASON = "广告信息"
STARS, STAR_WEIGHTS = (5, 4, 3, 2, 1), (52, 31, 11, 4, 2)


# --- The plan in memory -----------------------------------------------------------------------------


@dataclass(eq=False)
class _Person:
    user_id: int
    phone: str
    member: bool
    new_form: bool
    counted: Counter = field(default_factory=Counter)  # counted sign-ups by term
    families: Counter = field(default_factory=Counter)  # counted sign-ups by course family


@dataclass(eq=False)
class _Term:
    palace: Palace
    key: str  # "short", "current", "next"
    name: str
    starts_on: date
    ends_on: date
    opens: datetime
    closes: datetime
    max_courses: int
    row: Term | None = None


@dataclass(eq=False)
class _Offer:
    palace: Palace
    venue: Venue | None
    kind: str
    title: str
    capacity: int | None
    lottery: bool
    members_only: bool
    fee: int
    published: bool
    opens: datetime | None
    closes: datetime
    offer_minutes: int
    created: datetime
    sessions: list[PlannedSession]
    term: _Term | None = None
    family: object | None = None  # the root course: one section per person
    drawn_at: datetime | None = None
    taken: int = 0
    waiting_count: int = 0
    signups: list[_Signup] = field(default_factory=list)
    people: set[int] = field(default_factory=set)
    row: Offering | None = None
    occurrences: list[_Session] = field(default_factory=list)

    @property
    def held(self) -> list[PlannedSession]:
        return [s for s in self.sessions if not s.skipped]

    @property
    def starts(self) -> datetime:
        return self.held[0].start

    @property
    def ends(self) -> datetime:
        return self.held[-1].end

    def waiting(self) -> list[_Signup]:
        queue = [s for s in self.signups if s.status == Status.WAITLISTED]
        return sorted(queue, key=lambda s: (s.queue_rank is None, s.queue_rank or 0, s.created))


@dataclass(eq=False, slots=True)
class _Session:
    """A written `Occurrence`, as far as attendance and ratings need it."""

    pk: int
    palace_id: int
    venue_id: int | None
    start: datetime
    end: datetime
    local_date: date
    cancelled: bool


@dataclass(eq=False)
class _Signup:
    offer: _Offer
    person: _Person
    status: str
    created: datetime
    code: str
    held_from: datetime | None = None  # when the place became theirs (attendance from then)
    cancelled_at: datetime | None = None
    offer_expires_at: datetime | None = None
    checked_in_at: datetime | None = None
    queue_rank: int | None = None
    round: int | None = None  # a drawn lottery's priority round
    habit: tuple[float, int] = (0.9, 10_000)  # attendance: chance per session, sessions until dropping out
    missed: frozenset[int] | None = None  # the demo accounts: exactly these held sessions missed
    pk: int | None = None


@dataclass(eq=False)
class _Course:
    offer: _Offer
    term: _Term
    kind: CourseKind
    title: str
    venue: Venue
    teacher: str
    partner: str
    weekdays: list[int]
    starts_at: time
    ends_at: time
    rounds: list[str]
    completion_percent: int
    state: str
    created_by: User | None
    section_of: _Course | None = None
    section_label: str = ""
    row: Course | None = None


@dataclass(eq=False)
class _Event:
    palace: Palace
    kind: EventKind
    title: str
    venue: Venue | None
    online_url: str
    starts: datetime
    ends: datetime
    speaker: str
    partner_kind: str
    partner_name: str
    description: str
    state: str
    created: datetime
    created_by: User | None
    offer: _Offer | None = None
    row: Event | None = None


@dataclass(eq=False)
class _Draw:
    course: _Course
    rounds: list[str]
    boundary: int  # the round in which the places ran out
    losers: set[int]  # ids of the persons of that round who wait
    seed_base: int


class _Planner:
    def __init__(self, ctx: DemoContext, rng: random.Random):
        self.ctx = ctx
        self.rng = rng
        self.now = _aware(ctx.today, DEMO_HOUR)
        self.demo_palace = ctx.palace(DEMO_PALACE_NAME)
        self.staff = ctx.users["palace_staff"]
        self.manager = ctx.users["palace_manager"]
        self.codes: set[str] = set(Booking.objects.values_list("check_in_code", flat=True))
        self.terms: list[_Term] = []
        self.courses: list[_Course] = []
        self.events: list[_Event] = []
        self.offers: list[_Offer] = []
        self.draws: list[_Draw] = []
        self.closures: dict[int, list[Closure]] = defaultdict(list)
        for closure in Closure.objects.order_by("start_date", "pk"):
            self.closures[closure.palace_id].append(closure)
        # Weekly use of each venue per term, and dated use by events: no two things at once.
        self.weekly: dict[int, list[tuple[int, time, time, date, date]]] = defaultdict(list)
        self.dated: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        self.families: dict[int, list[_Offer]] = defaultdict(list)  # the sections of each course
        self.palaces: list[Palace] = []
        self.titles: dict[int, set[str]] = defaultdict(set)  # event titles used per palace
        self.worker: _Person | None = None
        self.second: _Person | None = None

    # --- Helpers ---------------------------------------------------------------------------------

    def code(self) -> str:
        while True:
            value = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if value not in self.codes:
                self.codes.add(value)
                return value

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_FIRST) + self.rng.choice(GIVEN_SECOND)

    def actor(self, palace: Palace, manager: bool = False) -> User | None:
        """Who did it: the demo palace's demo staff (seen on their pages); elsewhere staff not in the demo."""
        if palace.pk != self.demo_palace.pk:
            return None
        return self.manager if manager else self.staff

    def closed(self, palace: Palace, venue: Venue | None, day: date) -> bool:
        return any(
            c.start_date <= day <= c.end_date and c.venue_id in (None, venue.pk if venue else None)
            for c in self.closures[palace.pk]
        )

    def free(self, venue: Venue, weekdays, starts: time, ends: time, first: date, last: date) -> bool:
        for day, s, e, since, until in self.weekly[venue.pk]:
            if day in weekdays and s < ends and starts < e and since <= last and first <= until:
                return False
        for s, e in self.dated[venue.pk]:
            local = _local(s)
            if (
                first <= local.date() <= last
                and local.weekday() in weekdays
                and local.time() < ends
                and starts < _local(e).time()
            ):
                return False
        return True

    def free_at(self, venue: Venue, start: datetime, end: datetime) -> bool:
        local_start, local_end = _local(start), _local(end)
        day = local_start.date()
        for wd, s, e, since, until in self.weekly[venue.pk]:
            if (
                wd == day.weekday()
                and since <= day <= until
                and s < local_end.time()
                and local_start.time() < e
            ):
                return False
        return all(not (s < end and start < e) for s, e in self.dated[venue.pk])

    # --- Sign-ups: the offering rules --------------------------------------------------------------

    def _counters(self, signup: _Signup, old: str, new: str) -> None:
        offer, person = signup.offer, signup.person
        delta = (new in COUNTED) - (old in COUNTED)
        if delta and offer.term is not None:
            person.counted[id(offer.term)] += delta
            person.families[id(offer.family)] += delta
        offer.taken += (new in HOLDING) - (old in HOLDING)
        offer.waiting_count += (new == Status.WAITLISTED) - (old == Status.WAITLISTED)
        if offer.capacity is not None and offer.taken > offer.capacity:
            raise ValueError(f"demo offering overbooked: {offer.title}")

    def status(self, signup: _Signup, new: str, at: datetime | None = None) -> None:
        old = signup.status
        signup.status = new
        self._counters(signup, old, new)
        if new == Status.CANCELLED:
            signup.cancelled_at = at
        if new in (Status.CONFIRMED, Status.CHECKED_IN) and signup.held_from is None:
            signup.held_from = at

    def refusal(self, person: _Person, offer: _Offer, limits: bool = True) -> bool:
        if offer.members_only and not person.member:
            return True
        if person.user_id in offer.people:
            return True
        if limits and offer.term is not None:
            if person.families[id(offer.family)] > 0:
                return True
            if person.counted[id(offer.term)] >= offer.term.max_courses:
                return True
        return False

    def enrol(self, person: _Person, offer: _Offer, at: datetime, *, invite: bool = False) -> _Signup | None:
        """`offering_enrol`: confirmed while places last and nobody waits, else waitlisted; a
        lottery not drawn yet takes applications. `invite`: put on a new section's waitlist."""
        if self.refusal(person, offer, limits=not invite):
            return None
        signup = _Signup(offer, person, Status.CANCELLED, at, self.code())
        if invite:
            new = Status.WAITLISTED
        elif offer.lottery and (offer.drawn_at is None or at < offer.drawn_at):
            new = Status.PENDING
        elif not offer.waiting_count and (offer.capacity is None or offer.taken < offer.capacity):
            new = Status.CONFIRMED
        else:
            new = Status.WAITLISTED
        self.status(signup, new, at)  # counted from nothing
        signup.habit = self.habit()
        offer.signups.append(signup)
        offer.people.add(person.user_id)
        return signup

    def habit(self) -> tuple[float, int]:
        r = self.rng.random()
        if r < 0.68:
            return (self.rng.uniform(0.85, 1.0), 10_000)
        if r < 0.88:
            return (self.rng.uniform(0.55, 0.85), 10_000)
        return (self.rng.uniform(0.7, 0.95), self.rng.randint(1, 6))  # drops out after a few

    def withdraw(self, signup: _Signup, at: datetime) -> None:
        """`booking_cancel`: the place goes to the next person waiting, as an offer."""
        held = signup.status in HOLDING
        self.status(signup, Status.CANCELLED, at)
        if held:
            self.offer_freed(signup.offer, at)

    def offer_freed(self, offer: _Offer, at: datetime) -> None:
        """`offering_offer_freed`, and what became of each offer by the demo's "now"."""
        if at >= offer.ends or (offer.lottery and offer.drawn_at is None):
            return
        for candidate in offer.waiting():
            if offer.capacity is not None and offer.taken >= offer.capacity:
                return
            if candidate.status != Status.WAITLISTED:
                continue  # offered meanwhile, by the offer an expired one passed on
            person = candidate.person
            if offer.term is not None and (
                person.families[id(offer.family)] > 0
                or person.counted[id(offer.term)] >= offer.term.max_courses
            ):
                continue
            self.status(candidate, Status.OFFERED, at)
            candidate.offer_expires_at = min(at + timedelta(minutes=offer.offer_minutes), offer.ends)
            self.resolve(candidate, at)

    def resolve(self, signup: _Signup, offered: datetime) -> None:
        expires = signup.offer_expires_at
        rng = self.rng
        if expires <= self.now:
            if rng.random() < 0.85:
                self.accept(signup, _between(rng, offered + timedelta(minutes=2), expires, skew=2.0))
            else:
                self.status(signup, Status.EXPIRED, expires)
                self.offer_freed(signup.offer, expires)
        elif rng.random() < 0.4:
            self.accept(signup, _between(rng, offered + timedelta(minutes=2), self.now, skew=1.5))

    def accept(self, signup: _Signup, at: datetime) -> None:
        """`offer_accept`: the place is theirs; they stop waiting for the other sections."""
        signup.offer_expires_at = None
        self.status(signup, Status.CONFIRMED, at)
        if signup.offer.family is None:
            return
        for offer in self.families[id(signup.offer.family)]:
            if offer is signup.offer:
                continue
            for other in offer.signups:
                if other.person is signup.person and other.status in (Status.WAITLISTED, Status.PENDING):
                    self.status(other, Status.CANCELLED, at)

    def expire_waits(self, offer: _Offer) -> None:
        """`offering_waits_expire`: waits and applications of an offering that has ended."""
        if offer.ends <= self.now:
            for signup in offer.signups:
                if signup.status in (Status.WAITLISTED, Status.PENDING):
                    self.status(signup, Status.EXPIRED, offer.ends)


# --- Palaces, people and terms ----------------------------------------------------------------------


def _palaces(plan: _Planner, rooms: dict[int, list[Venue]]) -> list[Palace]:
    ctx, rng = plan.ctx, plan.rng
    in_service = [p for p in ctx.palaces if p.status == Palace.Status.IN_SERVICE]
    city = [p for p in in_service if p.level == Palace.Level.CITY]
    county = [
        p
        for p in in_service
        if p.level == Palace.Level.COUNTY and any(v.kind in ROOMS for v in rooms.get(p.pk, ()))
    ]
    chosen = city + rng.sample(county, min(COUNTY_PALACES, len(county)))
    if plan.demo_palace not in chosen:
        chosen.insert(0, plan.demo_palace)
    return chosen


def _people(plan: _Planner) -> list[_Person]:
    """The bookings step's demo workers; a few have ticked "new employment form" on their profile."""
    rng = plan.rng
    rows = list(
        User.objects.filter(phone__startswith=POOL_PHONE_PREFIX)
        .order_by("phone")
        .values_list("pk", "phone", "membership_number")
    )
    new_form = {pk for pk, _phone, _m in rows if rng.random() < NEW_FORM_SHARE}
    if new_form:
        User.objects.filter(pk__in=new_form).update(new_form_worker=True)
    pool = [_Person(pk, phone, bool(m), pk in new_form) for pk, phone, m in rows]
    users = plan.ctx.users
    plan.worker = _Person(users["worker"].pk, users["worker"].phone, True, False)
    plan.second = _Person(users["worker_non_member"].pk, users["worker_non_member"].phone, False, False)
    return pool


def _seasons(today: date) -> tuple[tuple[str, date, date], tuple[str, date, date]]:
    """(name, first day, last day) of the term under way (begun at least a week ago) and the next."""
    terms = []
    for year in (today.year - 1, today.year, today.year + 1):
        spring = _monday_on_or_after(date(year, 3, 1))
        autumn = _monday_on_or_after(date(year, 9, 1))
        terms.append((f"{year}年春季职工夜校", spring, spring + timedelta(weeks=17, days=-1)))
        terms.append((f"{year}年秋季职工夜校", autumn, autumn + timedelta(weeks=19, days=-1)))
    terms.sort(key=lambda t: t[1])
    current = max(i for i, t in enumerate(terms) if t[1] <= today - timedelta(days=7))
    return terms[current], terms[current + 1]


def _terms(plan: _Planner, palace: Palace, level: str) -> dict[str, _Term]:
    rng, today = plan.rng, plan.ctx.today
    (name, first, last), (next_name, next_first, next_last) = _seasons(today)
    terms = {
        "current": _Term(
            palace, "current", name, first, last,
            _aware(first - timedelta(days=24), time(9)), _aware(first - timedelta(days=7), time(20)),
            rng.choice((2, 3)) if palace is not plan.demo_palace else 2,
        ),
        "next": _Term(
            palace, "next", next_name, next_first, next_last,
            _aware(today - timedelta(days=3), time(9)), _aware(today + timedelta(days=10), time(20)),
            rng.choice((2, 3)) if palace is not plan.demo_palace else 3,
        ),
    }  # fmt: skip
    if COURSES[level][2][1]:
        short_last = first - timedelta(days=15)
        short_first = short_last - timedelta(weeks=6, days=-1)
        season = "暑期" if first.month >= 8 else "寒假"
        opens = _aware(short_first - timedelta(days=21), time(9))
        closes = _aware(short_first - timedelta(days=3), time(20))
        name = f"{short_first.year}年{season}职工技能速成班"
        terms["short"] = _Term(palace, "short", name, short_first, short_last, opens, closes, max_courses=2)
    plan.terms.extend(terms.values())
    return terms


# --- Courses ----------------------------------------------------------------------------------------


def _sessions_plan(
    plan: _Planner, *, palace: Palace, venue: Venue, weekdays, starts_at: time, ends_at: time, first: date,
    last: date,
) -> list[PlannedSession]:  # fmt: skip
    """`activities.classes.services.sessions_plan`, on the closures read once: every weekly meeting
    from `first` to `last`, marked with the reason of the first closure (by start) of the palace or
    the venue covering its day."""
    closures = [
        c
        for c in plan.closures[palace.pk]
        if c.start_date <= last and c.end_date >= first and c.venue_id in (None, venue.pk)
    ]
    days = set(weekdays)
    sessions = []
    day = first
    while day <= last:
        if day.weekday() in days:
            closed = next((c for c in closures if c.start_date <= day <= c.end_date), None)
            sessions.append(
                PlannedSession(_aware(day, starts_at), _aware(day, ends_at), closed.reason if closed else "")
            )
        day += timedelta(days=1)
    return sessions


def _city_name(palace: Palace) -> str:
    region = palace.region
    return region.name if palace.level == Palace.Level.CITY else region.parent.name


def _course(
    plan: _Planner,
    term: _Term,
    kind: CourseKind,
    rooms: list[Venue],
    *,
    times: tuple[Times, ...] | None = None,
    lottery: bool = False,
    capacity: int | None = None,
    created: datetime,
    section_of: _Course | None = None,
    section_label: str = "",
    first: date | None = None,
    state: str = PUBLISHED,
) -> _Course | None:
    """A course of `kind` at the first of its rooms free at one of its times, or None."""
    rng, palace = plan.rng, term.palace
    first = first or term.starts_on
    options = list(times or kind.times)
    rng.shuffle(options)
    for room_kind in kind.rooms:
        for venue in [v for v in rooms if v.kind == room_kind]:
            for weekdays, starts_at, ends_at in options:
                if not plan.free(venue, weekdays, starts_at, ends_at, first, term.ends_on):
                    continue
                sessions = _sessions_plan(
                    plan, palace=palace, venue=venue, weekdays=weekdays, starts_at=starts_at, ends_at=ends_at,
                    first=first, last=term.ends_on,
                )  # fmt: skip
                sessions = [s for s in sessions if s.start > created]
                if not any(not s.skipped for s in sessions):
                    continue
                for day in weekdays:
                    plan.weekly[venue.pk].append((day, starts_at, ends_at, first, term.ends_on))
                return _new_course(
                    plan, term, kind, venue, list(weekdays), starts_at, ends_at, sessions,
                    lottery=lottery, capacity=capacity, created=created, section_of=section_of,
                    section_label=section_label, state=state,
                )  # fmt: skip
    return None


def _new_course(
    plan: _Planner, term: _Term, kind: CourseKind, venue: Venue, weekdays, starts_at, ends_at, sessions, *,
    lottery, capacity, created, section_of, section_label, state,
) -> _Course:  # fmt: skip
    rng, palace = plan.rng, term.palace
    if section_of is not None:
        title, teacher, partner = section_of.title, section_of.teacher, section_of.partner
        members_only, fee = section_of.offer.members_only, section_of.offer.fee
    else:
        title = rng.choice(kind.titles)
        partner = ""
        if kind.partners and rng.random() < kind.partner_share:
            partner = rng.choice(kind.partners).format(city=_city_name(palace))
        teacher = plan.name()
        members_only = rng.random() < 0.08
        fee = kind.fee
    if capacity is None:
        capacity = min(venue.capacity, rng.choice((20, 24, 25, 30, 30, 32, 35, 40)))
    offer = _Offer(
        palace=palace,
        venue=venue,
        kind=COURSE,
        title=f"{title}（{section_label}）" if section_label else title,
        capacity=max(capacity, 12),
        lottery=lottery,
        members_only=members_only,
        fee=fee,
        published=state == PUBLISHED,
        opens=term.opens if section_of is None else created,
        closes=term.closes if section_of is None else max(term.closes, created + timedelta(days=7)),
        offer_minutes=24 * 60,
        created=created,
        sessions=sessions,
        term=term,
    )
    course = _Course(
        offer=offer,
        term=term,
        kind=kind,
        title=title,
        venue=venue,
        teacher=teacher,
        partner=partner,
        weekdays=weekdays,
        starts_at=starts_at,
        ends_at=ends_at,
        rounds=[],
        completion_percent=80 if kind.skill else 75,
        state=state,
        created_by=plan.actor(palace),
        section_of=section_of,
        section_label=section_label,
    )
    offer.family = section_of or course
    plan.families[id(offer.family)].append(offer)
    plan.courses.append(course)
    plan.offers.append(offer)
    return course


def _pick_kinds(plan: _Planner, rooms: list[Venue], n: int, *, first: tuple[str, ...] = (), skill=False):
    kinds = [k for k in COURSE_KINDS if (k.skill or not skill) and any(v.kind in k.rooms for v in rooms)]
    chosen = [KINDS_BY_KEY[key] for key in first if KINDS_BY_KEY[key] in kinds]
    rest = [k for k in kinds if k not in chosen]
    plan.rng.shuffle(rest)
    return (chosen + rest)[: max(n, len(chosen))]


def _term_courses(
    plan: _Planner,
    term: _Term,
    rooms: list[Venue],
    n: int,
    *,
    first=(),
    lotteries=(),
    skill=False,
    times=None,
) -> list[_Course]:
    rng = plan.rng
    created = _aware(
        (term.opens - timedelta(days=rng.randint(3, 10))).date(),
        time(rng.randint(9, 16), rng.choice((0, 30))),
    )
    courses = []
    for kind in _pick_kinds(plan, rooms, n, first=first, skill=skill):
        course = _course(plan, term, kind, rooms, times=times, lottery=kind.key in lotteries, created=created)
        if course is not None:
            courses.append(course)
    return courses


def _demand(plan: _Planner, course: _Course, factor: float) -> int:
    return max(3, round(course.offer.capacity * course.kind.popularity * factor * plan.rng.uniform(0.5, 1.1)))


Try = tuple[datetime, _Person, _Offer]


def _sign_ups(
    plan: _Planner, courses: list[_Course], catchment: list[_Person], *, until: datetime,
    wanted: dict[_Course, int], fixed: tuple[Try, ...] = (),
) -> dict[tuple[int, int], _Signup]:  # fmt: skip
    """Everyone who wants a course tries in the enrolment window, in the order they came (the demo
    accounts' tries, `fixed`, among them). Returns the demo accounts' sign-ups by (person, offer)."""
    rng = plan.rng
    tries: list[Try] = list(fixed)
    for course in courses:
        offer = course.offer
        if not offer.published or course not in wanted:
            continue
        skew = 2.5 if course.kind.popularity >= 1.2 else 1.3
        people = [p for p in catchment if p.member or not offer.members_only]
        for person in rng.sample(people, min(wanted[course], len(people))):
            tries.append((_between(rng, offer.opens, until, skew=skew), person, offer))
    tries.sort(key=lambda t: (t[0], t[1].user_id))
    mine = {}
    for at, person, offer in tries:
        signup = plan.enrol(person, offer, at)
        if any(person is p and offer is o for _at, p, o in fixed):
            if signup is None or signup.status != (Status.PENDING if offer.lottery else Status.CONFIRMED):
                raise ValueError(f"demo account not enrolled in {offer.title}")
            mine[(person.user_id, id(offer))] = signup
    return mine


def _round_of(person: _Person, rounds: list[str]) -> int:
    """`activities.classes.services.lottery._round_of` (no first-timer round in the drawn demo lotteries)."""
    for index, key in enumerate(rounds):
        if key == PriorityRound.NEW_FORM_WORKER and person.new_form:
            return index
        if key == PriorityRound.MEMBER and person.member:
            return index
    return len(rounds)


def _lottery_applications(
    plan: _Planner,
    course: _Course,
    catchment: list[_Person],
    rounds: list[str],
    extra: tuple[_Person, ...] = (),
) -> _Draw:
    """A lottery's applications in the window; `_draw` settles it the morning after it closed.

    The first rounds win outright and the places run out inside the members' round, where
    `LOSERS` members wait: who they are is drawn here, and the seed is later chosen so that
    `draw_order` of the written applications gives exactly this outcome (see `_draw_seed`).
    The demo accounts in `extra` win when in the members' round.
    """
    rng, offer = plan.rng, course.offer
    course.rounds = rounds
    by_round: dict[int, list[_Person]] = defaultdict(list)
    for person in catchment:
        if not plan.refusal(person, offer):
            by_round[_round_of(person, rounds)].append(person)
    boundary = len(rounds) - 1  # the members' round
    ahead = [p for r in range(boundary) for p in rng.sample(by_round[r], min(len(by_round[r]), 3))]
    extra_rounds = [_round_of(p, rounds) for p in extra]
    ahead += [p for p, r in zip(extra, extra_rounds, strict=True) if r < boundary]
    in_boundary = [p for p, r in zip(extra, extra_rounds, strict=True) if r == boundary]
    need = offer.capacity - len(ahead) + LOSERS - len(in_boundary)
    in_boundary += rng.sample(by_round[boundary], need)
    behind = [p for p, r in zip(extra, extra_rounds, strict=True) if r > boundary]
    others = by_round[len(rounds)]
    behind += rng.sample(others, min(len(others), round(offer.capacity * rng.uniform(0.8, 1.6))))
    losers = rng.sample([p for p in in_boundary if p not in extra], LOSERS)
    for person in ahead + in_boundary + behind:
        signup = plan.enrol(person, offer, _between(rng, offer.opens, offer.closes, skew=2.0))
        if signup is None:
            raise ValueError(f"demo lottery application refused: {course.title}")
        signup.round = _round_of(person, rounds)
    draw = _Draw(course, rounds, boundary, {p.user_id for p in losers}, rng.getrandbits(128))
    plan.draws.append(draw)
    return draw


def _draw(plan: _Planner, draw: _Draw) -> None:
    """The draw, the morning after enrolment closed: the first in order enrolled, the rest waiting."""
    offer = draw.course.offer
    offer.drawn_at = offer.closes + timedelta(hours=14)
    for signup in offer.signups:
        won = signup.round < draw.boundary or (
            signup.round == draw.boundary and signup.person.user_id not in draw.losers
        )
        plan.status(signup, Status.CONFIRMED if won else Status.WAITLISTED, offer.drawn_at)


def _withdrawals(plan: _Planner, courses: list[_Course], *, after: datetime, share: float) -> None:
    """Some holders withdraw (before the term or during it); their places are offered on."""
    rng = plan.rng
    leaving = []
    for course in courses:
        offer = course.offer
        if offer.drawn_at is not None or not offer.published:
            continue  # a drawn lottery stays as it was drawn: its audit shows every place
        for signup in offer.signups:
            if signup.status != Status.CONFIRMED or signup.person in (plan.worker, plan.second):
                continue
            if rng.random() < share:
                leaving.append((_between(rng, max(after, signup.created), min(plan.now, offer.ends)), signup))
    leaving.sort(key=lambda t: (t[0], t[1].code))
    for at, signup in leaving:
        if signup.status == Status.CONFIRMED:
            plan.withdraw(signup, at)


def _open_section(plan: _Planner, root: _Course, rooms: list[Venue]) -> None:
    """Yesterday afternoon staff opened a second section for the overflowing course: its places are
    offered to the course's waitlist in order (`section_open`), a few already accepted."""
    rng = plan.rng
    opened = plan.now - timedelta(hours=rng.randint(15, 18))
    # No session of the new section has been held yet: none yesterday or today.
    avoid = {_local(opened).weekday(), plan.ctx.today.weekday()}
    times = tuple(t for t in root.kind.times if not set(t[0]) & avoid and list(t[0]) != root.weekdays)
    section = _course(
        plan, root.term, root.kind, rooms, times=times, capacity=min(25, root.offer.capacity),
        created=opened, section_of=root, section_label="二班", first=_local(opened).date(),
    )  # fmt: skip
    if section is None:
        return
    for position, waiting in enumerate(root.offer.waiting(), start=1):
        signup = plan.enrol(waiting.person, section.offer, opened, invite=True)
        if signup is not None:
            signup.queue_rank = position
    plan.offer_freed(section.offer, opened)


def _courses_of(
    plan: _Planner, palace: Palace, level: str, terms: dict[str, _Term], rooms: list[Venue],
    catchment: list[_Person],
) -> None:  # fmt: skip
    rng = plan.rng
    demo = palace is plan.demo_palace
    counts = COURSES[level]
    worker, second = plan.worker, plan.second

    # The skills course before this term: finished, most completed it.
    short = terms.get("short")
    if short is not None:
        courses = _term_courses(
            plan, short, rooms, rng.randint(*counts[2]), first=DEMO_SHORT if demo else (), skill=True,
            times=SHORT_TIMES,
        )  # fmt: skip
        wanted = {c: _demand(plan, c, 1.0) for c in courses}
        fixed = ()
        if demo and courses and courses[0].kind.key == DEMO_SHORT[0]:
            fixed = ((short.opens + timedelta(minutes=47), worker, courses[0].offer),)
        for signup in _sign_ups(
            plan, courses, catchment, until=short.closes, wanted=wanted, fixed=fixed
        ).values():
            signup.missed = frozenset({3})  # the member missed one session of twelve: completed
        _withdrawals(plan, courses, after=short.closes, share=0.04)
        for course in courses:
            plan.expire_waits(course.offer)

    # This term: under way, enrolment closed weeks ago; a lottery drawn at every city-level palace.
    current = terms["current"]
    first = (DEMO_WORKER_COURSE, DEMO_DRAWN, DEMO_OVERFLOW) if demo else ()
    courses = _term_courses(plan, current, rooms, rng.randint(*counts[0]), first=first)
    drawn = None
    if level != "county" and courses:
        candidates = [c for c in courses if c.kind.key == DEMO_DRAWN] if demo else []
        drawn = (candidates or sorted(courses, key=lambda c: -c.kind.popularity))[0]
        drawn.offer.lottery, drawn.offer.members_only = True, False  # open to all, members first
    overflow = None
    if demo:
        overflow = next((c for c in courses if c.kind.key == DEMO_OVERFLOW and c is not drawn), None)
    elif level == "city" and rng.random() < 0.4:
        overflow = next((c for c in courses if c is not drawn and c.kind.popularity >= 1.2), None)
    draw = None
    if drawn is not None and demo:
        rounds = [PriorityRound.NEW_FORM_WORKER, PriorityRound.MEMBER]
        draw = _lottery_applications(plan, drawn, catchment, rounds, extra=(worker, second))
    elif drawn is not None:
        draw = _lottery_applications(plan, drawn, catchment, [PriorityRound.MEMBER])
    wanted = {c: _demand(plan, c, 1.0) for c in courses if c is not drawn}
    if overflow is not None:
        wanted[overflow] = round(overflow.offer.capacity * rng.uniform(1.9, 2.3))
    fixed = ()
    if demo:
        mine = next(c for c in courses if c.kind.key == DEMO_WORKER_COURSE)
        fixed = ((current.opens + timedelta(minutes=12), worker, mine.offer),)
    for signup in _sign_ups(
        plan, courses, catchment, until=current.closes, wanted=wanted, fixed=fixed
    ).values():
        signup.missed = frozenset({2, 7})
    if draw is not None:
        _draw(plan, draw)
    _withdrawals(plan, courses, after=current.closes + timedelta(days=1), share=0.07)
    if demo and overflow is not None:
        _open_section(plan, overflow, rooms)

    # The next term: enrolment open for a few days; its popular courses are lotteries.
    upcoming = terms["next"]
    first = (*DEMO_NEXT_LOTTERIES, DEMO_NEXT_WORKER) if demo else ()
    courses = _term_courses(plan, upcoming, rooms, rng.randint(*counts[1]), first=first)
    if demo:
        lotteries = [c for c in courses if c.kind.key in DEMO_NEXT_LOTTERIES]
    elif level == "city":
        lotteries = [c for c in courses if c.kind.key in NEXT_POPULAR][: rng.randint(0, 2)]
    else:
        lotteries = []
    for course in lotteries:
        course.offer.lottery = True
        course.rounds = rng.choice(
            ([PriorityRound.FIRST_TIMER, PriorityRound.MEMBER], [PriorityRound.MEMBER], [])
        )
    wanted = {c: _demand(plan, c, 0.6) for c in courses}
    for course in lotteries:
        wanted[course] = round(course.offer.capacity * rng.uniform(2.4, 3.6))
    fixed = ()
    if demo:
        # The member applied for the yoga lottery and took a place in flower arranging.
        tries = {"yoga": timedelta(hours=2, minutes=5), DEMO_NEXT_WORKER: timedelta(hours=2, minutes=11)}
        fixed = tuple(
            (upcoming.opens + tries[c.kind.key], worker, c.offer) for c in courses if c.kind.key in tries
        )
        draft = _course(
            plan, upcoming, KINDS_BY_KEY["hulusi"], rooms, created=plan.now - timedelta(hours=29), state=DRAFT
        )
        if draft is not None:
            draft.offer.published = False
    _sign_ups(plan, courses, catchment, until=plan.now, wanted=wanted, fixed=fixed)
    # Withdrawals only where nobody waits yet (no offers while the window is open).
    for course in courses:
        offer = course.offer
        if offer.lottery or offer.waiting_count:
            continue
        for signup in offer.signups:
            if signup.status == Status.CONFIRMED and signup.person is not worker and rng.random() < 0.05:
                plan.withdraw(signup, _between(rng, signup.created + timedelta(minutes=5), plan.now))
    for course in lotteries:
        for signup in course.offer.signups:
            if signup.status == Status.PENDING and signup.person is not worker and rng.random() < 0.03:
                plan.status(
                    signup, Status.CANCELLED, _between(rng, signup.created + timedelta(minutes=5), plan.now)
                )


# --- Events -----------------------------------------------------------------------------------------


def _event_times(plan: _Planner, kind: EventKind, offsets: range, palace: Palace, rooms: list[Venue]):
    """A free day, time and venue for an event of `kind`, `offsets` days from the anchor day."""
    rng, today = plan.rng, plan.ctx.today
    days = list(offsets)
    rng.shuffle(days)
    venues = [v for k in kind.rooms for v in rooms if v.kind == k]
    for offset in days:
        day = today + timedelta(days=offset)
        for weekdays, starts, ends in kind.times:
            if day.weekday() not in weekdays:
                continue
            start, end = _aware(day, starts), _aware(day, ends)
            if start <= plan.now < end or plan.closed(palace, None, day):
                continue
            if kind.online:
                return start, end, None
            for venue in venues:
                if not plan.closed(palace, venue, day) and plan.free_at(venue, start, end):
                    plan.dated[venue.pk].append((start, end))
                    return start, end, venue
    return None


def _event(
    plan: _Planner, palace: Palace, kind: EventKind, rooms: list[Venue], offsets: range,
    state: str = PUBLISHED, registration: str = "",
) -> _Event | None:  # fmt: skip
    rng, now = plan.rng, plan.now
    found = _event_times(plan, kind, offsets, palace, rooms)
    if found is None:
        return None
    start, end, venue = found
    city = _city_name(palace)
    used = plan.titles[palace.pk]
    title = rng.choice([t for t in kind.titles if t not in used] or kind.titles)
    used.add(title)
    title = title.format(unit=palace.region.name, city=city)
    speaker = ""
    if kind.speaker:
        enterprise = rng.choice(ENTERPRISES).format(city=city)
        speaker = rng.choice(kind.speaker).format(city=city, name=plan.name(), enterprise=enterprise)
    partner_kind, partner_name = PartnerKind.NONE.value, ""
    if kind.partner and rng.random() < 0.5:
        partner_kind = kind.partner[0].value
        names = ENTERPRISES if kind.partner[1] == "enterprise" else (kind.partner[1],)
        partner_name = rng.choice(names).format(city=city)
    # Announced one to three weeks ahead (and before the anchor day), early in a working day.
    created = min(start - timedelta(days=rng.randint(7, 21)), now - timedelta(days=rng.randint(1, 6)))
    created = _aware(_local(created).date(), time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))
    event = _Event(
        palace=palace,
        kind=kind,
        title=title,
        venue=venue,
        online_url=f"https://live.example.com/jiangxi/{palace.pk}/{_local(start):%Y%m%d}"
        if kind.online
        else "",
        starts=start,
        ends=end,
        speaker=speaker,
        partner_kind=partner_kind,
        partner_name=partner_name,
        description=EVENT_DESCRIPTIONS[kind.key],
        state=state,
        created=created,
        created_by=plan.actor(palace),
    )
    modes, weights = zip(*kind.registration, strict=True)
    mode = registration or rng.choices(modes, weights=weights)[0]
    if mode != "none":
        capacity = None
        if mode == "places":
            low, high = kind.places
            capacity = rng.randint(low, high)
            if venue is not None:
                capacity = min(capacity, max(venue.capacity, low))
        event.offer = _Offer(
            palace=palace, venue=venue, kind=EVENT, title=title, capacity=capacity, lottery=False,
            members_only=kind.members_only, fee=0, published=state == PUBLISHED, opens=None, closes=start,
            offer_minutes=120, created=created, sessions=[PlannedSession(start, end, "")],
        )  # fmt: skip
        plan.offers.append(event.offer)
    plan.events.append(event)
    return event


def _registrations(
    plan: _Planner,
    event: _Event,
    catchment: list[_Person],
    *,
    full: bool = False,
    fixed: tuple[_Person, ...] = (),
) -> None:
    """Registrations as they came (the demo accounts' first, just after the announcement); people
    withdraw now and then where nobody waits."""
    rng, offer = plan.rng, event.offer
    if offer is None or not offer.published:
        return
    for n, person in enumerate(fixed, start=1):
        signup = plan.enrol(person, offer, offer.created + timedelta(minutes=n))
        if signup is None or signup.status != Status.CONFIRMED:
            raise ValueError(f"demo account not registered for {offer.title}")
    until = min(event.starts, plan.now)
    if offer.capacity is not None:
        wanted = round(offer.capacity * (rng.uniform(1.15, 1.4) if full else rng.uniform(0.35, 0.95)))
    else:
        wanted = rng.randint(15, 70)
    low = offer.created + timedelta(minutes=len(fixed) + 1)
    people = [p for p in catchment if p.member or not offer.members_only]
    people = rng.sample(people, min(wanted, len(people)))
    tries = sorted(
        ((_between(rng, low, until, skew=1.4), p) for p in people), key=lambda t: (t[0], t[1].user_id)
    )
    for at, person in tries:
        plan.enrol(person, offer, at)
    if not offer.waiting_count:
        for signup in offer.signups:
            if signup.status == Status.CONFIRMED and signup.person not in fixed and rng.random() < 0.07:
                plan.withdraw(signup, _between(rng, signup.created + timedelta(minutes=5), until))


def _held(plan: _Planner, event: _Event) -> None:
    """A past event: most of those registered came and were checked in by code at the door."""
    rng, offer = plan.rng, event.offer
    if offer is None:
        return
    for signup in offer.signups:
        if signup.status == Status.CONFIRMED and (signup.person is plan.worker or rng.random() < 0.82):
            at = event.starts - timedelta(minutes=rng.randint(0, 25))
            plan.status(signup, Status.CHECKED_IN, at)
            signup.checked_in_at = at
    plan.expire_waits(offer)


DEMO_PAST_EVENTS = ("model_lecture", "performance", "table_tennis", "chess", "skills", "job_fair", "mixer")
DEMO_NEXT_EVENTS = ("model_lecture", "performance", "table_tennis", "job_fair", "mixer", "skills")
DEMO_FULL_EVENTS = ("table_tennis", "mixer")
EVENTS_PER_PALACE = {"demo": (7, 6), "city": (4, 3), "county": (2, 2)}  # past, coming


def _events_of(
    plan: _Planner, palace: Palace, level: str, rooms: list[Venue], catchment: list[_Person]
) -> None:
    rng, today = plan.rng, plan.ctx.today
    demo = palace is plan.demo_palace
    by_key = {k.key: k for k in EVENT_KINDS}
    weights = [k.weight for k in EVENT_KINDS]
    n_past, n_next = EVENTS_PER_PALACE[level]
    if demo:
        kinds_past = [by_key[k] for k in DEMO_PAST_EVENTS]
        kinds_next = [by_key[k] for k in DEMO_NEXT_EVENTS]
    else:
        kinds_past = rng.choices(EVENT_KINDS, weights=weights, k=rng.randint(n_past - 1, n_past + 1))
        kinds_next = rng.choices(EVENT_KINDS, weights=weights, k=rng.randint(n_next - 1, n_next + 1))
    # 五一课堂 in the last May before the anchor day.
    may_year = today.year if today > date(today.year, 5, 6) else today.year - 1
    may = (date(may_year, 4, 27) - today).days
    past = []
    if level != "county" or rng.random() < 0.5:
        past.append(_event(plan, palace, MAY_LECTURE, rooms, range(may, may + 9)))
    for kind in kinds_past:
        # At the demo palace the show in the theatre was free, announced only.
        registration = "none" if demo and kind.key == "performance" else ""
        past.append(_event(plan, palace, kind, rooms, range(-70, 0), registration=registration))
    past = [e for e in past if e is not None]
    coming = []
    for kind in kinds_next:
        registration = ""
        if demo:
            registration = "open" if kind.key == "job_fair" else "places" if kind.places[1] else ""
        event = _event(plan, palace, kind, rooms, range(1, 36), registration=registration)
        if event is not None:
            full = kind.key in DEMO_FULL_EVENTS if demo else rng.random() < 0.15
            coming.append((event, full and event.offer is not None and event.offer.capacity is not None))
    if demo:
        _event(plan, palace, by_key["performance"], rooms, range(20, 45), state=DRAFT, registration="places")
    # The member was at the latest lecture with registration (not rated yet), and registered for
    # the coming 劳模讲堂.
    lectures = [e for e in past if e.kind.kind == ActivityKind.LECTURE and e.offer is not None]
    went = max(lectures, key=lambda e: e.starts) if demo and lectures else None
    going = next((e for e, _full in coming if demo and e.kind.key == "model_lecture" and e.offer), None)
    for event in past:
        _registrations(plan, event, catchment, fixed=(plan.worker,) if event is went else ())
    for event, full in coming:
        _registrations(plan, event, catchment, full=full, fixed=(plan.worker,) if event is going else ())
    for event in past:
        _held(plan, event)


def _write_terms(plan: _Planner) -> None:
    rows = [
        Term(
            palace=t.palace,
            name=t.name,
            starts_on=t.starts_on,
            ends_on=t.ends_on,
            enrolment_opens=t.opens,
            enrolment_closes=t.closes,
            max_courses=t.max_courses,
        )
        for t in plan.terms
    ]
    Term.objects.bulk_create(rows)
    for term, row in zip(plan.terms, rows, strict=True):
        term.row = row


def _write_offers(plan: _Planner) -> None:
    rows = []
    for offer in plan.offers:
        term = offer.term
        rows.append(
            Offering(
                palace_id=offer.palace.pk,
                venue_id=offer.venue.pk if offer.venue else None,
                kind=offer.kind,
                title=offer.title,
                capacity=offer.capacity,
                taken=offer.taken,
                selection=Offering.Selection.LOTTERY if offer.lottery else Offering.Selection.FIRST_COME,
                members_only=offer.members_only,
                fee=Decimal(offer.fee),
                published=offer.published,
                opens_at=offer.opens,
                closes_at=offer.closes,
                starts_at=offer.starts,
                ends_at=offer.ends,
                offer_minutes=offer.offer_minutes,
                limit_group=term.row.limit_group if term else "",
                group_limit=term.max_courses if term else None,
                drawn_at=offer.drawn_at,
                created_at=offer.created,
            )
        )
    Offering.objects.bulk_create(rows, batch_size=500)
    for offer, row in zip(plan.offers, rows, strict=True):
        offer.row = row


def _write_courses(plan: _Planner) -> None:
    """The courses (the first sections, then the others pointing at them), with the time the staff
    entered them; then each offering's family, the first section's id (`course_create`)."""
    for sections in (False, True):
        courses = [c for c in plan.courses if (c.section_of is not None) == sections]
        _insert(
            Course,
            [
                {
                    "palace_id": c.term.palace.pk,
                    "term_id": c.term.row.pk,
                    "offering_id": c.offer.row.pk,
                    "section_of_id": c.section_of.row.pk if c.section_of else None,
                    "section_label": c.section_label,
                    "title": c.title,
                    "centre": c.kind.centre,
                    "venue_id": c.venue.pk,
                    "teacher": c.teacher,
                    "partner": c.partner,
                    "weekdays": c.weekdays,
                    "starts_at": c.starts_at,
                    "ends_at": c.ends_at,
                    "description": c.kind.description,
                    "picture": "",
                    "priority_rounds": [str(r) for r in c.rounds],
                    "completion_percent": c.completion_percent,
                    "state": c.state,
                    "created_by_id": c.created_by.pk if c.created_by else None,
                    "created_at": c.offer.created,
                }
                for c in courses
            ],
        )
        ids = dict(Course.objects.values_list("offering_id", "pk"))
        for course in courses:
            course.row = Course(pk=ids[course.offer.row.pk])
    root = Course.objects.filter(offering_id=OuterRef("pk")).values(root=Coalesce("section_of_id", "id"))[:1]
    Offering.objects.filter(kind=COURSE, family="").update(
        family=Concat(Value("course:"), Cast(Subquery(root), CharField()))
    )


def _write_events(plan: _Planner) -> None:
    _insert(
        Event,
        [
            {
                "palace_id": e.palace.pk,
                "offering_id": e.offer.row.pk if e.offer else None,
                "title": e.title,
                "kind": e.kind.kind,
                "centre": e.kind.centre,
                "venue_id": e.venue.pk if e.venue else None,
                "online_url": e.online_url,
                "starts_at": e.starts,
                "ends_at": e.ends,
                "local_date": _local(e.starts).date(),
                "speaker": e.speaker,
                "partner_kind": e.partner_kind,
                "partner_name": e.partner_name,
                "programme": "",
                "description": e.description,
                "state": e.state,
                "created_by_id": e.created_by.pk if e.created_by else None,
                "created_at": e.created,
            }
            for e in plan.events
        ],
    )
    ids = dict(Event.objects.filter(offering__isnull=False).values_list("offering_id", "pk"))
    for event in plan.events:
        if event.offer is not None:
            event.row = Event(pk=ids[event.offer.row.pk])


def _write_occurrences(plan: _Planner) -> int:
    rows = []
    for offer in plan.offers:
        venue_id = offer.venue.pk if offer.venue else None
        for session in offer.sessions:
            rows.append(
                {
                    "offering_id": offer.row.pk,
                    "palace_id": offer.palace.pk,
                    "venue_id": venue_id,
                    "start": session.start,
                    "end": session.end,
                    "local_date": _local(session.start).date(),
                    "cancelled": bool(session.skipped),
                    "note": session.skipped[:200],
                }
            )
    _insert(Occurrence, rows)
    ids = {
        (offering_id, start): pk
        for pk, offering_id, start in Occurrence.objects.values_list("pk", "offering_id", "start")
    }
    for offer, row in zip((o for o in plan.offers for _s in o.sessions), rows, strict=True):
        offer.occurrences.append(
            _Session(
                ids[(row["offering_id"], row["start"])],
                row["palace_id"],
                row["venue_id"],
                row["start"],
                row["end"],
                row["local_date"],
                row["cancelled"],
            )
        )
    return len(rows)


def _write_signups(plan: _Planner) -> list[_Signup]:
    signups = [s for offer in plan.offers for s in offer.signups]
    rows = []
    for s in signups:
        offer = s.offer
        checked_in_by = plan.actor(offer.palace) if s.checked_in_at else None
        changed = max(t for t in (s.created, s.held_from, s.cancelled_at, s.checked_in_at) if t is not None)
        rows.append(
            {
                "palace_id": offer.palace.pk,
                "venue_id": offer.venue.pk if offer.venue else None,
                "offering_id": offer.row.pk,
                "queue_rank": s.queue_rank,
                "user_id": s.person.user_id,
                "mode": offer.kind,
                "start": offer.starts,
                "end": offer.ends,
                "local_date": _local(offer.starts).date(),
                "status": str(s.status),
                "fee": Decimal(offer.fee),
                "check_in_code": s.code,
                "offer_expires_at": s.offer_expires_at if s.status == Status.OFFERED else None,
                "cancelled_at": s.cancelled_at if s.status == Status.CANCELLED else None,
                "checked_in_at": s.checked_in_at,
                "checked_in_by_id": checked_in_by.pk if checked_in_by else None,
                "created_at": s.created,
                "updated_at": changed,
            }
        )
    _insert(Booking, rows)
    ids = dict(Booking.objects.filter(offering__isnull=False).values_list("check_in_code", "pk"))
    for signup in signups:
        signup.pk = ids[signup.code]
    return signups


def _key(seed: str, pk: int) -> str:
    return hashlib.sha256(f"{seed}:{pk}".encode()).hexdigest()


def _draw_seed(draw: _Draw) -> tuple[str, list[dict]]:
    """A seed under which `draw_order` of the written applications has the planned outcome: the
    `LOSERS` planned members come last in their round. Seeds are tried in turn from a drawn one
    (a try stops at the first member whose key passes the losers' smallest)."""
    signups = draw.course.offer.signups
    boundary = [s for s in signups if s.round == draw.boundary]
    losers = [s.pk for s in boundary if s.person.user_id in draw.losers]
    others = [s.pk for s in boundary if s.person.user_id not in draw.losers]
    for n in range(MAX_SEED_TRIES):
        seed = f"{(draw.seed_base + n) % (1 << 128):032x}"
        last = min(_key(seed, pk) for pk in losers)
        if all(_key(seed, pk) < last for pk in others):
            return seed, draw_order(seed, [(s.pk, s.round) for s in signups])
    raise ValueError(f"no demo lottery seed found for {draw.course.title}")


def _write_draws(plan: _Planner) -> int:
    draws, ranked = [], []
    for draw in plan.draws:
        offer = draw.course.offer
        seed, order = _draw_seed(draw)
        by_pk = {s.pk: s for s in offer.signups}
        for rank, row in enumerate(order, start=1):
            signup = by_pk[row["booking"]]
            expected = Status.CONFIRMED if rank <= offer.capacity else Status.WAITLISTED
            if signup.status != expected:
                raise ValueError(f"demo lottery outcome differs from its draw: {offer.title}")
            signup.queue_rank = rank
            ranked.append(Booking(pk=signup.pk, queue_rank=rank))
        draws.append(
            LotteryDraw(
                course_id=draw.course.row.pk,
                palace_id=offer.palace.pk,
                seed=seed,
                rounds=[str(r) for r in draw.rounds],
                ordering=order,
                places=offer.capacity,
                applicants=len(order),
                drawn_at=offer.drawn_at,
                drawn_by=plan.actor(offer.palace, manager=True),
            )
        )
    Booking.objects.bulk_update(ranked, ["queue_rank"], batch_size=500)
    LotteryDraw.objects.bulk_create(draws)
    return len(draws)


def _attendance(plan: _Planner, signups: list[_Signup]) -> list[tuple[_Signup, _Session, datetime]]:
    """Who was at which session (the roll call, or a code at the door), and what they rated."""
    rng, now = plan.rng, plan.now
    rows = []
    for signup in signups:
        offer = signup.offer
        if signup.status not in (Status.CONFIRMED, Status.CHECKED_IN) or signup.held_from is None:
            continue
        if offer.kind == EVENT:
            if signup.status == Status.CHECKED_IN:
                rows.append((signup, offer.occurrences[0], signup.checked_in_at))
            continue
        chance, stay = signup.habit
        n = 0
        for occurrence in offer.occurrences:
            if occurrence.cancelled or occurrence.start > now or occurrence.start < signup.held_from:
                continue
            n += 1
            came = (
                n not in signup.missed if signup.missed is not None else n <= stay and rng.random() < chance
            )
            if came:
                rows.append((signup, occurrence, occurrence.start + timedelta(minutes=rng.randint(2, 20))))
    return rows


def _adapter(field, ops):
    """The backend's adaptation of a value for `field`, cached (the rows repeat their days and times)."""
    internal = field.get_internal_type()
    adapt = {
        "DateTimeField": ops.adapt_datetimefield_value,
        "DateField": ops.adapt_datefield_value,
        "TimeField": ops.adapt_timefield_value,
        "DecimalField": lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places),
    }.get(internal)
    if internal == "JSONField":
        return lambda v: field.get_db_prep_save(v, connection)
    if internal in ("CharField", "TextField"):
        return lambda v: v if v is None or type(v) is str else str(v)  # choices: their value
    if adapt is None:
        return lambda v: v
    cache: dict = {}

    def cached(value):
        if value is None:
            return None
        if value not in cache:
            cache[value] = adapt(value)
        return cache[value]

    return cached


BATCH = 20_000


def _insert(model, rows: list) -> None:
    """INSERT rows (dicts by attname, or unsaved instances): one prepared statement run for every
    row on SQLite, statements of many rows elsewhere (psycopg2 runs `executemany` row by row).

    Not `bulk_create`: on SQLite it writes 30-odd rows per statement (999 parameters) and prepares
    every value in Python, several seconds for the sign-ups; and it would stamp `auto_now` fields
    with the wall clock. The values are the ones the ORM would write (adapted by the backend); a
    field a dict leaves out takes its default.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters = [_adapter(f, ops) for f in fields]
    defaults = [f.get_default() for f in fields]
    params = []
    for row in rows:
        if isinstance(row, dict):
            values = [row.get(f.attname, d) for f, d in zip(fields, defaults, strict=True)]
        else:
            values = [getattr(row, f.attname) for f in fields]
        params.append(tuple(adapt(v) for adapt, v in zip(adapters, values, strict=True)))
    head = (
        f"INSERT INTO {ops.quote_name(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(ops.quote_name(f.column) for f in fields)}) VALUES "
    )
    one = f"({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for begin in range(0, len(params), BATCH):
                cursor.executemany(head + one, params[begin : begin + BATCH])
            return
        size = max(1, min(1000, 60_000 // len(fields)))
        for begin in range(0, len(params), size):
            chunk = params[begin : begin + size]
            cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


def _insert_attendance(plan: _Planner, rows: list[tuple[_Signup, _Session, datetime]]) -> None:
    """By roll call at a course's session (the demo palace's staff), by code at an event's door."""
    staff = plan.staff.pk if plan.staff else None
    _insert(
        Attendance,
        [
            {
                "booking_id": signup.pk,
                "occurrence_id": occurrence.pk,
                "palace_id": occurrence.palace_id,
                "local_date": occurrence.local_date,
                "method": Attendance.Method.CODE
                if signup.offer.kind == EVENT
                else Attendance.Method.ROLL_CALL,
                "recorded_by_id": staff if occurrence.palace_id == plan.demo_palace.pk else None,
                "recorded_at": at,
            }
            for signup, occurrence, at in rows
        ],
    )


def _ratings(plan: _Planner, attended: list[tuple[_Signup, _Session, datetime]]) -> list[Rating]:
    """A few of those who attended rated it, within the days after (`rating_create`'s window)."""
    rng, now = plan.rng, plan.now
    courses = {c.offer: c for c in plan.courses}
    events = {e.offer: e for e in plan.events if e.offer is not None}
    rows = []
    for signup, occurrence, _at in attended:
        offer = signup.offer
        event = offer.kind == EVENT
        chance = 0.3 if event else 0.035
        if signup.person is plan.worker:
            chance = 1.0 if not event and occurrence is _last_held(offer, now) else 0.0
        if rng.random() >= chance or occurrence.end > now:
            continue
        at = _between(rng, occurrence.end, min(now, occurrence.end + timedelta(days=3)), skew=2.0)
        stars = rng.choices(STARS, weights=STAR_WEIGHTS)[0]
        comment = rng.choice(EVENT_COMMENTS if event else COURSE_COMMENTS) if rng.random() < 0.35 else ""
        course = courses.get(offer)
        rows.append(
            Rating(
                palace_id=offer.palace.pk,
                user_id=signup.person.user_id,
                subject=Rating.Subject.EVENT if event else Rating.Subject.COURSE,
                booking_id=signup.pk,
                occurrence_id=None if event else occurrence.pk,
                venue_id=occurrence.venue_id or (course.venue.pk if course else None),
                course_id=course.row.pk if course else None,
                event_id=events[offer].row.pk if event else None,
                teacher=course.teacher if course else "",
                local_date=occurrence.local_date,
                stars=stars,
                comment=comment,
                created_at=at,
                updated_at=at,
            )
        )
    return rows


def _last_held(offer: _Offer, now: datetime) -> _Session | None:
    held = [o for o in offer.occurrences if not o.cancelled and o.start <= now]
    return held[-1] if held else None


def _venue_ratings(plan: _Planner, palaces: list[Palace]) -> list[Rating]:
    """Checked-in venue bookings (the bookings step's) rated now and then."""
    rng, now = plan.rng, plan.now
    bookings = (
        Booking.objects.of_venues()
        .filter(status=Status.CHECKED_IN, palace__in=palaces, end__gte=now - timedelta(days=30))
        .order_by("check_in_code")
        .values_list("pk", "palace_id", "user_id", "venue_id", "local_date", "end")
    )
    rows = []
    for pk, palace_id, user_id, venue_id, local_date, end in bookings:
        if rng.random() >= 0.12 or end > now:
            continue
        at = _between(rng, end, min(now, end + timedelta(days=2)), skew=2.0)
        rows.append(
            Rating(
                palace_id=palace_id,
                user_id=user_id,
                subject=Rating.Subject.VENUE,
                booking_id=pk,
                venue_id=venue_id,
                local_date=local_date,
                stars=rng.choices(STARS, weights=STAR_WEIGHTS)[0],
                comment=rng.choice(VENUE_COMMENTS) if rng.random() < 0.3 else "",
                created_at=at,
                updated_at=at,
            )
        )
    return rows


def _write_ratings(plan: _Planner, attended) -> int:
    rows = _ratings(plan, attended) + _venue_ratings(plan, plan.palaces)
    # At the demo palace an advertiser's comment was hidden by its staff.
    demo = [
        r
        for r in rows
        if r.palace_id == plan.demo_palace.pk
        and r.subject == Rating.Subject.COURSE
        and r.user_id != plan.worker.user_id
    ]
    for rating in demo[:2]:
        rating.stars, rating.comment = 5, HIDDEN_COMMENT
        rating.hidden_at = rating.created_at + timedelta(hours=plan.rng.randint(2, 20))
        rating.hidden_at = min(rating.hidden_at, plan.now)
        rating.hidden_by_id, rating.hidden_reason = plan.staff.pk, HIDDEN_REASON
    _insert(Rating, rows)
    return len(rows)


DEMO_WISHES = {3: WishStatus.DONE, 4: WishStatus.DECLINED, 5: WishStatus.PLANNED}


def _wish_status(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return WishStatus.OPEN
    if r < 0.7:
        return WishStatus.PLANNED
    return WishStatus.DONE if r < 0.9 else WishStatus.DECLINED


def _write_wishes(plan: _Planner, catchments: dict[int, list[_Person]]) -> tuple[int, int]:
    """Wishes (你点菜我买单) with votes, the author's first; answered ones are planned, done (as a
    course of the next term, linked) or declined with the reason. The member proposed one at the
    demo palace and voted for two others."""
    rng, now, worker = plan.rng, plan.now, plan.worker
    next_name = _seasons(plan.ctx.today)[1][0]
    next_courses = defaultdict(list)
    for course in plan.courses:
        if course.term.key == "next" and course.section_of is None and course.state == PUBLISHED:
            next_courses[course.term.palace.pk].append(course)
    wishes, votes = [], []
    for palace in plan.palaces:
        demo = palace is plan.demo_palace
        level = "demo" if demo else ("city" if palace.level == Palace.Level.CITY else "county")
        n = {"demo": 10, "city": rng.randint(4, 6), "county": rng.randint(1, 3)}[level]
        people = catchments[palace.pk]
        for i, (title, description, centre) in enumerate(rng.sample(WISHES, n)):
            created = now - timedelta(days=rng.randint(3, 170), minutes=rng.randint(0, 1439))
            status = _wish_status(rng)
            if demo and i in DEMO_WISHES:
                status = DEMO_WISHES[i]  # the demo palace shows every answer
            done_course = None
            if status == WishStatus.DONE:
                done_course = rng.choice(next_courses[palace.pk]) if next_courses[palace.pk] else None
                status = WishStatus.DONE if done_course else WishStatus.PLANNED
            voters = rng.sample(people, min(len(people), int(rng.paretovariate(1.3) * 4)))
            if demo and i == 0:
                voters, status, done_course = [worker, *voters], WishStatus.OPEN, None
            elif demo and i in (1, 2) and status in Wish.VOTABLE:
                voters.append(worker)
            answered = None if status == WishStatus.OPEN else _between(rng, created + timedelta(days=1), now)
            answer = ""
            if status == WishStatus.PLANNED:
                answer = f"已列入{next_name}计划，报名开放后请关注课程列表。"
            elif status == WishStatus.DONE:
                answer = f"已开设“{done_course.title}”，{done_course.term.name}报名中，欢迎报名。"
            elif status == WishStatus.DECLINED:
                answer = rng.choice(WISH_DECLINES)
            wish = Wish(
                palace_id=palace.pk,
                author_id=voters[0].user_id,
                title=title,
                description=description,
                centre=centre,
                created_at=created,
                status=status,
                vote_count=len(voters),
                answer=answer,
                answered_by=plan.actor(palace, manager=True) if answered else None,
                answered_at=answered,
                course_id=done_course.row.pk if done_course else None,
            )
            wishes.append(wish)
            for n_vote, voter in enumerate(voters):
                at = created if n_vote == 0 else _between(rng, created, answered or now, skew=1.5)
                votes.append((wish, voter, at))
    Wish.objects.bulk_create(wishes, batch_size=500)
    WishVote.objects.bulk_create(
        [WishVote(wish_id=w.pk, user_id=p.user_id, created_at=at) for w, p, at in votes], batch_size=1000
    )
    return len(wishes), len(votes)


# --- The step ---------------------------------------------------------------------------------------


def build_classes(ctx: DemoContext) -> None:
    rng = ctx.rng("classes")
    plan = _Planner(ctx, rng)
    rooms: dict[int, list[Venue]] = defaultdict(list)
    for venue in ctx.venues:
        if venue.is_active:
            rooms[venue.palace_id].append(venue)
    palaces = _palaces(plan, rooms)
    plan.palaces = palaces
    pool = _people(plan)
    if not pool:
        return  # no demo workers (the bookings step left out): nobody to sign up
    catchments = {}
    for palace in palaces:
        demo = palace is plan.demo_palace
        level = "demo" if demo else ("city" if palace.level == Palace.Level.CITY else "county")
        catchment = rng.sample(pool, min(CATCHMENT[level], len(pool)))
        catchments[palace.pk] = catchment
        terms = _terms(plan, palace, level)
        _courses_of(plan, palace, level, terms, rooms[palace.pk], catchment)
        _events_of(plan, palace, level, rooms[palace.pk], catchment)

    _write_terms(plan)
    _write_offers(plan)
    _write_courses(plan)
    _write_events(plan)
    sessions = _write_occurrences(plan)
    signups = _write_signups(plan)
    draws = _write_draws(plan)
    attended = _attendance(plan, signups)
    _insert_attendance(plan, attended)
    ratings = _write_ratings(plan, attended)
    wishes, votes = _write_wishes(plan, catchments)
    # Labels of their own: the counts are keyed by the translated label ("events" is "活动" as the
    # ledger's "activities" is).
    ctx.count(_("terms"), len(plan.terms))
    ctx.count(_("courses"), len(plan.courses))
    ctx.count(_("events with or without sign-up"), len(plan.events))
    ctx.count(_("sessions of courses and events"), sessions)
    ctx.count(_("sign-ups (enrolments, registrations)"), len(signups))
    ctx.count(_("lottery draws"), draws)
    ctx.count(_("attendance records"), len(attended))
    ctx.count(_("ratings"), ratings)
    ctx.count(_("wishes"), wishes)
    ctx.count(_("wish votes"), votes)


# --- Wiping ---------------------------------------------------------------------------------------


def _delete(model, where: str = "") -> None:
    """Delete rows of a table at once (dependants already gone): no per-row collection."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} {where}")  # noqa: S608


def wipe_classes() -> None:
    """Everything of classes and events (and the voice and ratings that point at them), dependants first."""
    quote = connection.ops.quote_name
    signups = f"SELECT id FROM {quote(Booking._meta.db_table)} WHERE offering_id IS NOT NULL"  # noqa: S608
    for model in (Rating, WishVote, Wish):
        _delete(model)
    _delete(Notification, f"WHERE booking_id IN ({signups})")
    _delete(Attendance)
    _delete(Booking, "WHERE offering_id IS NOT NULL")
    _delete(LotteryDraw)
    _delete(Course, "WHERE section_of_id IS NOT NULL")
    _delete(Course)
    _delete(Event)
    _delete(Occurrence)
    _delete(Offering)
    _delete(Term)


def classes_exist() -> bool:
    return Course.objects.exists() or Event.objects.exists()


CLASSES_STEP = Step("classes", build_classes, wipe=wipe_classes, has_data=classes_exist)
