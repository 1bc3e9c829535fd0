"""Demo innovation: studio alliances, mentors, the problem clinic and free skill trainings.

`seed_innovation_for_palace` writes one palace's year, in proportion to Huaibei's published
figures (scale 1.0: 18 mentors, an alliance of two dozen studios, 960+ problems worked on, 820+
guidance sessions, free skill trainings totalling 5,000+ person-times), spread over the year
before `today`; the Huaibei demo profile calls it at 1.0. `INNOVATION_STEP` gives the default
Jiangxi demo the same shapes at a small scale at its city-level palaces in service, the demo
palace a little more, with the demo worker's own problems and a mentor who signs in (陈静).

Rows go in with `bulk_create`, never through the services, but each is one the services could have
written: a problem's mentor, dates and note follow its status; sessions lie between the day it was
taken and the day it closed (or today); skill trainings are published, free courses flagged as
free skill training, whose sessions are all past and whose attendance was taken at roll call.
Everything is drawn from the generator passed in, so a seed and an anchor day give the same rows.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from activities.classes.models import Course, Term
from activities.demo.classes import _insert
from activities.demo.union_people import people
from activities.innovation.models import (
    GuidanceForm,
    GuidanceSession,
    InnovationField,
    Mentor,
    PosterKind,
    Problem,
    ProblemStatus,
    Studio,
    StudioKind,
    StudioMembership,
)
from activities.offerings.models import PublishState
from bookings.demo import GIVEN_FIRST, GIVEN_SECOND, SURNAMES
from bookings.models import Attendance, Booking, Occurrence, Offering
from bookings.services.booking import CODE_ALPHABET
from palace_portal.users.models import User
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.kinds import Centre
from venues.models import Palace, Venue

# Huaibei's published year (002_*.txt): the figures at scale 1.0.
MENTORS, STUDIOS = 18, 24
PROBLEMS_WORKED, PROBLEMS_WAITING = 975, 30
GUIDANCE_SESSIONS = 830
SKILL_PERSON_TIMES = 5_100
SESSIONS_PER_TRAINING, TRAINEES = 8, 25
JIANGXI_SCALE, DEMO_PALACE_SCALE = 0.05, 0.1
F = InnovationField
TITLES = {
    F.MACHINERY: [
        "数控车床主轴异响",
        "液压系统压力不稳",
        "齿轮箱温升过高",
        "工装夹具定位误差大",
        "减速机漏油",
    ],
    F.ELECTRICAL: [
        "PLC程序偶发停机",
        "变频器频繁过流报警",
        "配电柜谐波超标",
        "电机启动电流过大",
        "传感器信号干扰",
    ],
    F.MINING: [
        "综采工作面支架歪斜",
        "皮带机跑偏撒料",
        "井下通风风量不足",
        "瓦斯抽采效率低",
        "矿井水处理成本高",
    ],
    F.CHEMICAL: ["反应釜温度波动", "管道腐蚀结垢", "涂层附着力不足", "原料配比优化", "焊缝气孔缺陷"],
    F.ENERGY: ["锅炉能耗偏高", "余热回收利用", "空压机节能改造", "粉尘排放超标", "污水处理药剂用量大"],
    F.CONSTRUCTION: ["混凝土表面裂缝", "钢结构焊接变形", "管道安装返工多", "脚手架搭设效率低", "防水层渗漏"],
    F.DIGITAL: [
        "设备数据采集不全",
        "生产报表手工汇总慢",
        "巡检记录无法追溯",
        "仓储条码识别率低",
        "视频监控存储不足",
    ],
    F.QUALITY: ["产品尺寸一致性差", "来料检验漏检", "工序返修率高", "质量追溯链条断", "首件检验耗时长"],
    F.CRAFT: ["面点发酵不稳定", "家政服务流程标准化", "维修工具收纳混乱", "客房清洁效率低", "茶艺操作规范"],
}
TRAININGS = [
    ("电工技能培训", F.ELECTRICAL), ("焊工技能培训", F.MACHINERY), ("数控操作培训", F.MACHINERY),
    ("叉车安全操作培训", F.QUALITY), ("育婴员技能培训", F.CRAFT), ("养老护理员培训", F.CRAFT),
    ("电子商务直播培训", F.DIGITAL), ("煤矿安全技能培训", F.MINING), ("中式面点培训", F.CRAFT),
]  # fmt: skip
ENTERPRISES = ["矿业集团", "供电公司", "水泥有限公司", "酒业股份", "建设投资集团", "燃气公司", "化工集团",
               "机械制造厂", "公交集团", "自来水公司", "纺织集团", "电力检修公司"]  # fmt: skip
LEADER_TITLES = [
    "全国劳动模范",
    "全国五一劳动奖章获得者",
    "省劳动模范",
    "省级技术能手",
    "市劳动模范",
    "大国工匠",
    "",
]
MENTOR_TITLES = ["高级技师", "高级工程师", "正高级工程师", "全国技术能手", "省劳动模范", "首席技师"]
AVAILABILITY = ["每周二、四下午", "每周三全天", "工作日晚上线上", "周末上午", "每月第一、三周"]
NOTES = [
    "现场查看设备并给出改进方案",
    "线上视频指导调试",
    "讲解原理并示范操作",
    "复查改进效果",
    "提供参考图纸与资料",
]
OUTCOMES_SOLVED = [
    "调整参数后问题消除",
    "改进工装后合格率提升",
    "更换部件并优化流程后解决",
    "形成作业指导书推广",
]
OUTCOMES_UNSOLVED = ["需企业更换设备，暂缓", "涉及工艺重大调整，转交专业机构", "企业暂停该项目"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), _zone())


def _city_short(palace: Palace) -> str:
    region = palace.region
    city = region if region.level == region.Level.CITY or region.parent is None else region.parent
    return city.name.removesuffix("市")


def seed_innovation_for_palace(
    *, palace: Palace, rng: random.Random, today: date, scale: float, mentor_user: User | None = None
) -> dict[str, int]:
    """One palace's year of innovation, `scale` × Huaibei's published figures (see the module).
    `mentor_user`, if given, is linked to the first mentor (who then signs in). Returns row counts."""
    counts: dict[str, int] = {}
    studios = _studios(palace, rng, today, scale, counts)
    mentors = _mentors(palace, rng, scale, studios, mentor_user, counts)
    posters = people(rng, 600)[:600]  # the demo's workers, topped up where a profile has fewer
    problems = _problems(palace, rng, today, scale, mentors, posters, counts)
    _sessions(palace, rng, today, scale, problems, counts)
    _trainings(palace, rng, today, scale, posters, counts)
    return counts


def _studios(palace, rng, today, scale, counts) -> list[Studio]:
    n = max(2, round(STUDIOS * scale))
    city = _city_short(palace)
    rows = []
    for i in range(n):
        leader = _name(rng)
        kind = StudioKind.MODEL_WORKER if rng.random() < 0.55 else StudioKind.CRAFTSMAN
        own = i == 0  # the palace's own studio
        rows.append(
            Studio(
                palace=palace,
                name=f"{leader}{'劳模' if kind == StudioKind.MODEL_WORKER else '工匠'}创新工作室",
                kind=kind,
                leader_title=rng.choice(LEADER_TITLES),
                leader_name=leader,
                enterprise="" if own else f"{city}{ENTERPRISES[i % len(ENTERPRISES)]}",
                field=rng.choice(F.values),
                founded_year=rng.randint(2008, today.year - 1),
            )
        )
    # Names are unique per palace: a repeated leader name gets a number.
    seen: dict[str, int] = {}
    for row in rows:
        seen[row.name] = seen.get(row.name, 0) + 1
        if seen[row.name] > 1:
            row.name = f"{row.name}（{seen[row.name]}）"
    Studio.objects.bulk_create(rows)
    memberships = []
    left = n // 12  # a few studios left the alliance again
    for i, studio in enumerate(rows):
        joined = date(max(studio.founded_year, 2018), 1, 1) + timedelta(days=rng.randint(0, 300))
        joined = min(joined, today - timedelta(days=60))
        stayed = rng.randint(30, max(31, (today - joined).days - 1))
        left_on = joined + timedelta(days=stayed) if i >= n - left else None
        memberships.append(StudioMembership(palace=palace, studio=studio, joined_on=joined, left_on=left_on))
    StudioMembership.objects.bulk_create(memberships)
    counts["studios"], counts["studio_members"] = n, n - left
    return rows


def _mentors(palace, rng, scale, studios, mentor_user, counts) -> list[Mentor]:
    n = max(2, round(MENTORS * scale))
    rows = [
        Mentor(
            palace=palace,
            name=mentor_user.real_name if (i == 0 and mentor_user) else _name(rng),
            title=rng.choice(MENTOR_TITLES),
            field=rng.choice(F.values),
            specialty="",
            studio=rng.choice(studios) if rng.random() < 0.6 else None,
            available=i == 0 or rng.random() < 0.85,
            availability=rng.choice(AVAILABILITY),
            user=mentor_user if i == 0 else None,
            appointed_on=date(2022, 3, 1) + timedelta(days=rng.randint(0, 500)),
        )
        for i in range(n)
    ]
    for mentor in rows:
        mentor.specialty = "、".join(rng.sample(TITLES[mentor.field], 2)).replace("问题", "")
    Mentor.objects.bulk_create(rows)
    counts["mentors"] = n
    return rows


def _problems(palace, rng, today, scale, mentors, posters, counts) -> list[Problem]:
    worked, waiting = round(PROBLEMS_WORKED * scale), max(1, round(PROBLEMS_WAITING * scale))
    yesterday = today - timedelta(days=1)
    rows = []
    for i in range(worked + waiting):
        field = rng.choice(F.values)
        is_waiting = i >= worked
        posted = today - timedelta(days=rng.randint(0, 13) if is_waiting else rng.randint(2, 365))
        enterprise = rng.random() < 0.35
        row = Problem(
            palace=palace,
            poster_id=rng.choice(posters) if posters else None,
            poster_kind=PosterKind.ENTERPRISE if enterprise else PosterKind.WORKER,
            enterprise=f"{_city_short(palace)}{rng.choice(ENTERPRISES)}" if enterprise else "",
            title=rng.choice(TITLES[field]),
            field=field,
            description="问题表现、已尝试的办法和涉及的设备见附件说明。",
            public=rng.random() < 0.6,
            created_at=_moment(posted, rng.randint(8, 21), rng.randint(0, 59)),
            posted_on=posted,
        )
        if not is_waiting:
            taken_on = min(posted + timedelta(days=rng.randint(0, 4)), yesterday)
            same_field = [m for m in mentors if m.field == field]
            mentor = rng.choice(same_field or mentors)
            row.status, row.mentor = ProblemStatus.TAKEN, mentor
            row.taken_at = max(_moment(taken_on, rng.randint(9, 20)), row.created_at + timedelta(hours=1))
            closes = taken_on + timedelta(days=rng.randint(3, 45))
            if closes <= yesterday and rng.random() < 0.94:
                solved = rng.random() < 0.92
                row.status = ProblemStatus.SOLVED if solved else ProblemStatus.UNSOLVED
                row.closed_on = closes
                row.outcome = rng.choice(OUTCOMES_SOLVED if solved else OUTCOMES_UNSOLVED)
        rows.append(row)
    Problem.objects.bulk_create(rows, batch_size=500)
    counts["problems"] = len(rows)
    counts["problems_worked"] = worked
    counts["problems_solved"] = sum(r.status == ProblemStatus.SOLVED for r in rows)
    return rows


def _sessions(palace, rng, today, scale, problems, counts) -> None:
    worked = [p for p in problems if p.mentor is not None]
    n = round(GUIDANCE_SESSIONS * scale)
    rows = []
    for _i in range(n if worked else 0):
        problem = rng.choice(worked)
        first = problem.taken_at.astimezone(_zone()).date()
        last = problem.closed_on or today - timedelta(days=1)
        rows.append(
            GuidanceSession(
                palace=palace,
                problem=problem,
                mentor=problem.mentor,
                date=first + timedelta(days=rng.randint(0, max(0, (last - first).days))),
                form=GuidanceForm.ON_SITE if rng.random() < 0.6 else GuidanceForm.ONLINE,
                note=rng.choice(NOTES),
            )
        )
    _insert(GuidanceSession, rows)
    counts["guidance_sessions"] = len(rows)


def _trainings(palace, rng, today, scale, posters, counts) -> None:
    """Free skill trainings: eight weekly evening sessions each, all past, attendance taken."""
    venue = (
        Venue.objects.filter(palace=palace, centre=Centre.EDUCATION, is_active=True).order_by("pk").first()
        or Venue.objects.filter(palace=palace, is_active=True).order_by("pk").first()
    )
    target = round(SKILL_PERSON_TIMES * scale)
    trainees = min(TRAINEES, len(posters))
    if venue is None or trainees < 5 or target == 0:
        counts["skill_training_person_times"] = 0
        return
    n = max(1, math.ceil(target / (trainees * SESSIONS_PER_TRAINING * 0.88)))
    first_day = today - timedelta(days=340)
    term = Term.objects.create(
        palace=palace,
        name=f"{today.year - 1}—{today.year}年度免费技能培训",
        starts_on=first_day,
        ends_on=today - timedelta(days=1),
        enrolment_opens=_moment(first_day - timedelta(days=30), 9),
        enrolment_closes=_moment(today - timedelta(days=60), 20),
    )
    plans = []
    for i in range(n):
        title, _field = TRAININGS[i % len(TRAININGS)]
        start_day = first_day + timedelta(days=rng.randint(0, 330 - 7 * SESSIONS_PER_TRAINING))
        days = [start_day + timedelta(weeks=w) for w in range(SESSIONS_PER_TRAINING)]
        plans.append((f"{title}（第{i // len(TRAININGS) + 1}期）", days))
    offerings = [
        Offering(
            palace=palace,
            venue=venue,
            kind=Offering.Kind.COURSE,
            title=title,
            capacity=TRAINEES,
            taken=trainees,
            selection=Offering.Selection.FIRST_COME,
            published=True,
            opens_at=_moment(days[0] - timedelta(days=20), 9),
            closes_at=_moment(days[0] - timedelta(days=1), 20),
            starts_at=_moment(days[0], 19),
            ends_at=_moment(days[-1], 21),
            limit_group=term.limit_group,
            group_limit=term.max_courses,
            created_at=_moment(days[0] - timedelta(days=25), 10),
        )
        for title, days in plans
    ]
    Offering.objects.bulk_create(offerings)
    courses = [
        Course(
            palace=palace,
            term=term,
            offering=offering,
            title=offering.title,
            centre=Centre.EDUCATION,
            venue=venue,
            teacher=_name(rng),
            weekdays=[days[0].weekday()],
            starts_at=time(19),
            ends_at=time(21),
            description="免费技能培训，结业可参加职业技能等级认定。",
            skill_training=True,
            state=PublishState.PUBLISHED,
        )
        for offering, (_title, days) in zip(offerings, plans, strict=True)
    ]
    Course.objects.bulk_create(courses)
    for offering, course in zip(offerings, courses, strict=True):
        offering.family = f"course:{course.pk}"
    Offering.objects.bulk_update(offerings, ["family"])
    occurrences, bookings = [], []
    for offering, (_title, days) in zip(offerings, plans, strict=True):
        occurrences += [
            Occurrence(
                offering=offering,
                palace=palace,
                venue=venue,
                start=_moment(day, 19),
                end=_moment(day, 21),
                local_date=day,
            )
            for day in days
        ]
        for user_id in rng.sample(posters, trainees):
            bookings.append(
                Booking(
                    palace=palace,
                    venue=venue,
                    offering=offering,
                    user_id=user_id,
                    mode=Offering.Kind.COURSE,
                    start=offering.starts_at,
                    end=offering.ends_at,
                    local_date=days[0],
                    status=Booking.Status.CONFIRMED,
                    check_in_code="".join(rng.choice(CODE_ALPHABET) for _ in range(11)),
                    created_at=(booked := offering.opens_at + timedelta(hours=rng.randint(1, 200))),
                    updated_at=booked,
                )
            )
    Occurrence.objects.bulk_create(occurrences, batch_size=1000)
    # One prepared INSERT (classes' `_insert`): bulk_create would take seconds for the sign-ups and
    # their attendance across the Jiangxi palaces.
    _insert(Booking, bookings)
    by_offering: dict[int, list[int]] = {}
    for pk, offering_id in Booking.objects.filter(offering__in=offerings).values_list("pk", "offering_id"):
        by_offering.setdefault(offering_id, []).append(pk)
    attendance = [
        {
            "booking_id": booking_id,
            "occurrence_id": occurrence.pk,
            "palace_id": palace.pk,
            "local_date": occurrence.local_date,
            "method": Attendance.Method.ROLL_CALL,
            "recorded_at": occurrence.end,
        }
        for occurrence in occurrences
        for booking_id in sorted(by_offering[occurrence.offering_id])
        if rng.random() < 0.88
    ]
    _insert(Attendance, attendance)
    counts["skill_trainings"] = n
    counts["skill_training_person_times"] = len(attendance)


# --- The default Jiangxi demo ---------------------------------------------------------------------


COUNT_LABELS = {
    "studios": _("innovation studios"),
    "mentors": _("innovation mentors"),
    "problems": _("technical problems"),
    "guidance_sessions": _("guidance sessions"),
    "skill_training_person_times": _("free skill training person-times"),
}


def build_innovation(ctx: DemoContext) -> None:
    rng = ctx.rng("innovation")
    palaces = list(
        Palace.objects.in_service()
        .filter(level=Palace.Level.CITY)
        .select_related("region__parent")
        .order_by("pk")
    )
    mentor_user = ctx.users.get("worker_non_member")
    worker = ctx.users.get("worker")
    for palace in palaces:
        demo = palace.name == DEMO_PALACE_NAME
        counts = seed_innovation_for_palace(
            palace=palace,
            rng=rng,
            today=ctx.today,
            scale=DEMO_PALACE_SCALE if demo else JIANGXI_SCALE,
            mentor_user=mentor_user if demo else None,
        )
        for key, label in COUNT_LABELS.items():
            ctx.count(label, counts.get(key, 0))
        if demo and worker is not None:
            # The demo worker's own problems: one waiting, one being worked on (seen in "My problems").
            mine = Problem.objects.filter(palace=palace).order_by("-posted_on", "pk")
            waiting = mine.filter(status=ProblemStatus.OPEN).first()
            taken = mine.filter(status=ProblemStatus.TAKEN).first()
            Problem.objects.filter(pk__in=[p.pk for p in (waiting, taken) if p]).update(poster=worker)


def wipe_innovation() -> None:
    """Everything of innovation, and the free skill trainings it wrote (classes' wipe would too)."""
    skills = Course.objects.filter(skill_training=True)
    offerings = Offering.objects.filter(course__in=skills)
    Attendance.objects.filter(occurrence__offering__in=offerings).delete()
    Booking.objects.filter(offering__in=offerings).delete()
    Occurrence.objects.filter(offering__in=offerings).delete()
    terms = list(skills.values_list("term_id", flat=True).distinct())
    offering_ids = list(offerings.values_list("pk", flat=True))
    skills.delete()
    Offering.objects.filter(pk__in=offering_ids).delete()
    Term.objects.filter(pk__in=terms, courses__isnull=True).delete()
    GuidanceSession.objects.all().delete()
    Problem.objects.all().delete()
    Mentor.objects.all().delete()
    StudioMembership.objects.all().delete()
    Studio.objects.all().delete()


def innovation_exists() -> bool:
    return Studio.objects.exists() or Problem.objects.exists()


INNOVATION_STEP = Step("innovation", build_innovation, wipe=wipe_innovation, has_data=innovation_exists)
