"""Demo series and news: the default province's larger palaces get a few brands and programmes
(their ledger's reading exchanges, lectures, mixers and summer volunteering belong to them) and a
news page (columns, a year of articles, a channel link); the province gets its own news.

`seed_series_for_palace` and `seed_media_for_palace` follow the profile registry's signature
(`venues/demo/huaibei.py`): `(*, palace, rng, today, scale)`, returning their row counts. A few
dozen bulk inserts and updates: well under a second.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from activities.ledger.models import Activity, ActivityKind
from activities.media.models import Article, ArticleState, Channel, ChannelKind, Column
from activities.series.models import Series, SeriesKind
from venues.demo.builder import DemoContext, Step
from venues.models import Palace

_ZONE = ZoneInfo(settings.TIME_ZONE)
LARGER_PALACE_SCALE = 0.25  # a quarter of Huaibei's yearly output of articles

# (name, kind, cadence, the ledger kind whose rows belong to it, description)
DEFAULT_SERIES = (
    (
        "职工读书会",
        SeriesKind.BRAND,
        "每月两次",
        ActivityKind.READING_EXCHANGE,
        "职工书屋的主题阅读交流品牌。",
    ),
    ("劳模讲堂", SeriesKind.PROGRAMME, "每月", ActivityKind.LECTURE, "劳模工匠走上讲台，讲述奋斗故事。"),
    ("单身职工联谊", SeriesKind.PROGRAMME, "每月一主题", ActivityKind.MIXER, "为单身职工搭建交友平台。"),
    (
        "夏送清凉",
        SeriesKind.PROGRAMME,
        "每年夏季",
        ActivityKind.VOLUNTEER_SERVICE,
        "高温天气慰问户外劳动者。",
    ),
)
DEFAULT_COLUMNS = ("工会要闻", "活动预告", "劳模风采", "职工课堂", "服务指南")
PROVINCE_COLUMNS = ("全省要闻", "联盟动态", "政策解读")

HEADLINES = (
    "{palace}举办{topic}",
    "{topic}走进基层一线",
    "“{topic}”系列活动圆满落幕",
    "{palace}：{topic}受到职工欢迎",
    "聚焦{topic}，服务职工“零距离”",
    "{topic}：一场温暖的相聚",
)
TOPICS = (
    "劳模讲堂",
    "五一课堂",
    "职工读书分享会",
    "职工书画展",
    "灯谜展猜",
    "职工摄影展",
    "单身职工联谊会",
    "直播荐岗",
    "送岗位进园区",
    "劳动法律宣讲",
    "职工夜校结业展示",
    "新就业形态劳动者关爱行动",
    "夏送清凉",
    "职工健身运动会",
    "工匠技能比武",
)
PARAGRAPHS = (
    "活动现场气氛热烈，职工们踊跃参与，纷纷表示收获满满。",
    "近年来，文化宫坚持公益定位，突出“工”字特色，让阵地真正成为职工美好生活的一部分。",
    "下一步，文化宫将继续丰富服务内容，做到月月有宣讲、周周有活动。",
    "活动由工会融媒体中心同步直播，线上观看人数持续攀升。",
    "据介绍，本次活动免费向全市职工开放，报名可关注文化宫公众号。",
)


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 20), rng.choice((0, 15, 30, 45))), tzinfo=_ZONE)


def _articles(
    *,
    palace: Palace | None,
    columns: list[Column],
    series: list[Series],
    rng: random.Random,
    today: date,
    count: int,
    author_name: str,
) -> list[Article]:
    rows = []
    for n in range(count):
        day = today - timedelta(days=1 + (n * 365) // max(count, 1) + rng.randint(0, 2))
        topic = rng.choice(TOPICS)
        title = rng.choice(HEADLINES).format(palace=author_name, topic=topic)
        body = "\n\n".join(rng.sample(PARAGRAPHS, 3))
        published = n >= 2  # the newest two are drafts the desk is still writing
        rows.append(
            Article(
                palace=palace,
                column=rng.choice(columns) if columns else None,
                series=rng.choice(series) if series and rng.random() < 0.6 else None,
                title=title[:200],
                summary=f"{author_name}：{topic}。"[:300],
                body=body,
                state=ArticleState.PUBLISHED if published else ArticleState.DRAFT,
                published_at=_moment(day, rng) if published else None,
            )
        )
    Article.objects.bulk_create(rows)
    # Written when published (the desk lists the last edited first), not all at the seeding's instant.
    Article.objects.filter(pk__in=[row.pk for row in rows], published_at__isnull=False).update(
        updated_at=F("published_at")
    )
    return rows


def seed_series_for_palace(*, palace: Palace, rng: random.Random, today: date, scale: float) -> dict:
    """The default brands and programmes of a palace; its logged activities of their kinds join them."""
    rows = Series.objects.bulk_create(
        [
            Series(palace=palace, name=name, kind=kind, cadence=cadence, description=description)
            for name, kind, cadence, _ledger_kind, description in DEFAULT_SERIES
        ]
    )
    joined = 0
    for series, (_name, _kind, _cadence, ledger_kind, _description) in zip(rows, DEFAULT_SERIES, strict=True):
        joined += Activity.objects.filter(palace=palace, kind=ledger_kind).update(series=series)
    return {str(_("series")): len(rows), str(_("activities in a series")): joined}


def seed_media_for_palace(*, palace: Palace, rng: random.Random, today: date, scale: float) -> dict:
    """A palace's news page: columns, a year of articles (about 100 × scale), a channel link."""
    columns = Column.objects.bulk_create(
        [Column(palace=palace, name=name, position=n) for n, name in enumerate(DEFAULT_COLUMNS, start=1)]
    )
    series = list(Series.objects.filter(palace=palace))
    articles = _articles(
        palace=palace,
        columns=columns,
        series=series,
        rng=rng,
        today=today,
        count=max(4, round(100 * scale)),
        author_name=palace.name,
    )
    Channel.objects.create(
        palace=palace,
        kind=ChannelKind.VIDEO_CHANNEL,
        name=f"{palace.name}视频号",
        url="https://example.org/video",
    )
    return {
        str(_("news columns")): len(columns),
        str(_("articles")): len(articles),
        str(_("media channels")): 1,
    }


def build_media(ctx: DemoContext) -> None:
    """Series and news at the default province's city-level palaces in service, and province news."""
    rng = ctx.rng("media")
    larger = [p for p in ctx.palaces if p.status == Palace.Status.IN_SERVICE and p.level == Palace.Level.CITY]
    for palace in larger:
        for seeder in (seed_series_for_palace, seed_media_for_palace):
            counts = seeder(palace=palace, rng=rng, today=ctx.today, scale=LARGER_PALACE_SCALE)
            for label, n in counts.items():
                ctx.count(label, n)
    columns = Column.objects.bulk_create(
        [Column(palace=None, name=name, position=n) for n, name in enumerate(PROVINCE_COLUMNS, start=1)]
    )
    province = _articles(
        palace=None, columns=columns, series=[], rng=rng, today=ctx.today, count=24, author_name="省总工会"
    )
    ctx.count(str(_("news columns")), len(columns))
    ctx.count(str(_("articles")), len(province))


def wipe_media() -> None:
    # Province-wide rows have no palace to cascade from; articles first (their column is protected).
    Article.objects.all().delete()
    Column.objects.all().delete()
    Channel.objects.all().delete()
    Series.objects.all().delete()


def media_exists() -> bool:
    return Article.objects.exists() or Series.objects.exists()


MEDIA_STEP = Step("media", build_media, wipe=wipe_media, has_data=media_exists)
