"""Demo employment: employers, job postings, applications, interviews and placements, job fairs,
recruiting livestreams (直播荐岗) and the maker residency, for one palace over the past year.

`seed_employment_for_palace(palace=…, rng=…, today=…, scale=…)` writes one palace's year; scale
1.0 is Huaibei's published volume (002 seed: "常态送岗位，每年促进稳定就业4000余人"; "100余名创客
先后免费入驻创业就业服务中心，获得小额贷款贴息等政策支持94万元"): about 4,000 people placed in a
year, from about 520 postings and 13,000 applications, four job fairs, a livestream a month, and
a handful of residents with loan-interest subsidies. Every row goes in with `bulk_create`; the job
seekers are demo people of their own (numbers `166` + the palace's id in four digits + four
digits, no usable password: nobody signs in as them).

`EMPLOYMENT_STEP` calls it for the larger Jiangxi palaces (the six largest city-level ones in
service, the demo palace among them) at a small scale, and gives the demo worker two applications
at the demo palace, so `make run` shows it all.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.employment.models import (
    ApplicationStatus,
    Employer,
    Interview,
    InterviewOutcome,
    JobApplication,
    JobKind,
    JobPosting,
    Livestream,
    PostingState,
    ResidencyApplication,
    ResidencyStatus,
    ResidencySupport,
    SupportKind,
)
from activities.events.models import Event
from activities.ledger.models import ActivityKind
from palace_portal.users.models import User
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.kinds import Centre
from venues.models import Palace

PHONE_PREFIX = "166"
# Django's mark of a password nobody can sign in with (a hash never starts with it).
UNUSABLE = "!"
JIANGXI_SCALE = 0.015  # each of them: about 60 people placed a year
JIANGXI_PALACES = 6  # the largest city-level palaces in service (and the demo palace)
_ZONE = ZoneInfo(settings.TIME_ZONE)

# At scale 1.0 (Huaibei, one year).
PLACED = 4_000
APPLICATIONS = 13_000
POSTINGS = 520
EMPLOYERS = 80
SEEKERS = 7_000
JOB_FAIRS = 4
LIVESTREAMS = 12
RESIDENTS = 8

INDUSTRIES = (
    ("汽车制造", ("装配工", "焊工", "质检员", "涂装工", "设备维修工")),
    ("电子信息", ("SMT操作员", "测试工程师", "仓库管理员", "品质检验员")),
    ("新能源", ("电池组装工", "生产线班组长", "电工", "叉车司机")),
    ("物流快递", ("快递分拣员", "配送员", "货车司机", "仓储理货员")),
    ("家政服务", ("育婴员", "养老护理员", "保洁员", "家政服务员")),
    ("餐饮商贸", ("中式烹调师", "收银员", "门店店长", "导购员")),
    ("医药健康", ("药品生产操作工", "医药代表", "康复理疗师")),
    ("建筑建材", ("钢筋工", "木工", "水电安装工", "施工员")),
)
COMPANY_PARTS = (
    "鑫达",
    "恒通",
    "远航",
    "华晟",
    "金源",
    "瑞丰",
    "东升",
    "宏泰",
    "联创",
    "嘉禾",
    "盛世",
    "天宇",
)
COMPANY_KINDS = ("有限公司", "股份有限公司", "集团有限公司")
FLEXIBLE_TITLES = ("网约车司机", "外卖骑手", "即时配送员", "直播带货主播", "社区团购团长")
PROJECTS = (
    "社区生鲜团购", "非遗手工竹编", "职工家政服务社", "电商直播工作室", "智能家居安装", "汽车美容养护",
    "茶艺培训工作室", "3D打印文创", "老年助餐配送", "农产品网店", "手机维修连锁", "少儿编程培训",
)  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华辉鹏燕玲斌宇浩凯婷晨欣琳建志文春海国"


def _insert(model, rows: list[dict]) -> None:
    """Write plain rows (attribute name → value) with one prepared INSERT run over all of them.

    Not `bulk_create`, which prepares every value of every row through its field (about 0.7 ms a
    row here: half a minute for Huaibei's year). Columns a row does not name take the field's
    default, prepared once; dates and times are adapted by the backend as the ORM would."""
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = [f for f in fields if f.attname in rows[0]]
    defaults = [f for f in fields if f.attname not in rows[0]]
    constants = [f.get_db_prep_save(f.get_default(), connection) for f in defaults]

    def adapter(field):
        if isinstance(field, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return ops.adapt_datefield_value
        return None

    adapters = [(f.attname, adapter(f)) for f in given]
    columns = ", ".join(ops.quote_name(f.column) for f in [*given, *defaults])
    marks = ", ".join(["%s"] * (len(given) + len(defaults)))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    values = [
        [adapt(row[name]) if adapt and row[name] is not None else row[name] for name, adapt in adapters]
        + constants
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _n(base: int, scale: float, least: int = 0) -> int:
    return max(least, round(base * scale))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=_ZONE)


def _seekers(palace: Palace, rng: random.Random, count: int, now: datetime) -> list[int]:
    """`count` job seekers of this palace (made on first use; the same numbers on a re-run)."""
    prefix = f"{PHONE_PREFIX}{palace.pk % 10_000:04d}"
    count = min(count, 10_000)
    existing = set(User.objects.filter(phone__startswith=prefix).values_list("phone", flat=True))
    users = []
    for n in range(count):
        phone = f"{prefix}{n:04d}"
        if phone in existing:
            continue
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        users.append(
            {
                "phone": phone,
                "real_name": rng.choice(SURNAMES) + given,
                "password": UNUSABLE,  # a demo job seeker never signs in
                "date_joined": now - timedelta(days=rng.randint(30, 900)),
            }
        )
    _insert(User, users)
    return list(User.objects.filter(phone__startswith=prefix).order_by("phone").values_list("pk", flat=True))[
        :count
    ]


def _employers(palace: Palace, rng: random.Random, count: int) -> list[Employer]:
    region = palace.region
    city = region if region.level == region.Level.CITY else region.parent
    city_name = city.name.removesuffix("市") if city else ""
    names, rows = set(), []
    count = min(count, 200)  # fewer than the names the parts make (12 × 8 × 3)
    while len(rows) < count:
        industry, _titles = rng.choice(INDUSTRIES)
        name = f"{city_name}{rng.choice(COMPANY_PARTS)}{industry[:2]}{rng.choice(COMPANY_KINDS)}"
        if name in names:
            continue
        names.add(name)
        rows.append(
            Employer(
                palace=palace,
                name=name,
                industry=industry,
                contact_name=rng.choice(SURNAMES) + rng.choice(("经理", "主管", "女士", "先生")),
                contact_phone=f"0{rng.randint(550, 799)}-{rng.randint(3000000, 8999999)}",
                address=f"{city_name}{rng.choice(('经济开发区', '高新区', '工业园区', '城区'))}",
            )
        )
    return Employer.objects.bulk_create(rows)


def _postings(palace, rng, employers, count, today) -> list[JobPosting]:
    rows = []
    for _n_posting in range(count):
        employer = rng.choice(employers)
        titles = next(t for i, t in INDUSTRIES if i == employer.industry)
        roll = rng.random()
        kind = (
            JobKind.FULL_TIME if roll < 0.62 else JobKind.PART_TIME if roll < 0.77
            else JobKind.FLEXIBLE if roll < 0.93 else JobKind.INTERNSHIP
        )  # fmt: skip
        title = rng.choice(FLEXIBLE_TITLES) if kind == JobKind.FLEXIBLE else rng.choice(titles)
        low = rng.randrange(2500, 6500, 100) if kind != JobKind.INTERNSHIP else rng.randrange(1800, 3000, 100)
        published = today - timedelta(days=rng.randint(1, 364))
        valid = published + timedelta(days=rng.choice((30, 45, 60, 90)))
        state = PostingState.PUBLISHED if valid >= today else PostingState.CLOSED
        at = _at(published, rng.randint(9, 17), rng.choice((0, 15, 30, 45)))
        rows.append(
            JobPosting(
                palace=palace,
                employer=employer,
                title=title,
                kind=kind,
                pay_min=low,
                pay_max=low + rng.randrange(500, 4000, 100),
                place=employer.address,
                requirements=rng.choice(
                    (
                        "身体健康，吃苦耐劳",
                        "有相关工作经验者优先",
                        "持相关职业资格证书",
                        "能适应倒班",
                        "初中及以上学历",
                    )
                ),
                openings=rng.choice((2, 3, 5, 5, 8, 10, 10, 15, 20, 30)),
                valid_until=valid,
                state=state,
                published_at=at,
                published_on=published,
                closed_at=_at(valid + timedelta(days=1), 9) if state == PostingState.CLOSED else None,
                created_at=at - timedelta(hours=rng.randint(2, 72)),
            )
        )
    return JobPosting.objects.bulk_create(rows, batch_size=1000)


def _applications(palace, rng, postings, seekers, count, placed_target, today):
    """Applications spread over the postings (one per person and posting), then decided: about
    `placed_target` placed, most of the rest not taken or withdrawn, recent ones still open."""
    drawn = rng.choices(postings, cum_weights=list(accumulate(p.openings for p in postings)), k=count)
    taken: set[tuple[int, int]] = set()
    rows, interviews = [], []
    # Of the applications old enough to be decided (about nine in ten), duplicates skipped.
    placed_share = min(placed_target / max(count * 0.9, 1), 0.9)
    for posting in drawn:
        user = rng.choice(seekers)
        if (posting.pk, user) in taken:
            continue
        taken.add((posting.pk, user))
        last = min(posting.valid_until, today)
        day = posting.published_on + timedelta(
            days=rng.randint(0, max((last - posting.published_on).days, 0))
        )
        fresh = (today - day).days < 10
        roll = rng.random()
        placed_on = None
        if not fresh and roll < placed_share:
            status = ApplicationStatus.PLACED
            placed_on = min(day + timedelta(days=rng.randint(5, 25)), today - timedelta(days=1))
        elif fresh and roll < 0.5:
            status = ApplicationStatus.APPLIED
        elif fresh:
            status = ApplicationStatus.INTERVIEW
        elif roll < placed_share + 0.08:
            status = ApplicationStatus.WITHDRAWN
        else:
            status = ApplicationStatus.REJECTED
        created = _at(day, rng.randint(8, 22), rng.randint(0, 59))
        decided = None if status in JobApplication.UNDECIDED else created + timedelta(days=rng.randint(3, 20))
        if placed_on is not None:
            decided = _at(placed_on, 10)
        rows.append(
            {
                "palace_id": palace.pk,
                "posting_id": posting.pk,
                "user_id": user,
                "status": status.value,
                "created_at": created,
                "local_date": day,
                "decided_at": decided,
                "placed_on": placed_on,
            }
        )
    _insert(JobApplication, rows)
    ids = {
        (posting, user): pk
        for pk, posting, user in JobApplication.objects.filter(palace=palace).values_list(
            "pk", "posting_id", "user_id"
        )
    }
    for row in rows:
        status = row["status"]
        if status in (ApplicationStatus.PLACED, ApplicationStatus.INTERVIEW) or (
            status == ApplicationStatus.REJECTED and rng.random() < 0.4
        ):
            outcome = {
                ApplicationStatus.PLACED: InterviewOutcome.PASSED,
                ApplicationStatus.INTERVIEW: InterviewOutcome.PENDING,
            }.get(status, rng.choice((InterviewOutcome.FAILED, InterviewOutcome.ABSENT)))
            held = min(
                row["local_date"] + timedelta(days=rng.randint(1, 5)),
                row["placed_on"] or today + timedelta(days=3),
            )
            interviews.append(
                {
                    "palace_id": palace.pk,
                    "application_id": ids[(row["posting_id"], row["user_id"])],
                    "held_on": held,
                    "outcome": outcome.value,
                    "note": "",
                    "created_at": row["created_at"] + timedelta(days=1),
                }
            )
    _insert(Interview, interviews)
    return rows, interviews


def _fairs_and_streams(palace, rng, postings, fairs: int, streams: int, today):
    """Job fairs as events of the job-fair kind carrying postings open on their day; a monthly
    livestream (直播荐岗) recommending a handful."""
    venue = palace.venues.filter(centre=Centre.SERVICE).first() or palace.venues.first()
    Through = JobPosting.events.through
    events, links = [], []
    for n in range(fairs):
        day = today - timedelta(days=int(365 * (n + 0.5) / max(fairs, 1)))
        start = _at(day, 9)
        events.append(
            Event(
                palace=palace,
                title=rng.choice(
                    (
                        "“工会送岗位、乐业在江淮”就业援助行动招聘会",
                        "春风行动专场招聘会",
                        "高校毕业生就业招聘会",
                        "新就业形态劳动者专场招聘会",
                    )
                ),
                kind=ActivityKind.JOB_FAIR,
                centre=Centre.SERVICE,
                venue=venue,
                online_url="" if venue else "https://live.example.cn/jobs",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                local_date=day,
                partner_kind="enterprise",
                state=Event.State.PUBLISHED,
                description="现场招聘，携带简历和身份证。",
            )
        )
    Event.objects.bulk_create(events)
    for event in events:
        open_then = [p for p in postings if p.published_on <= event.local_date <= p.valid_until]
        for posting in rng.sample(open_then, min(len(open_then), 20)):
            links.append(Through(event_id=event.pk, jobposting_id=posting.pk))
    Through.objects.bulk_create(links)
    lives = []
    for n in range(streams):
        day = today - timedelta(days=int(365 * (n + 0.3) / max(streams, 1)))
        lives.append(
            Livestream(
                palace=palace,
                title=f"直播荐岗：{rng.choice(INDUSTRIES)[0]}专场",
                stream_url=f"https://live.example.cn/room/{palace.pk}{n:02d}",
                starts_at=_at(day, 19, 30),
                local_date=day,
                viewers=rng.randint(3_000, 30_000),
            )
        )
    Livestream.objects.bulk_create(lives)
    Recommended = Livestream.postings.through
    recommended = []
    for live in lives:
        open_then = [p for p in postings if p.published_on <= live.local_date <= p.valid_until]
        for posting in rng.sample(open_then, min(len(open_then), 8)):
            recommended.append(Recommended(livestream_id=live.pk, jobposting_id=posting.pk))
    Recommended.objects.bulk_create(recommended)
    return events, lives


def _residency(palace, rng, seekers, residents: int, today):
    rows, support = [], []
    people = rng.sample(seekers, min(len(seekers), residents + 5))
    for n, user in enumerate(people):
        applied = today - timedelta(days=rng.randint(20, 360))
        if n < residents:
            starts = applied + timedelta(days=rng.randint(7, 20))
            status, period = (
                ResidencyStatus.ACCEPTED,
                (starts, starts + timedelta(days=rng.choice((365, 730)))),
            )
        elif n < residents + 2:
            status, period = ResidencyStatus.APPLIED, (None, None)
            applied = today - timedelta(days=rng.randint(1, 10))
        else:
            status, period = ResidencyStatus.REFUSED, (None, None)
        rows.append(
            ResidencyApplication(
                palace=palace,
                user_id=user,
                project=rng.choice(PROJECTS),
                description="申请免费入驻职工创业就业服务中心孵化区。",
                team_size=rng.randint(1, 6),
                status=status,
                created_at=_at(applied, 10),
                decided_at=None
                if status == ResidencyStatus.APPLIED
                else _at(applied + timedelta(days=5), 15),
                starts_on=period[0],
                ends_on=period[1],
                reason="本期孵化名额已满，请关注下期招募" if status == ResidencyStatus.REFUSED else "",
            )
        )
    ResidencyApplication.objects.bulk_create(rows)
    for row in rows:
        if row.status != ResidencyStatus.ACCEPTED:
            continue
        granted = min(row.starts_on + timedelta(days=rng.randint(30, 120)), today - timedelta(days=1))
        support.append(
            ResidencySupport(
                palace=palace,
                residency=row,
                kind=SupportKind.LOAN_INTEREST,
                amount=Decimal(rng.randrange(6_000, 30_000, 500)),
                granted_on=granted,
                note="创业担保贷款贴息",
            )
        )
        support.append(
            ResidencySupport(
                palace=palace, residency=row, kind=SupportKind.RENT, amount=Decimal(0),
                granted_on=row.starts_on, note="免费工位及水电",
            )
        )  # fmt: skip
    ResidencySupport.objects.bulk_create(support)
    return rows, support


def seed_employment_for_palace(
    *, palace: Palace, rng: random.Random, today: date, scale: float
) -> dict[str, int]:
    """Write `palace`'s year of employment services up to the eve of `today`, at `scale` × Huaibei's
    published volume (1.0: about 4,000 people placed). Returns the rows written, by kind."""
    now = _at(today, 8)
    seekers = _seekers(palace, rng, _n(SEEKERS, scale, 10), now)
    employers = _employers(palace, rng, _n(EMPLOYERS, scale, 3))
    postings = _postings(palace, rng, employers, _n(POSTINGS, scale, 12), today)
    applications, interviews = _applications(
        palace, rng, postings, seekers, _n(APPLICATIONS, scale, 20), _n(PLACED, scale, 5), today
    )
    fairs, streams = _fairs_and_streams(
        palace, rng, postings, _n(JOB_FAIRS, scale, 1), _n(LIVESTREAMS, scale, 2), today
    )
    residents, support = _residency(palace, rng, seekers, _n(RESIDENTS, scale, 2), today)
    return {
        "employers": len(employers),
        "postings": len(postings),
        "applications": len(applications),
        "placed": sum(1 for a in applications if a["status"] == ApplicationStatus.PLACED),
        "interviews": len(interviews),
        "job_fairs": len(fairs),
        "livestreams": len(streams),
        "residency_applications": len(residents),
        "residents": sum(1 for r in residents if r.status == ResidencyStatus.ACCEPTED),
        "support": len(support),
    }


def build_employment(ctx: DemoContext) -> None:
    rng = ctx.rng("employment")
    larger = (
        Palace.objects.in_service()
        .filter(level=Palace.Level.CITY)
        .select_related("region", "region__parent")
        .order_by(F("floor_area").desc(nulls_last=True), "pk")
    )
    palaces = list(larger[:JIANGXI_PALACES])
    demo = larger.filter(name=DEMO_PALACE_NAME).first()
    if demo is not None and demo not in palaces:
        palaces[-1] = demo
    totals: dict[str, int] = {}
    for palace in palaces:
        for key, n in seed_employment_for_palace(
            palace=palace, rng=rng, today=ctx.today, scale=JIANGXI_SCALE
        ).items():
            totals[key] = totals.get(key, 0) + n
    _demo_worker(ctx)
    ctx.count(_("job postings"), totals.get("postings", 0))
    ctx.count(_("job applications"), totals.get("applications", 0))
    ctx.count(_("people placed"), totals.get("placed", 0))


def _demo_worker(ctx: DemoContext) -> None:
    """The demo worker applied for two open jobs at the demo palace: one in an interview."""
    worker = ctx.users.get("worker")
    palace = Palace.objects.filter(name=DEMO_PALACE_NAME).first()
    if worker is None or palace is None:
        return
    open_jobs = list(JobPosting.objects.open_on(ctx.today).filter(palace=palace).order_by("pk")[:2])
    now = timezone.now()
    rows = [
        JobApplication(
            palace=palace, posting=job, user=worker, created_at=now - timedelta(days=3 - n),
            local_date=ctx.today - timedelta(days=3 - n),
            status=ApplicationStatus.INTERVIEW if n == 0 else ApplicationStatus.APPLIED,
        )
        for n, job in enumerate(open_jobs)
    ]  # fmt: skip
    JobApplication.objects.bulk_create(rows, ignore_conflicts=True)


def _delete(model, where: str = "") -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} {where}")  # noqa: S608


def wipe_employment() -> None:
    """Everything of employment, dependants first, and the demo job seekers."""
    for model in (
        ResidencySupport,
        ResidencyApplication,
        Interview,
        JobApplication,
        Livestream.postings.through,
        Livestream,
        JobPosting.events.through,
        JobPosting,
        Employer,
    ):
        _delete(model)
    User.objects.filter(phone__startswith=PHONE_PREFIX, password=UNUSABLE).delete()


def employment_exists() -> bool:
    return JobPosting.objects.exists() or Employer.objects.exists()


EMPLOYMENT_STEP = Step("employment", build_employment, wipe=wipe_employment, has_data=employment_exists)
