"""Demo teams and volunteers: a palace's volunteer organisations and professional teams, their
members, requests to join waiting for an answer, and a year of volunteer hours.

`seed_teams_for_palace` at scale 1.0 is Huaibei's palace as published: 6 volunteer organisations
(百名劳模工匠宣讲团, 律师法律援助志愿团 …) and 12 professional teams (健身协会, 舞蹈队, 艺术团 …).
`TEAMS_STEP` gives the larger Jiangxi palaces a third of that. Rows are bulk-inserted.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from activities.teams.models import JoinRequest, Team, TeamKind, TeamMember, VolunteerHours
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.models import Palace

from .union_people import people, wipe_own_people

JIANGXI_SCALE = 0.34
_ZONE = ZoneInfo(settings.TIME_ZONE)

# (name, field, when it meets, what its volunteering is)
VOLUNTEER = (
    ("百名劳模工匠宣讲团", "宣讲", "每月一主题", ("劳模进企业宣讲", "劳模工匠进校园", "五一课堂宣讲")),
    (
        "律师法律援助志愿团",
        "法律援助",
        "律师轮值，每周五天",
        ("律师轮值咨询", "普法进工地", "示范性庭审讲解"),
    ),
    ("“一瓶水·传递爱”志愿服务队", "户外劳动者关爱", "夏季高温期间", ("高温慰问户外劳动者", "工会驿站值守")),
    ("职工书屋阅读推广志愿队", "阅读推广", "每周六上午", ("读书交流活动服务", "职工书屋值守")),
    ("心灵驿站心理健康志愿队", "心理健康", "每周三晚", ("心理健康讲座", "一对一心理疏导")),
    ("职工文艺志愿服务队", "文艺", "节假日", ("文艺演出进社区", "送文化进企业")),
)
PROFESSIONAL = (
    ("职工健身协会", "健身", "每周二、四晚"), ("职工舞蹈队", "舞蹈", "每周一、三晚"),
    ("职工艺术团", "综合文艺", "每周六下午"), ("职工合唱团", "合唱", "每周三晚"),
    ("职工书画协会", "书画", "每周日上午"), ("职工摄影协会", "摄影", "每月两次外拍"),
    ("职工太极拳队", "太极拳", "每天早晨"), ("职工篮球队", "篮球", "每周六上午"),
    ("职工瑜伽队", "瑜伽", "每周二晚"), ("职工乒乓球协会", "乒乓球", "每周五晚"),
    ("职工民乐团", "器乐", "每周四晚"), ("职工诗词楹联协会", "诗词楹联", "每月一次雅集"),
)  # fmt: skip
LABELS = {
    "teams": _("teams and volunteer organisations"),
    "team_members": _("team members"),
    "join_requests": _("requests to join a team"),
    "volunteer_hours": _("volunteer hours records"),
}


def seed_teams_for_palace(*, palace: Palace, rng: random.Random, today: date, scale: float) -> dict[str, int]:
    """`palace`'s teams, members, open requests and a year of volunteer hours up to `today`."""
    n_volunteer = max(1, round(len(VOLUNTEER) * scale))
    n_professional = max(1, round(len(PROFESSIONAL) * scale))
    size = 40 if scale >= 0.5 else 16
    busy = scale >= 0.5  # a Huaibei-sized palace volunteers every week; smaller ones monthly
    workers = people(rng, size * 3)
    teams = [
        Team(palace=palace, name=name, kind=TeamKind.VOLUNTEER, field=field, meets=meets,
             description=f"{palace.name}{name}，面向全市职工招募，欢迎报名加入。")
        for name, field, meets, _work in VOLUNTEER[:n_volunteer]
    ] + [
        Team(palace=palace, name=name, kind=TeamKind.PROFESSIONAL, field=field, meets=meets,
             description=f"{name}常年开展训练和展演，零基础职工也可报名。")
        for name, field, meets in PROFESSIONAL[:n_professional]
    ]  # fmt: skip
    Team.objects.bulk_create(teams)
    members, requests, hours = [], [], []
    work = {name: tasks for name, _f, _m, tasks in VOLUNTEER}
    for team in teams:
        chosen = rng.sample(workers, min(len(workers), rng.randint(size // 2, size) + 3))
        people_in, waiting = chosen[:-3], chosen[-3:]
        team_members = []
        for n, user_id in enumerate(people_in):
            joined = today - timedelta(days=rng.randint(1, 900))
            role = TeamMember.Role.LEADER if n == 0 else TeamMember.Role.MEMBER
            team_members.append(
                TeamMember(team=team, palace=palace, user_id=user_id, role=role, joined_on=joined)
            )
        members += team_members
        for user_id in waiting[: rng.randint(0, 3)]:
            sent = datetime.combine(
                today - timedelta(days=rng.randint(0, 10)), time(rng.randint(8, 21)), tzinfo=_ZONE
            )
            requests.append(
                JoinRequest(
                    team=team, palace=palace, user_id=user_id, message="想参加，周末有时间。", created_at=sent
                )
            )
        if team.kind != TeamKind.VOLUNTEER:
            continue
        # Two to four volunteering days a month over the last year, each with a handful of members.
        for month_back in range(12):
            for _i in range(rng.randint(2, 4) if busy else 1):
                day = today - timedelta(days=30 * month_back + rng.randint(1, 29))
                task = rng.choice(work[team.name])
                present = [m for m in team_members if m.joined_on <= day]
                for member in rng.sample(
                    present, min(len(present), rng.randint(4, 12) if busy else rng.randint(3, 6))
                ):
                    hours.append(
                        VolunteerHours(team=team, palace=palace, user_id=member.user_id, date=day,
                                       hours=Decimal(rng.choice((1.5, 2, 2.5, 3, 4))), activity=task)
                    )  # fmt: skip
    TeamMember.objects.bulk_create(members, batch_size=1000)
    JoinRequest.objects.bulk_create(requests, batch_size=1000)
    VolunteerHours.objects.bulk_create(hours, batch_size=1000, ignore_conflicts=True)
    return {
        "teams": len(teams),
        "team_members": len(members),
        "join_requests": len(requests),
        "volunteer_hours": len(hours),
    }


def build_teams(ctx: DemoContext) -> None:
    rng = ctx.rng("teams")
    palaces = Palace.objects.filter(level=Palace.Level.CITY, status=Palace.Status.IN_SERVICE)
    for palace in palaces.order_by("region__code", "pk"):
        for key, n in seed_teams_for_palace(
            palace=palace, rng=rng, today=ctx.today, scale=JIANGXI_SCALE
        ).items():
            ctx.count(LABELS[key], n)
    # The demo worker dances with the demo palace's troupe and waits to join its art troupe.
    worker, palace = ctx.users.get("worker"), Palace.objects.filter(name=DEMO_PALACE_NAME).first()
    if worker is None or palace is None:
        return
    teams = {t.name: t for t in Team.objects.filter(palace=palace)}
    dance, art = teams.get("职工舞蹈队"), teams.get("职工艺术团")
    if dance is not None:
        TeamMember.objects.get_or_create(
            team=dance, user=worker, defaults={"palace": palace, "joined_on": ctx.today - timedelta(days=120)}
        )
    if art is not None:
        JoinRequest.objects.filter(team=art, user=worker, status=JoinRequest.Status.OPEN).delete()
        TeamMember.objects.filter(team=art, user=worker).delete()
        JoinRequest.objects.create(team=art, palace=palace, user=worker, message="学过几年舞蹈。")


def wipe_teams() -> None:
    VolunteerHours.objects.all().delete()
    JoinRequest.objects.all().delete()
    TeamMember.objects.all().delete()
    Team.objects.all().delete()
    wipe_own_people()


def teams_exist() -> bool:
    return Team.objects.exists()


TEAMS_STEP = Step("teams", build_teams, wipe=wipe_teams, has_data=teams_exist)
