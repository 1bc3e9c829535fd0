"""Demo data of the alliance (工人文化宫联盟), loaded by `manage.py seed_demo` (see `venues.demo.builder`).

One demo step, written with bulk inserts rather than through the services, but every row is one the
services could have written (`alliance.services`):

- the membership history behind `Palace.alliance_member`, which the network step draws (all 15
  city-level palaces and 54 county-level ones in service) and this step leaves as it is: the
  flagged palaces are exactly today's members. 33 founding members on the founding day at the end
  of 2022 (every city-level palace, the demo palace among them, an old building that closed in 2023
  and left then, and county palaces built by 2022), then the others joining in batches approved at
  the council's meetings of 2023 and 2024 (palaces opened in 2023 join in 2024): 33 at the end of
  2022, 69 at the end of 2024 (the published figures). In 2025 a county palace of the 2023 intake
  leaves (with its reason) and a flagged one joins, so there are 69 members today too;
- half-year council rotations from 2023-H1 to 2027-H1, two or three lead units each (city-level
  palaces in turn, now and then a county member), members when their term starts; the demo palace
  led the first term and leads the one under way on the anchor day;
- campaigns each year: the winter series 点亮万家灯火，情暖赣鄱职工, 劳动创造幸福 around 五一, and
  the 四季有约 summer child care and autumn 影画巡展 programmes, organised by a lead unit of the
  rotation in force, with 20–60 member palaces taking part (the demo palace always); the palaces'
  logged activities of the campaign's theme and dates are tagged to it (most, not all: staff forget
  some), and from the classes step the courses and events of the theme that meet its dates;
- hosting calls: the ten 2024 calls (basketball friendly, the online speech contest, line dance,
  calligraphy exchange, choir, photography, job fair, badminton, chess, tug-of-war), each with one
  approved host (the published figure: 10 provincial events hosted by palaces in 2024; the speech
  contest and the basketball final are hosted where the ledger logged them), the other applicants
  declined with a reason or withdrawn; the 2025 and 2026 rounds (some calls with two or three
  hosts); every application reviewed by the provincial demo account against the call's criteria,
  the approved ones scoring best; subsidies granted within the budget and paid once the event is
  over (an advance for decided events still to come). Around the anchor day: a call closed a few
  days ago awaiting review and decision (the demo palace applied), an open call with a few
  applications (not the demo palace's: its staff can apply) and a draft.

Every applicant is eligible under its call's rules on the day it applied, and applies once per
call. The demo's clock stands at `bookings.demo.DEMO_HOUR` on the anchor day. Everything is drawn
from the step's own seeded generator, so a seed and an anchor day give the same rows every time.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.demo.ledger import (
    AUTUMN,
    BASKETBALL_FINAL,
    SPEECH_CONTEST,
    SPRING,
    SPRING_FESTIVAL,
    SUMMER_WINTER,
)
from activities.demo.ledger import Fixed as LedgerActivity
from activities.models import Activity, ActivityKind, Course, Event, PublishState
from bookings.demo import DEMO_HOUR
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.models import Palace, Venue

from .models import (
    ApplicationReview,
    Campaign,
    CampaignTag,
    HostingApplication,
    HostingCall,
    Membership,
    RotationTerm,
    Subsidy,
)

Level, PalaceStatus = Palace.Level, Palace.Status
Kind = ActivityKind
AppStatus, CallStatus = HostingApplication.Status, HostingCall.Status

# --- Membership -------------------------------------------------------------------------------------

FOUNDED_ON = date(2022, 12, 28)  # the founding conference
FOUNDING_MEMBERS = 33
JOINED_IN_2023 = 21  # the rest of the 69 join in 2024
# The council approves new members at its meetings.
JOIN_MEETINGS = {
    2023: (date(2023, 3, 28), date(2023, 6, 20), date(2023, 9, 19), date(2023, 12, 12)),
    2024: (date(2024, 3, 26), date(2024, 6, 18), date(2024, 9, 24), date(2024, 12, 10)),
}
OLD_BUILDING_LEFT = (
    date(2023, 7, 15),
    "旧馆停止使用，新馆建设中，暂停成员资格；新馆建成投入使用后重新申请入盟。",
)
LEAVER = (date(2025, 6, 30), "县总工会机构调整，文化宫划转属地文旅部门统一管理，经申请退出联盟。")
NEWCOMER_JOINS = date(2025, 9, 23)


@dataclass
class _Span:
    palace: Palace
    joined_on: date
    left_on: date | None = None
    reason: str = ""
    founding: bool = False


class _Roster:
    """The membership history in memory: who was a member on a day (as `is_member_on`)."""

    def __init__(self, spans: list[_Span]):
        self.spans = spans
        self.by_palace: dict[int, list[_Span]] = defaultdict(list)
        for s in spans:
            self.by_palace[s.palace.pk].append(s)

    def member(self, palace: Palace, day: date) -> bool:
        return any(
            s.joined_on <= day and (s.left_on is None or s.left_on > day) for s in self.by_palace[palace.pk]
        )

    def members(self, palaces: list[Palace], *days: date) -> list[Palace]:
        return [p for p in palaces if all(self.member(p, d) for d in days)]


def plan_memberships(ctx: DemoContext, rng: random.Random) -> list[_Span]:
    """The history behind the network step's flags (which it leaves as they are): the flagged
    palaces are today's members; one of them joined in 2025, and a palace not flagged was a member
    from 2023 until it left in 2025, so that 69 were members at the end of 2024 too."""
    palaces, today = ctx.palaces, ctx.today
    flagged = [p for p in palaces if p.alliance_member]
    city = [p for p in flagged if p.level == Level.CITY]
    county = [p for p in flagged if p.level == Level.COUNTY]
    old = [p for p in palaces if p.status == PalaceStatus.CLOSED and p.name.endswith("（旧馆）")][:1]
    built_by_2022 = [p for p in county if (p.year_built or 0) <= FOUNDED_ON.year]
    founders = rng.sample(built_by_2022, FOUNDING_MEMBERS - len(city) - len(old))
    spans = [_Span(p, FOUNDED_ON, founding=True) for p in [*city, *founders]]
    for p in old:
        left_on, reason = OLD_BUILDING_LEFT
        spans.append(_Span(p, FOUNDED_ON, left_on, reason, founding=True))

    founder_ids = {p.pk for p in founders}
    later = [p for p in county if p.pk not in founder_ids]
    rng.shuffle(later)
    later.sort(key=lambda p: (p.year_built or 0) > FOUNDED_ON.year)  # opened in 2023: join in 2024
    left_on, reason = LEAVER
    if today >= NEWCOMER_JOINS:
        # The first of the intake joins in 2025 instead; one outside the flags takes its place.
        newcomer = later.pop(0)
        spans.append(_Span(newcomer, NEWCOMER_JOINS))
        outside = [
            p
            for p in palaces
            if p.level == Level.COUNTY
            and p.status == PalaceStatus.IN_SERVICE
            and not p.alliance_member
            and (p.year_built or 0) <= FOUNDED_ON.year
        ]
        leaver = rng.choice(outside)
        later.insert(rng.randrange(JOINED_IN_2023), leaver)
        spans.append(_Span(leaver, date(1, 1, 1), left_on, reason))  # joins with its batch below
    by_palace = {s.palace.pk: s for s in spans}
    for year, joining in ((2023, later[:JOINED_IN_2023]), (2024, later[JOINED_IN_2023:])):
        meetings = JOIN_MEETINGS[year]
        for i, p in enumerate(joining):
            joined_on = meetings[i * len(meetings) // len(joining)]
            if p.pk in by_palace:
                by_palace[p.pk].joined_on = joined_on
            else:
                spans.append(_Span(p, joined_on))
    return [s for s in spans if s.joined_on <= today]


def _write_memberships(ctx: DemoContext, spans: list[_Span]) -> None:
    rows = [
        Membership(
            palace=s.palace,
            joined_on=s.joined_on,
            left_on=s.left_on if s.left_on and s.left_on <= ctx.today else None,
            leave_reason=s.reason if s.left_on and s.left_on <= ctx.today else "",
            founding=s.founding,
            created_at=_at(s.joined_on, 16),
        )
        for s in spans
    ]
    Membership.objects.bulk_create(rows)
    ctx.count(_("alliance memberships"), len(rows))
    # The flag mirrors "a member today" (as the services keep it). The history is drawn to match
    # the network step's flags, so this changes nothing unless the anchor day falls before 2025.
    members = {s.palace.pk for s in spans if s.left_on is None}
    for value in (True, False):
        changed = [p for p in ctx.palaces if (p.pk in members) == value and p.alliance_member != value]
        if changed:
            Palace.objects.filter(pk__in=[p.pk for p in changed]).update(alliance_member=value)
            for p in changed:
                p.alliance_member = value


# --- Council rotations ------------------------------------------------------------------------------

FIRST_TERM, LAST_TERM = (2023, 1), (2027, 1)  # (year, half)
DUTIES = {
    1: "牵头策划新春“点亮万家灯火，情暖赣鄱职工”系列活动和“劳动创造幸福”五一系列活动；",
    2: "牵头策划“四季有约”暑期放心托管和秋季影画巡展；",
}
COMMON_DUTIES = (
    "召集联盟季度工作例会，汇总成员单位活动台账并报送省总工会；"
    "结对指导县级成员单位开展“一宫多点”服务，组织省级活动承办经验交流。"
)


def _term_dates(year: int, half: int) -> tuple[date, date]:
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def plan_rotations(ctx: DemoContext, rng: random.Random, roster: _Roster) -> list[tuple[RotationTerm, list]]:
    demo = ctx.palace(DEMO_PALACE_NAME)
    cities = [p for p in ctx.palaces if p.level == Level.CITY and p.status == PalaceStatus.IN_SERVICE]
    counties = [p for p in ctx.palaces if p.level == Level.COUNTY]
    queue: list[Palace] = [demo]
    terms = []
    year, half = FIRST_TERM
    while (year, half) <= LAST_TERM:
        starts, ends = _term_dates(year, half)
        check = min(ends, ctx.today) if starts <= ctx.today else starts
        n = rng.choice((2, 2, 3))
        leads: list[Palace] = []
        if starts <= ctx.today <= ends:
            leads.append(demo)  # the demo palace leads the term under way
        while len(leads) < n:
            if not queue:
                queue = [p for p in cities if p is not demo]
                rng.shuffle(queue)
            p = queue.pop(0)
            if p not in leads and roster.member(p, starts) and roster.member(p, check):
                leads.append(p)
        if year > FIRST_TERM[0] and rng.random() < 0.45:
            # Now and then a county member that has been in the alliance for a while.
            seasoned = roster.members(counties, starts - timedelta(days=180), starts, check)
            leads[-1] = rng.choice(seasoned)
        name = f"{year}年{'上' if half == 1 else '下'}半年轮值"
        duties = DUTIES[half] + COMMON_DUTIES
        terms.append((RotationTerm(name=name, starts_on=starts, ends_on=ends, duties=duties), leads))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return terms


def _write_rotations(ctx: DemoContext, terms: list[tuple[RotationTerm, list]]) -> None:
    RotationTerm.objects.bulk_create([t for t, _leads in terms])
    Through = RotationTerm.leads.through
    Through.objects.bulk_create(
        [Through(rotationterm_id=t.pk, palace_id=p.pk) for t, leads in terms for p in leads]
    )
    ctx.count(_("council rotations"), len(terms))


# --- Campaigns ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    key: str
    title: str  # {year}
    description: str
    participants: tuple[int, int]
    programmes: tuple[str, ...] = ()  # ledger programmes that belong to it
    words: tuple[str, ...] = ()  # activity titles with any of these belong to it
    course_words: tuple[str, ...] = ()
    event_kinds: tuple[str, ...] = ()
    event_words: tuple[str, ...] = ()
    share: float = 0.8  # of the matching rows, how many the staff tag


THEMES = {
    t.key: t
    for t in (
        Theme(
            "winter",
            "{year}年“点亮万家灯火，情暖赣鄱职工”新春系列活动",
            "岁末年初，联盟成员单位开展送春联、送福字、新春文艺演出、元宵灯谜和春运暖冬志愿服务，"
            "把文化服务送到车间、工地、园区和职工家中。",
            (40, 60),
            programmes=(SPRING,),
            words=("新春", "春节", "元宵", "灯谜", "送福", "福进万家", "暖冬", "送温暖", "春联"),
            event_kinds=(Kind.PERFORMANCE.value,),
            event_words=("新春", "春节", "元宵"),
        ),
        Theme(
            "mayday",
            "{year}年“劳动创造幸福”五一系列活动",
            "围绕“五一”国际劳动节，开展五一课堂、劳模讲堂、劳动者之歌文艺汇演等活动，弘扬劳模精神、"
            "劳动精神、工匠精神。",
            (25, 50),
            words=("五一", "劳动者之歌", "劳模", "劳动最光荣"),
            event_kinds=(Kind.LECTURE.value,),
            event_words=("五一", "劳模"),
        ),
        Theme(
            "summer",
            "{year}年四季有约·暑期职工子女放心托管",
            "暑期为双职工家庭提供子女托管服务，开设阅读、书法、体育和安全教育课程，同步开展“送清凉”慰问。",
            (20, 45),
            programmes=(SUMMER_WINTER,),
            words=("托管", "送清凉", "高温"),
            share=0.85,
        ),
        Theme(
            "autumn",
            "{year}年四季有约·秋季影画巡展",
            "金秋时节，职工摄影、书画作品和公益电影在成员单位之间巡回展映，走进园区、社区和乡村。",
            (25, 50),
            programmes=(AUTUMN,),
            words=("影画巡展", "摄影作品展", "书画作品"),
            course_words=("摄影", "国画", "书法", "工笔"),
            event_kinds=(Kind.PERFORMANCE.value, Kind.EXHIBITION.value),
        ),
    )
}


def _theme_dates(key: str, year: int) -> tuple[date, date]:
    if key == "winter":  # from December (the first from New Year 2023) to the Lantern Festival
        lantern = SPRING_FESTIVAL.get(year, date(year, 2, 1)) + timedelta(days=15)
        return (date(year, 1, 1) if year == 2023 else date(year - 1, 12, 1)), lantern
    return {
        "mayday": (date(year, 4, 20), date(year, 5, 10)),
        "summer": (date(year, 7, 1), date(year, 8, 31)),
        "autumn": (date(year, 9, 1), date(year, 11, 30)),
    }[key]


UPCOMING_DAYS = 45  # campaigns starting this soon are already announced


@dataclass
class _Campaign:
    row: Campaign
    theme: Theme
    participants: list[Palace]


def plan_campaigns(
    ctx: DemoContext, rng: random.Random, roster: _Roster, terms: list[tuple[RotationTerm, list]]
) -> list[_Campaign]:
    demo = ctx.palace(DEMO_PALACE_NAME)
    in_service = [p for p in ctx.palaces if p.status == PalaceStatus.IN_SERVICE]
    plans = []
    for year in range(2023, ctx.today.year + 2):
        for key in ("winter", "mayday", "summer", "autumn"):
            theme = THEMES[key]
            starts, ends = _theme_dates(key, year)
            if starts > ctx.today + timedelta(days=UPCOMING_DAYS):
                continue
            term, leads = next(((t, ls) for t, ls in terms if t.starts_on <= starts <= t.ends_on), (None, []))
            staying = [
                p for p in leads if roster.member(p, starts) and roster.member(p, min(ends, ctx.today))
            ]
            organiser = rng.choice(staying) if staying else demo
            pool = [
                p
                for p in roster.members(in_service, starts, min(ends, ctx.today))
                if p is not organiser and p is not demo
            ]
            low, high = theme.participants
            taking_part = rng.sample(pool, min(len(pool), rng.randint(low, high) - 2))
            taking_part = [organiser, *([demo] if organiser is not demo else []), *taking_part]
            row = Campaign(
                title=theme.title.format(year=year),
                description=theme.description,
                starts_on=starts,
                ends_on=ends,
                organiser=organiser,
                rotation=term,
                created_at=_at(starts - timedelta(days=rng.randint(10, 25)), 10),
            )
            plans.append(_Campaign(row, theme, taking_part))
    return plans


def _words(field_name: str, words: tuple[str, ...]) -> Q:
    return reduce(or_, (Q(**{f"{field_name}__contains": w}) for w in words), Q(pk__in=[]))


TAG_COLUMNS = (
    "campaign_id",
    "palace_id",
    "activity_id",
    "course_id",
    "event_id",
    "tagged_by_id",
    "tagged_at",
)


def plan_tags(ctx: DemoContext, rng: random.Random, campaigns: list[_Campaign]) -> list[tuple]:
    """The rows staff tagged: of the participants' rows of the theme within the dates, most.
    As `TAG_COLUMNS` tuples (thousands of them: written with `_insert_tags`)."""
    demo = ctx.palace(DEMO_PALACE_NAME)
    staff = ctx.users.get("palace_staff")
    staff_id = staff.pk if staff else None
    evenings: dict[date, datetime] = {}
    last_day = ctx.today - timedelta(days=1)  # nothing of the anchor day has happened yet
    now = _now(ctx)
    tags = []
    for c in campaigns:
        row, theme = c.row, c.theme
        if row.starts_on > last_day:
            continue
        ids = [p.pk for p in c.participants]

        def tag(palace_id: int, day: date, what: tuple, row: Campaign = row) -> None:
            day = max(day, row.starts_on) + timedelta(days=rng.randint(1, 4))
            if day not in evenings:
                evenings[day] = min(_at(day, 17), now)
            by = staff_id if palace_id == demo.pk else None
            tags.append((row.pk, palace_id, *what, by, evenings[day]))

        matching = _words("title", theme.words) | Q(programme__in=theme.programmes)
        activities = (
            Activity.objects.filter(
                palace_id__in=ids, date__gte=row.starts_on, date__lte=min(row.ends_on, last_day)
            )
            .filter(matching)
            .order_by("pk")
            .values_list("pk", "palace_id", "date")
        )
        for pk, palace_id, day in activities:
            if rng.random() < theme.share:
                tag(palace_id, day, (pk, None, None))
        if theme.course_words:
            courses = (
                Course.objects.filter(
                    palace_id__in=ids,
                    term__starts_on__lte=row.ends_on,
                    term__ends_on__gte=row.starts_on,
                    state=PublishState.PUBLISHED,
                    section_of__isnull=True,
                )
                .filter(_words("title", theme.course_words))
                .order_by("pk")
                .values_list("pk", "palace_id", "term__starts_on")
            )
            for pk, palace_id, day in courses:
                if rng.random() < theme.share:
                    tag(palace_id, min(day, last_day), (None, pk, None))
        if theme.event_kinds or theme.event_words:
            events = (
                Event.objects.filter(
                    palace_id__in=ids,
                    local_date__gte=row.starts_on,
                    local_date__lte=row.ends_on,
                    state=PublishState.PUBLISHED,
                )
                .filter(Q(kind__in=theme.event_kinds) | _words("title", theme.event_words))
                .order_by("pk")
                .values_list("pk", "palace_id", "local_date")
            )
            for pk, palace_id, day in events:
                if rng.random() < theme.share:
                    tag(palace_id, min(day, last_day), (None, None, pk))
    return tags


def _write_campaigns(ctx: DemoContext, campaigns: list[_Campaign]) -> None:
    for c in campaigns:
        c.row.rotation_id = c.row.rotation.pk if c.row.rotation else None
    Campaign.objects.bulk_create([c.row for c in campaigns])
    Through = Campaign.participants.through
    Through.objects.bulk_create(
        [Through(campaign_id=c.row.pk, palace_id=p.pk) for c in campaigns for p in c.participants]
    )
    ctx.count(_("alliance campaigns"), len(campaigns))


def _insert_tags(ctx: DemoContext, tags: list[tuple]) -> None:
    """Multi-row INSERTs of plain values (not `bulk_create`, which prepares every value of every
    row through the fields: most of the step's time for a few thousand rows)."""
    ops = connection.ops
    table = ops.quote_name(CampaignTag._meta.db_table)
    head = f"INSERT INTO {table} ({', '.join(ops.quote_name(c) for c in TAG_COLUMNS)}) VALUES "  # noqa: S608
    one = f"({', '.join(['%s'] * len(TAG_COLUMNS))})"
    stamps: dict[datetime, object] = {}
    values: list[object] = []
    for *rest, at in tags:
        if at not in stamps:
            stamps[at] = ops.adapt_datetimefield_value(at)
        values += (*rest, stamps[at])
    per_insert = max(1, min(500, (connection.features.max_query_params or 65_535) // len(TAG_COLUMNS)))
    width = per_insert * len(TAG_COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(values), width):
            chunk = values[start : start + width]
            cursor.execute(head + ", ".join([one] * (len(chunk) // len(TAG_COLUMNS))), chunk)
    ctx.count(_("campaign tags"), len(tags))


# --- Hosting calls ----------------------------------------------------------------------------------------

SPORT = (
    {"name": "赛事方案", "max": 35},
    {"name": "场地与设施", "max": 30},
    {"name": "组织保障能力", "max": 25},
    {"name": "经费预算", "max": 10},
)
CULTURE = (
    {"name": "活动方案", "max": 40},
    {"name": "场地条件", "max": 25},
    {"name": "保障能力", "max": 20},
    {"name": "宣传与覆盖面", "max": 15},
)
SERVICE = (
    {"name": "服务方案", "max": 40},
    {"name": "企业与岗位资源", "max": 30},
    {"name": "场地条件", "max": 20},
    {"name": "经费预算", "max": 10},
)
CITY_AND_COUNTY = (Level.CITY.value, Level.COUNTY.value)


@dataclass(frozen=True)
class CallSpec:
    title: str  # "{year}年" goes before it
    kind: str
    rooms: tuple[str, ...]  # venue kinds it can be held at, best first
    window: tuple[tuple[int, int], tuple[int, int]]  # (month, day) from and until, of the year
    budget: int
    criteria: tuple[dict, ...]
    capacity: tuple[int, int]
    plan: str  # {venue} {date} {n}
    description: str
    min_capacity: int = 0
    levels: tuple[str, ...] = CITY_AND_COUNTY
    hosts: int = 1
    lead_days: int = 35  # applications close this long before the window opens
    fixed: LedgerActivity | None = None  # the ledger's logged activity it is
    event_title: str = ""  # {year} {title} {city}
    theme: str = ""  # linked to that campaign when the window starts within it


def S(title, kind, rooms, window, budget, criteria, capacity, plan, description, **options) -> CallSpec:
    return CallSpec(
        title,
        kind.value,
        tuple(rooms),
        window,
        budget,
        tuple(criteria),
        capacity,
        plan,
        description,
        **options,
    )


ROUNDS: dict[int, tuple[CallSpec, ...]] = {
    2024: (
        S("全省职工“春风行动”大型招聘会", Kind.JOB_FAIR, ("leisure_square", "multi_function_hall", "theatre"),
          ((2, 20), (3, 20)), 100_000, SERVICE, (800, 3000),
          "{date}在{venue}举办，组织{n}家重点企业进场招聘，同步开展直播荐岗和政策咨询。",
          "面向返岗农民工、高校毕业生和新就业形态劳动者，承办全省工会“春风行动”大型招聘会。",
          min_capacity=200, lead_days=40),
        S("全省职工网络演讲比赛", Kind.COMPETITION, ("multi_function_hall", "theatre"),
          ((4, 1), (4, 30)), 60_000, CULTURE, (150, 300),
          "{date}在{venue}设主会场，{n}名选手现场演讲，全程网络直播并开展线上投票。",
          "以“奋斗者·正青春”为主题，选拔各地职工演讲选手，线上线下同步举行。",
          fixed=SPEECH_CONTEST, event_title="“奋斗者·正青春”全省职工网络演讲比赛", theme="mayday"),
        S("全省职工排舞友谊赛", Kind.COMPETITION,
          ("dance_rehearsal", "leisure_square", "theatre", "dance_hall"),
          ((5, 15), (6, 30)), 80_000, SPORT, (200, 500),
          "{date}在{venue}举行，{n}支职工排舞队参赛，设规定曲目和自选曲目两个组别。",
          "推广职工排舞运动，以舞会友，展示各地职工健康向上的精神风貌。", min_capacity=200),
        S("全省职工羽毛球友谊赛", Kind.COMPETITION, ("badminton",),
          ((6, 1), (7, 15)), 60_000, SPORT, (32, 40),
          "{date}起在{venue}等场地进行，{n}支代表队参赛，分团体赛和单项赛，赛期两天。",
          "以球会友，增进各地职工交流，丰富职工业余体育生活。"),
        S("全省职工象棋邀请赛", Kind.COMPETITION, ("chess_cards", "multi_function_hall"),
          ((7, 10), (8, 20)), 40_000, SPORT, (60, 200),
          "{date}在{venue}举行，{n}名棋手参赛，采用积分编排制，赛期两天。",
          "弘扬国粹，活跃职工文化生活，邀请各设区市职工象棋好手参赛。"),
        S("全省职工摄影作品展", Kind.EXHIBITION, ("exhibition_hall", "art_gallery", "multi_function_hall"),
          ((8, 1), (9, 10)), 50_000, CULTURE, (300, 600),
          "{date}在{venue}开展，展出{n}幅入选作品，展期三周，同步举办线上展厅。",
          "以“最美劳动者”为主题征集职工摄影作品，择优展出并在成员单位巡展。"),
        S("全省职工合唱展演", Kind.PERFORMANCE, ("theatre", "folk_stage"),
          ((9, 10), (9, 30)), 120_000, CULTURE,
          (500, 1000),
          "{date}在{venue}举行，{n}支职工合唱团同台展演，邀请省内专家点评。",
          "喜迎国庆，唱响“劳动最光荣”，展示各地职工合唱团风采。",
          min_capacity=500, levels=(Level.CITY.value,)),
        S("全省职工书法交流活动", Kind.EXHIBITION, ("art_gallery", "exhibition_hall", "multi_function_hall"),
          ((10, 8), (10, 31)), 50_000, CULTURE, (200, 500),
          "{date}在{venue}举办，{n}位职工书法爱好者现场交流创作，优秀作品集中展出。",
          "翰墨飘香，以书会友，举办职工书法现场交流、作品展示和名家点评。"),
        S("全省职工拔河比赛", Kind.COMPETITION, ("basketball", "leisure_square", "football"),
          ((10, 15), (11, 10)), 70_000, SPORT, (150, 200),
          "{date}在{venue}举行，{n}支代表队参赛，分男子组和混合组。",
          "团结协作，凝心聚力，组织各地职工代表队参加拔河比赛。", min_capacity=100),
        S("全省职工篮球友谊赛", Kind.COMPETITION, ("basketball",), ((10, 20), (11, 30)), 200_000, SPORT,
          (150, 200),
          "{date}在{venue}举行总决赛，{n}支代表队参加，全程网络直播。",
          "各设区市职工篮球代表队参加，小组赛后进行总决赛，全程网络直播。",
          lead_days=45, fixed=BASKETBALL_FINAL, event_title="{year}年全省职工篮球友谊赛总决赛"),
    ),
    2025: (
        S("全省职工乒乓球友谊赛", Kind.COMPETITION, ("table_tennis",),
          ((4, 10), (5, 20)), 60_000, SPORT, (32, 40),
          "{date}在{venue}举行，{n}支代表队参赛，分男女团体和混合双打。",
          "以球会友，促进各地职工交流，丰富职工业余体育生活。"),
        S("“劳动创造幸福”全省职工文艺汇演", Kind.PERFORMANCE, ("theatre",),
          ((4, 25), (5, 10)), 150_000, CULTURE,
          (500, 1200),
          "{date}在{venue}举行，{n}个职工文艺节目登台，劳模代表现场观演。",
          "庆祝“五一”国际劳动节，汇集各地职工优秀文艺节目进行汇报演出。",
          min_capacity=500, levels=(Level.CITY.value,), theme="mayday"),
        S("全省职工集体婚礼", Kind.WEDDING, ("leisure_square", "theatre"),
          ((5, 15), (5, 25)), 80_000, CULTURE,
          (300, 800),
          "{date}在{venue}举行，{n}对新人参加，倡导婚事新办、简办。",
          "倡导文明婚俗新风，为一线职工举办“520”集体婚礼。", min_capacity=300),
        S("全省工会“金秋招聘月”直播荐岗", Kind.JOB_FAIR, ("multi_function_hall", "leisure_square"),
          ((9, 1), (10, 31)), 100_000, SERVICE, (500, 2000),
          "{date}在{venue}设直播间和现场招聘区，组织{n}家企业进场。",
          "线上直播荐岗与线下招聘相结合，设两个片区分会场。", hosts=2, min_capacity=200,
          event_title="{year}年全省工会“金秋招聘月”直播荐岗（{city}分会场）"),
        S("四季有约·影画巡展省级巡展", Kind.EXHIBITION,
          ("art_gallery", "exhibition_hall", "multi_function_hall"),
          ((9, 10), (11, 20)), 90_000, CULTURE, (200, 600),
          "{date}在{venue}布展，展出职工摄影书画作品{n}幅，展期两周。",
          "全省职工优秀摄影、书画作品在三个成员单位巡回展出。", hosts=3, theme="autumn",
          event_title="{year}年四季有约·影画巡展（{city}站）"),
        S("全省职工篮球赛", Kind.COMPETITION, ("basketball",),
          ((10, 10), (11, 30)), 240_000, SPORT, (150, 200),
          "{date}在{venue}承办片区赛，{n}支代表队参加，全程网络直播。",
          "分赣北、赣南两个片区进行，各片区前两名进入总决赛。", hosts=2, lead_days=45,
          event_title="{year}年全省职工篮球赛（{city}赛区）"),
    ),
    2026: (
        S("全省职工读书分享会", Kind.READING_EXCHANGE, ("library", "multi_function_hall"),
          ((4, 16), (4, 30)), 40_000, CULTURE, (100, 400),
          "世界读书日期间在{venue}举办，{n}名职工读者分享，同步线上直播。",
          "“书香飘赣鄱”，围绕劳模工匠主题书目开展读书分享和好书推荐。"),
        S("全省职工广场舞展演", Kind.PERFORMANCE, ("leisure_square",), ((6, 1), (6, 30)), 80_000, CULTURE,
          (300, 1000),
          "{date}晚在{venue}举行，{n}支职工广场舞队展演。",
          "推广健康向上的职工广场舞，展示基层职工文化活力。", min_capacity=300),
        S("全省职工书画作品巡展", Kind.EXHIBITION, ("art_gallery", "exhibition_hall", "multi_function_hall"),
          ((9, 1), (11, 30)), 60_000, CULTURE, (200, 600),
          "{date}在{venue}布展，展出职工书画作品{n}幅，展期两周。",
          "秋季影画巡展的省级展览，在两个成员单位巡回展出。", hosts=2, theme="autumn",
          event_title="{year}年全省职工书画作品巡展（{city}站）"),
        S("全省职工篮球赛", Kind.COMPETITION, ("basketball",),
          ((10, 10), (12, 20)), 240_000, SPORT, (150, 200),
          "{date}在{venue}承办片区赛，{n}支代表队参加，全程网络直播。",
          "分赣北、赣南两个片区进行，各片区前两名进入总决赛。", hosts=2, lead_days=45,
          event_title="{year}年全省职工篮球赛（{city}赛区）"),
        S("全省职工迎新春文艺晚会", Kind.PERFORMANCE, ("theatre",), ((12, 20), (12, 31)), 150_000, CULTURE,
          (500, 1200),
          "{date}在{venue}举行，{n}个节目，邀请劳模工匠和一线职工代表观演。",
          "辞旧迎新，为一线职工奉上新春文艺晚会。", min_capacity=500, levels=(Level.CITY.value,),
          lead_days=45, theme="winter"),
    ),
}  # fmt: skip

# Around the anchor day (days from it): one closed call awaiting review, one open, one draft.
AWAITING = S("全省职工“闹元宵·猜灯谜”游园会", Kind.EXHIBITION,
             ("leisure_square", "exhibition_hall", "art_gallery"),
             ((25, 0), (95, 0)), 60_000, CULTURE, (300, 2000),
             "元宵节前后在{venue}举办，设灯谜展猜区、非遗展示区和亲子游园区，预计{n}项活动。",
             "喜迎元宵，承办全省职工灯谜游园会。", min_capacity=200, theme="winter")  # fmt: skip
OPEN = S("全省职工气排球友谊赛", Kind.COMPETITION, ("air_volleyball", "basketball"),
         ((50, 0), (140, 0)), 80_000,
         SPORT, (100, 200),
         "{date}在{venue}举行，{n}支代表队参赛，分男子组和混合组。",
         "推广适合职工的气排球运动，承办全省职工气排球友谊赛。")  # fmt: skip
DRAFT = S("全省职工技能大赛（电工）", Kind.COMPETITION, ("skill_training",),
          ((100, 0), (200, 0)), 150_000, SPORT,
          (40, 300),
          "{date}在{venue}举行理论考试与实操比赛，{n}名选手参赛。",
          "以赛促学、以赛促训，选拔全省职工电工技能人才。")  # fmt: skip

DECLINE_REASONS = (
    "综合评分低于获批单位，欢迎申报下一轮省级活动。",
    "场地条件与活动规模不完全匹配，建议完善后再次申报。",
    "同期已安排其他省级活动，经综合平衡本次未予安排。",
    "申请补助偏高，经费预算需进一步细化。",
)
WITHDRAW_SHARE = 0.15
SUPPORT_EQUIPMENT = (
    "专业音响灯光设备一套", "LED大屏及直播设备", "医疗急救点一处", "无障碍通道和观众休息区",
    "停车位约150个", "备用发电设备",
)  # fmt: skip
SUPPORT_PARTNERS = (
    "市总工会", "市文广新旅局", "市体育总会", "市音乐家协会", "市书法家协会", "市摄影家协会", "市人社局",
)  # fmt: skip
REVIEW_COMMENTS = (
    "方案完整，场地条件好，保障有力。", "方案可行，宣传覆盖面可进一步扩大。",
    "场地条件较好，保障人员略显不足。", "预算编制合理，方案亮点不够突出。",
    "承办经验丰富，建议加强安全预案。",
)  # fmt: skip


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _now(ctx: DemoContext) -> datetime:
    return timezone.make_aware(datetime.combine(ctx.today, DEMO_HOUR))


def _round_down(amount: float, step: int = 1000) -> Decimal:
    return Decimal(int(amount) // step * step)


@dataclass
class _Application:
    row: HostingApplication
    fixed: bool = False  # the ledger's published activity: its host is approved
    reviews: list[ApplicationReview] = field(default_factory=list)
    subsidy: Subsidy | None = None


@dataclass
class _Calls:
    calls: list[HostingCall] = field(default_factory=list)
    applications: list[_Application] = field(default_factory=list)


class _Hosting:
    def __init__(self, ctx: DemoContext, rng: random.Random, roster: _Roster, campaigns: list[_Campaign]):
        self.ctx, self.rng, self.roster, self.campaigns = ctx, rng, roster, campaigns
        self.now = _now(ctx)
        self.officer = ctx.users.get("province_officer")
        self.demo = ctx.palace(DEMO_PALACE_NAME)
        self.demo_applicant = ctx.users.get("palace_manager")
        self.in_service = [p for p in ctx.palaces if p.status == PalaceStatus.IN_SERVICE]
        self.venues: dict[int, list[Venue]] = defaultdict(list)
        for v in ctx.venues:
            if v.is_active:
                self.venues[v.palace_id].append(v)
        self.out = _Calls()

    # --- Who may apply, where ---------------------------------------------------------------------

    def _venue(self, palace: Palace, spec: CallSpec) -> Venue | None:
        """The palace's best venue for the call: of the first listed kind it has, the biggest."""
        need = max(spec.min_capacity, spec.capacity[0])
        for kind in spec.rooms:
            fitting = [v for v in self.venues[palace.pk] if v.kind == kind and v.capacity * 10 >= need]
            if fitting:
                return max(fitting, key=lambda v: (v.capacity, -v.pk))
        return None

    def _eligible(self, palace: Palace, spec: CallSpec, *days: date) -> bool:
        biggest = max((v.capacity for v in self.venues[palace.pk]), default=0)
        return (
            palace.level in spec.levels
            and palace.status == PalaceStatus.IN_SERVICE
            and all(self.roster.member(palace, d) for d in days)
            and biggest >= spec.min_capacity
        )

    def _fixed_host(self, f: LedgerActivity) -> tuple[Palace, Venue | None]:
        """Where the ledger logged the published activity (as the ledger step chooses it)."""
        logged = (
            Activity.objects.filter(title=f.title, date=f.day).values_list("palace_id", "venue_id").first()
        )
        by_pk = {p.pk: p for p in self.in_service}
        if logged:
            palace = by_pk[logged[0]]
            venue = next((v for v in self.venues[palace.pk] if v.pk == logged[1]), None)
            return palace, venue
        hosts = [self.demo] + [p for p in self.in_service if p.level == Level.CITY and p is not self.demo]
        for palace in hosts:
            kinds = [v for v in self.venues[palace.pk] if v.kind == f.venue_kind]
            if kinds:
                return palace, kinds[0]
        return self.demo, None

    # --- One call ---------------------------------------------------------------------------------

    def call(
        self,
        spec: CallSpec,
        *,
        year: int,
        starts: date,
        ends: date,
        deadline: datetime,
        status: str,
        applicants: int,
        decided: bool,
        reviewed: int = 0,
        with_demo: bool | None = None,
    ) -> None:
        """A call and its applications; `decided`: reviewed, decided, subsidies granted and paid."""
        rng = self.rng
        title = f"{year}年{spec.title}"
        campaign = next(
            (
                c.row
                for c in self.campaigns
                if spec.theme and c.theme.key == spec.theme and c.row.starts_on <= starts <= c.row.ends_on
            ),
            None,
        )
        call = HostingCall(
            title=title,
            event_kind=spec.kind,
            description=spec.description,
            starts_on=starts,
            ends_on=ends,
            deadline=deadline,
            budget=Decimal(spec.budget),
            eligibility={
                "levels": list(spec.levels),
                "in_service": True,
                "member": True,
                "min_capacity": spec.min_capacity,
            },
            criteria=[dict(c) for c in spec.criteria],
            status=status,
            campaign=campaign,
            created_by=self.officer,
            created_at=min(
                deadline - timedelta(days=rng.randint(30, 45)), self.now - timedelta(days=rng.randint(1, 5))
            ),
        )
        self.out.calls.append(call)
        if not applicants:
            return
        close = timezone.localtime(deadline).date()
        first_day = timezone.localtime(call.created_at).date() + timedelta(days=1)
        last_day = min(close, self.now.date()) - timedelta(days=1)  # before the deadline's day

        def submitted_on() -> date:
            return first_day + timedelta(days=rng.randint(0, max(0, (last_day - first_day).days)))

        # Applicants: eligible from the call's opening to its deadline, with a venue for it.
        forced: list[tuple[Palace, Venue | None]] = []
        if spec.fixed:
            forced.append(self._fixed_host(spec.fixed))
        pool = [
            p
            for p in self.in_service
            if self._eligible(p, spec, first_day, last_day) and self._venue(p, spec) and p is not self.demo
        ]
        if (
            with_demo
            and self._eligible(self.demo, spec, first_day, last_day)
            and self._venue(self.demo, spec)
        ):
            forced.append((self.demo, self._venue(self.demo, spec)))
        elif (
            with_demo is None
            and self.demo not in [p for p, _v in forced]
            and self._eligible(self.demo, spec, first_day, last_day)
            and self._venue(self.demo, spec)
        ):
            pool.append(self.demo)
        forced_ids = {p.pk for p, _v in forced}
        pool = [p for p in pool if p.pk not in forced_ids]
        drawn = rng.sample(pool, min(len(pool), max(0, applicants - len(forced))))
        chosen = [*forced, *((p, self._venue(p, spec)) for p in drawn)]

        apps: list[_Application] = []
        for i, (palace, venue) in enumerate(chosen):
            venue = (
                venue or self._venue(palace, spec) or max(self.venues[palace.pk], key=lambda v: v.capacity)
            )
            fixed = spec.fixed if i == 0 and spec.fixed else None
            event_date = fixed.day if fixed else starts + timedelta(days=rng.randint(0, (ends - starts).days))
            low, high = spec.capacity
            high = max(min(high, venue.capacity * 10), low)
            capacity = max(spec.min_capacity, min(venue.capacity * 10, rng.randrange(low, high + 1, 10)))
            share = rng.uniform(0.35, 0.8) / spec.hosts
            day = submitted_on()
            row = HostingApplication(
                call=call,
                palace=palace,
                plan=spec.plan.format(
                    date=f"{event_date.month}月{event_date.day}日", venue=venue.name, n=rng.randint(8, 40)
                ),
                venue=venue,
                capacity=capacity,
                support=self._support(),
                requested_subsidy=_round_down(spec.budget * share),
                event_date=event_date,
                submitted_by=self.demo_applicant if palace is self.demo else None,
                submitted_at=_at(day, rng.randint(9, 17), rng.choice((0, 15, 30, 45))),
            )
            apps.append(_Application(row, fixed=fixed is not None))
        apps.sort(key=lambda a: a.row.submitted_at)
        self.out.applications += apps

        if status == CallStatus.OPEN or not decided:
            # Still open, or closed and awaiting review: the first `reviewed` are scored.
            withdrawn = (
                [a for a in apps if a.row.palace is not self.demo][-1:] if status == CallStatus.OPEN else []
            )
            for a in withdrawn:
                a.row.status = AppStatus.WITHDRAWN
            for a in [a for a in apps if a.row.palace is not self.demo and a not in withdrawn][:reviewed]:
                self._review(a, spec, quality=rng.uniform(0.6, 0.9), day=close + timedelta(days=1))
            return
        self._decide(spec, apps, close, title)

    def _support(self) -> str:
        rng = self.rng
        equipment = "、".join(rng.sample(SUPPORT_EQUIPMENT, 2))
        return (
            f"工作人员{rng.randint(8, 30)}人、志愿者{rng.randint(20, 80)}人；{equipment}；"
            f"{rng.choice(SUPPORT_PARTNERS)}协办。"
        )

    def _review(self, a: _Application, spec: CallSpec, *, quality: float, day: date) -> None:
        rng = self.rng
        scores = [
            float(min(c["max"], max(0, round(c["max"] * (quality + rng.uniform(-0.03, 0.03))))))
            for c in spec.criteria
        ]
        a.reviews.append(
            ApplicationReview(
                application=a.row,
                reviewer=self.officer,
                scores=scores,
                total=Decimal(str(sum(scores))),
                comment=rng.choice(REVIEW_COMMENTS),
                reviewed_at=_at(day, rng.randint(9, 17), rng.choice((0, 20, 40))),
            )
        )

    def _decide(self, spec: CallSpec, apps: list[_Application], close: date, title: str) -> None:
        rng = self.rng
        last_day = self.now.date() - timedelta(days=1)
        withdrawn = {
            id(a)
            for a in apps
            if a.row.palace is not self.demo and not spec.fixed and rng.random() < WITHDRAW_SHARE
        }
        if len(apps) - len(withdrawn) <= spec.hosts:
            withdrawn = set()
        standing = [a for a in apps if id(a) not in withdrawn]
        # The fixed host (listed first before sorting) and then the best: the hosts score highest.
        fixed_app = next((a for a in apps if a.fixed), None)
        hosts = [fixed_app] if fixed_app else []
        others = [a for a in standing if a is not fixed_app]
        rng.shuffle(others)
        others.sort(key=lambda a: a.row.palace is self.demo)  # it hosts the published ones already
        hosts += others[: spec.hosts - len(hosts)]
        review_day = close + timedelta(days=rng.randint(2, 5))
        decided_at = _at(close + timedelta(days=rng.randint(6, 10)), 15)
        for a in apps:
            if id(a) in withdrawn:
                a.row.status = AppStatus.WITHDRAWN
                continue
            host = any(a is h for h in hosts)
            self._review(
                a, spec, quality=rng.uniform(0.9, 0.96) if host else rng.uniform(0.55, 0.84), day=review_day
            )
            a.row.decided_by, a.row.decided_at = self.officer, decided_at
            if host:
                a.row.status = AppStatus.APPROVED
                city = a.row.palace.region if a.row.palace.level == Level.CITY else a.row.palace.region.parent
                template = spec.event_title or "{title}"
                a.row.event_title = template.format(year=a.row.event_date.year, title=title, city=city.name)
            else:
                a.row.status = AppStatus.DECLINED
                a.row.decision_reason = rng.choice(DECLINE_REASONS)
        # The hosts scored best: a declined application close to them loses a point here and there.
        best = min(a.reviews[0].total for a in standing if a.row.status == AppStatus.APPROVED)
        for a in standing:
            review = a.reviews[0]
            while a.row.status == AppStatus.DECLINED and review.total >= best:
                i = max(range(len(review.scores)), key=lambda i: review.scores[i])
                review.scores[i] -= 1
                review.total -= 1
        # Subsidies within the budget: most of what was asked, paid after the event (an advance before).
        left = Decimal(spec.budget)
        for a in sorted(
            (a for a in apps if a.row.status == AppStatus.APPROVED), key=lambda a: a.row.event_date
        ):
            granted = min(_round_down(float(a.row.requested_subsidy) * rng.uniform(0.8, 1.0)), left)
            left -= granted
            paid, paid_on = Decimal(0), None
            settled = a.row.event_date + timedelta(days=rng.randint(15, 45))
            advance = decided_at.date() + timedelta(days=rng.randint(7, 20))
            if settled <= last_day:
                paid, paid_on = granted, settled
            elif advance <= last_day:
                paid, paid_on = _round_down(float(granted) * 0.4), advance
            a.subsidy = Subsidy(
                application=a.row,
                call=a.row.call,
                palace=a.row.palace,
                year=a.row.event_date.year,
                granted=granted,
                paid=paid,
                paid_on=paid_on,
            )

    # --- All of them ------------------------------------------------------------------------------

    def rounds(self) -> None:
        """The yearly rounds, those decided by the anchor day."""
        rng = self.rng
        for year, specs in ROUNDS.items():
            for spec in specs:
                (m1, d1), (m2, d2) = spec.window
                starts, ends = date(year, m1, d1), date(year, m2, d2)
                close = starts - timedelta(days=spec.lead_days)
                if close + timedelta(days=10) >= self.now.date():
                    continue  # not decided yet on the anchor day: no such call in the demo
                self.call(
                    spec,
                    year=year,
                    starts=starts,
                    ends=ends,
                    deadline=_at(close, 17),
                    status=CallStatus.CLOSED,
                    applicants=rng.randint(spec.hosts + 2, spec.hosts + 5),
                    decided=True,
                )

    def around_today(self) -> None:
        rng, today = self.rng, self.ctx.today
        for spec, deadline_in, status, applicants, reviewed, demo in (
            (AWAITING, -4, CallStatus.CLOSED, 5, 2, True),
            (OPEN, 20, CallStatus.OPEN, 4, 0, False),
            (DRAFT, 60, CallStatus.DRAFT, 0, 0, False),
        ):
            (start_in, _z), (end_in, _z2) = spec.window
            ends = today + timedelta(days=end_in)
            self.call(
                spec,
                year=ends.year,
                starts=today + timedelta(days=start_in),
                ends=ends,
                deadline=_at(today + timedelta(days=deadline_in), 17),
                status=status,
                applicants=applicants + rng.randint(0, 1) if applicants else 0,
                decided=False,
                reviewed=reviewed,
                with_demo=demo,
            )


def _write_hosting(ctx: DemoContext, out: _Calls) -> None:
    HostingCall.objects.bulk_create(out.calls)
    for a in out.applications:
        a.row.call_id = a.row.call.pk
    HostingApplication.objects.bulk_create([a.row for a in out.applications])
    reviews = [r for a in out.applications for r in a.reviews]
    for r in reviews:
        r.application_id = r.application.pk
    ApplicationReview.objects.bulk_create(reviews)
    subsidies = [a.subsidy for a in out.applications if a.subsidy]
    for s in subsidies:
        s.application_id, s.call_id = s.application.pk, s.call.pk
    Subsidy.objects.bulk_create(subsidies)
    ctx.count(_("hosting calls"), len(out.calls))
    ctx.count(_("hosting applications"), len(out.applications))
    ctx.count(_("application reviews"), len(reviews))
    approved = sum(1 for a in out.applications if a.row.status == AppStatus.APPROVED)
    ctx.count(_("approved provincial events"), approved)
    ctx.count(_("subsidies"), len(subsidies))


# --- The step -------------------------------------------------------------------------------------------


def build_alliance(ctx: DemoContext) -> None:
    rng = ctx.rng("alliance")
    spans = plan_memberships(ctx, rng)
    _write_memberships(ctx, spans)
    roster = _Roster(spans)
    terms = plan_rotations(ctx, rng, roster)
    _write_rotations(ctx, terms)
    campaigns = plan_campaigns(ctx, rng, roster, terms)
    _write_campaigns(ctx, campaigns)
    _insert_tags(ctx, plan_tags(ctx, ctx.rng("alliance:tags"), campaigns))
    hosting = _Hosting(ctx, ctx.rng("alliance:hosting"), roster, campaigns)
    hosting.rounds()
    hosting.around_today()
    _write_hosting(ctx, hosting.out)


def wipe_alliance() -> None:
    Subsidy.objects.all().delete()
    ApplicationReview.objects.all().delete()
    HostingApplication.objects.all().delete()
    HostingCall.objects.all().delete()
    CampaignTag.objects.all().delete()
    Campaign.objects.all().delete()
    RotationTerm.objects.all().delete()
    Membership.objects.all().delete()


def alliance_exists() -> bool:
    return Membership.objects.exists()


ALLIANCE_STEP = Step("alliance", build_alliance, wipe=wipe_alliance, has_data=alliance_exists)
DEMO_STEPS = [ALLIANCE_STEP]
