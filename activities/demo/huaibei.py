"""The Huaibei profile's activities (`seed_demo --profile huaibei`, see `venues/demo/huaibei.py`):
the palace's year as the article publishes it.

- the ledger of the last twelve months (the 365 days before the anchor day): exactly 165 lectures
  (劳模讲堂, 五一课堂) and 83 reading exchanges, besides monthly singles mixers, a collective
  wedding, the summer's "一瓶水·传递爱", performances, exhibitions, livestreamed job fairs and
  trainings;
- the night school: a term of 22 classes (the article: 20+ a year), published;
- the brands and programmes as series (淮工阅读, 淮工鹊桥, monthly mixers, the collective wedding
  every two years, 一瓶水·传递爱, 劳模讲堂), with most reading exchanges in 淮工阅读, and two upcoming
  events in series;
- the media centre: its ten fixed columns, 26 media series, a year of articles, its video
  channel, Douyin account and livestream room;
- then every seeder of `PALACE_SEEDERS`, the registry the other services join.

`PALACE_SEEDERS`: callables `seed_X_for_palace(*, palace, rng, today, scale)` returning
`{label: rows}` (or None); called once for the Huaibei palace with `scale=1.0` (the article's
yearly figures), each with its own seeded generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from activities.classes.services import course_create, course_publish, term_create
from activities.demo.employment import seed_employment_for_palace
from activities.demo.innovation import seed_innovation_for_palace
from activities.demo.legal import seed_legal_for_palace
from activities.demo.teams import seed_teams_for_palace
from activities.events.services import event_create, event_publish
from activities.ledger.models import Activity, ActivityKind
from activities.media.models import Channel, ChannelKind, Column
from activities.series.models import Series, SeriesKind
from venues.demo.builder import DemoContext, Step
from venues.demo.huaibei import PALACE_NAME
from venues.kinds import KINDS_BY_CODE
from venues.models import Venue

from .media import _articles

_ZONE = ZoneInfo(settings.TIME_ZONE)
LECTURES, READING_EXCHANGES = 165, 83
READING_IN_BRAND = 60  # "some" of the reading exchanges are 淮工阅读's
NIGHT_SCHOOL_CLASSES = 22
ARTICLES = 120

PalaceSeeder = Callable[..., Mapping[str, int] | None]
# The services other sub-packages built, each at Huaibei's published yearly size. Legal help and
# teams first: they top up the profile's workers, whom the innovation clinic's posters are drawn from.
PALACE_SEEDERS: list[PalaceSeeder] = [
    seed_employment_for_palace,
    seed_legal_for_palace,
    seed_teams_for_palace,
    seed_innovation_for_palace,
]

# (kind, count in the year, venue name, titles, participants low–high)
LEDGER_PLAN = (
    (ActivityKind.LECTURE, LECTURES, "多功能厅", ("劳模讲堂", "五一课堂", "工匠讲堂"), (60, 220)),
    (
        ActivityKind.READING_EXCHANGE,
        READING_EXCHANGES,
        "职工书屋",
        ("职工书屋主题阅读交流", "淮工阅读分享会"),
        (20, 80),
    ),
    (ActivityKind.MIXER, 12, "多功能厅", ("每月一主题单身联谊交友",), (60, 150)),
    (ActivityKind.WEDDING, 1, "多功能厅", ("职工集体婚礼",), (300, 300)),
    (ActivityKind.VOLUNTEER_SERVICE, 20, None, ("一瓶水·传递爱——致敬高温下劳动者",), (40, 120)),
    (ActivityKind.PERFORMANCE, 24, "多功能厅", ("职工文艺演出",), (200, 600)),
    (ActivityKind.EXHIBITION, 6, "职工书画室", ("职工摄影展", "职工书画展", "灯谜展猜"), (300, 1500)),
    (
        ActivityKind.JOB_FAIR,
        24,
        "职工创业就业服务中心",
        ("直播荐岗", "工会送岗位、乐业在江淮招聘会"),
        (150, 600),
    ),
    (ActivityKind.TRAINING, 48, "劳模工匠创新工作室联盟", ("免费技能培训",), (60, 140)),
)
CENTRE_OF_KIND = {
    ActivityKind.LECTURE: "education",
    ActivityKind.READING_EXCHANGE: "education",
    ActivityKind.MIXER: "service",
    ActivityKind.WEDDING: "service",
    ActivityKind.VOLUNTEER_SERVICE: "service",
    ActivityKind.PERFORMANCE: "culture",
    ActivityKind.EXHIBITION: "culture",
    ActivityKind.JOB_FAIR: "service",
    ActivityKind.TRAINING: "education",
}
BRANDS = (
    # (name, kind, cadence, description)
    (
        "淮工阅读",
        SeriesKind.BRAND,
        "每周",
        "淮北市工会的职工阅读服务品牌：主题阅读交流、好书推荐、线上共读。",
    ),
    ("淮工鹊桥", SeriesKind.BRAND, "常年", "淮北市工会的职工婚恋服务品牌。"),
    ("每月一主题单身联谊", SeriesKind.PROGRAMME, "每月一次", "每月一个主题，为单身职工牵线搭桥。"),
    ("职工集体婚礼", SeriesKind.PROGRAMME, "每两年一届", "每两年举办一届职工集体婚礼。"),
    ("一瓶水·传递爱", SeriesKind.PROGRAMME, "每年夏季", "致敬高温下劳动者：为户外劳动者送水送清凉。"),
    ("劳模讲堂", SeriesKind.PROGRAMME, "每月", "劳模工匠宣讲团走上讲台，月月有宣讲。"),
)
COLUMNS = (
    "劳动美",
    "工活动",
    "工会要闻",
    "劳模风采",
    "工匠课堂",
    "职工之声",
    "法援在线",
    "就业快讯",
    "文化生活",
    "健康驿站",
)
MEDIA_SERIES = (
    "劳模故事",
    "工匠绝活",
    "最美职工",
    "五一课堂",
    "好书推荐",
    "读书打卡",
    "职工夜校掠影",
    "以案说法",
    "律师说法",
    "岗位速递",
    "直播荐岗回放",
    "创客风采",
    "创新工作室巡礼",
    "技术攻关",
    "单身派对",
    "鹊桥故事",
    "新就业形态关爱",
    "户外劳动者之家",
    "一线职工风采",
    "书画长廊",
    "光影淮北",
    "灯谜竞猜",
    "健身达人",
    "心灵驿站",
    "工会惠民",
    "文化宫记忆",
)
NIGHT_SCHOOL = (
    ("书法入门", "职工书画室", 1),
    ("国画山水", "职工书画室", 2),
    ("硬笔书法", "职工书画室", 3),
    ("瑜伽", "排练厅", 1),
    ("民族舞", "排练厅", 2),
    ("拉丁舞", "排练厅", 3),
    ("太极拳", "排练厅", 4),
    ("摄影基础", "多功能厅", 1),
    ("手机摄影与短视频", "多功能厅", 2),
    ("插花艺术", "多功能厅", 3),
    ("茶艺", "多功能厅", 4),
    ("声乐合唱", "多功能厅", 5),
    ("葫芦丝", "多功能厅", 6),
    ("家政服务技能", "职工家政服务中心", 1),
    ("育婴员培训", "职工家政服务中心", 2),
    ("中式面点", "职工家政服务中心", 3),
    ("电工技能提升", "劳模工匠创新工作室联盟", 1),
    ("焊工技能提升", "劳模工匠创新工作室联盟", 2),
    ("办公软件应用", "劳模工匠创新工作室联盟", 3),
    ("心理健康与减压", "心灵驿站", 4),
    ("剪纸", "职工书画室", 4),
    ("篆刻", "职工书画室", 5),
)


def _spread(rng: random.Random, first: date, days: int, count: int) -> list[date]:
    """`count` days between `first` and `first + days - 1`, evenly spread with a little jitter."""
    result = []
    for n in range(count):
        offset = (n * days) // count + rng.randint(0, max(days // count - 1, 0))
        result.append(first + timedelta(days=min(offset, days - 1)))
    return result


def _ledger(ctx: DemoContext, palace, venues: dict[str, Venue], series: dict[str, Series]) -> None:
    rng = ctx.rng("huaibei.ledger")
    first = ctx.today - timedelta(days=365)
    rows = []
    for kind, count, venue_name, titles, (low, high) in LEDGER_PLAN:
        if kind == ActivityKind.VOLUNTEER_SERVICE:
            # The summer: the forty days from 1 July (of the year the anchor day's last summer fell in).
            summer = date(
                ctx.today.year if ctx.today >= date(ctx.today.year, 8, 10) else ctx.today.year - 1, 7, 1
            )
            days = _spread(rng, summer, 40, count)
        else:
            days = _spread(rng, first, 365, count)
        for n, day in enumerate(days):
            row = Activity(
                palace=palace,
                title=f"{rng.choice(titles)}（第{n + 1}期）" if count > 1 else titles[0],
                kind=kind,
                centre=CENTRE_OF_KIND[kind],
                venue=venues.get(venue_name) if venue_name else None,
                off_site=""
                if venue_name
                else rng.choice(("相山区建设路环卫站", "濉溪县开发区", "烈山区快递网点")),
                date=day,
                participants=rng.randint(low, high),
                online_viewers=rng.randint(2000, 30000) if kind == ActivityKind.JOB_FAIR else 0,
            )
            if kind == ActivityKind.READING_EXCHANGE and n % READING_EXCHANGES < READING_IN_BRAND:
                row.series = series["淮工阅读"]
            elif kind == ActivityKind.MIXER:
                row.series = series["每月一主题单身联谊"]
            elif kind == ActivityKind.WEDDING:
                row.series = series["职工集体婚礼"]
            elif kind == ActivityKind.VOLUNTEER_SERVICE:
                row.series = series["一瓶水·传递爱"]
            elif kind == ActivityKind.LECTURE and row.title.startswith("劳模讲堂"):
                row.series = series["劳模讲堂"]
            rows.append(row)
    Activity.objects.bulk_create(rows, batch_size=500)
    ctx.count(_("activities"), len(rows))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=_ZONE)


def _night_school(ctx: DemoContext, palace, venues: dict[str, Venue]) -> None:
    actor = ctx.users["palace_staff"]
    now = _at(ctx.today, 7)
    starts = ctx.today + timedelta(days=14)
    term = term_create(
        actor=actor,
        palace=palace,
        name=f"{starts.year}年职工夜校（{'春季' if starts.month < 7 else '秋季'}）",
        starts_on=starts,
        ends_on=starts + timedelta(weeks=10),
        enrolment_opens=now - timedelta(days=1),
        enrolment_closes=_at(starts - timedelta(days=2), 20),
        max_courses=2,
    )
    for title, venue_name, weekday in NIGHT_SCHOOL:
        venue = venues[venue_name]
        course = course_create(
            actor=actor,
            term=term,
            now=now,
            title=title,
            centre=KINDS_BY_CODE[venue.kind].centre,
            venue=venue,
            teacher="淮北市职工夜校教师",
            weekdays=[weekday],
            starts_at=time(19),
            ends_at=time(21),
            capacity=30,
            selection="first_come",
        )
        course_publish(actor=actor, course=course)
    ctx.count(_("courses"), len(NIGHT_SCHOOL))


def _series(ctx: DemoContext, palace) -> dict[str, Series]:
    rows = Series.objects.bulk_create(
        [
            Series(palace=palace, name=name, kind=kind, cadence=cadence, description=description)
            for name, kind, cadence, description in BRANDS
        ]
        + [Series(palace=palace, name=name, kind=SeriesKind.MEDIA, cadence="") for name in MEDIA_SERIES]
    )
    ctx.count(_("series"), len(rows))
    return {s.name: s for s in rows}


def _upcoming_events(ctx: DemoContext, palace, venues: dict[str, Venue], series: dict[str, Series]) -> None:
    actor = ctx.users["palace_staff"]
    now = _at(ctx.today, 7)
    plan = (
        ("淮工鹊桥·单身职工冬日联谊会", "mixer", "service", "多功能厅", 10, "淮工鹊桥"),
        ("淮工阅读·新年共读会", "reading_exchange", "education", "职工书屋", 17, "淮工阅读"),
    )
    for title, kind, centre, venue_name, days, series_name in plan:
        day = ctx.today + timedelta(days=days)
        event = event_create(
            actor=actor,
            palace=palace,
            now=now,
            title=title,
            kind=kind,
            centre=centre,
            venue=venues[venue_name],
            starts_at=_at(day, 14, 30),
            ends_at=_at(day, 16, 30),
            registration=True,
            capacity=80,
            series=series[series_name],
        )
        event_publish(actor=actor, event=event)
    ctx.count(_("upcoming events"), len(plan))


def _media(ctx: DemoContext, palace, series: dict[str, Series]) -> None:
    rng = ctx.rng("huaibei.media")
    columns = Column.objects.bulk_create(
        [Column(palace=palace, name=name, position=n) for n, name in enumerate(COLUMNS, start=1)]
    )
    media_series = [series[name] for name in MEDIA_SERIES]
    articles = _articles(
        palace=palace,
        columns=columns,
        series=media_series,
        rng=rng,
        today=ctx.today,
        count=ARTICLES,
        author_name=palace.name,
    )
    channels = Channel.objects.bulk_create(
        [
            Channel(
                palace=palace,
                kind=ChannelKind.VIDEO_CHANNEL,
                name="淮北工会视频号",
                url="https://example.org/huaibei/video",
            ),
            Channel(
                palace=palace,
                kind=ChannelKind.DOUYIN,
                name="淮北工会抖音号",
                url="https://example.org/huaibei/douyin",
            ),
            Channel(
                palace=palace,
                kind=ChannelKind.LIVESTREAM,
                name="工会融媒体中心直播间",
                url="https://example.org/huaibei/live",
            ),
        ]
    )
    ctx.count(_("news columns"), len(columns))
    ctx.count(_("articles"), len(articles))
    ctx.count(_("media channels"), len(channels))


def build_huaibei(ctx: DemoContext) -> None:
    palace = ctx.palace(PALACE_NAME)
    venues = {v.name: v for v in Venue.objects.filter(palace=palace)}
    series = _series(ctx, palace)
    _ledger(ctx, palace, venues, series)
    _night_school(ctx, palace, venues)
    _upcoming_events(ctx, palace, venues, series)
    _media(ctx, palace, series)
    for seeder in PALACE_SEEDERS:
        name = getattr(seeder, "__name__", "seeder")
        counts = seeder(palace=palace, rng=ctx.rng(f"huaibei.{name}"), today=ctx.today, scale=1.0)
        for label, n in (counts or {}).items():
            ctx.count(label, n)


HUAIBEI_STEPS = [Step("huaibei.activities", build_huaibei)]
