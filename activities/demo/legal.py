"""Demo legal help: a palace's lawyers on duty, a year of cases from intake to their outcome, and
demonstration hearings (示范性庭审).

`seed_legal_for_palace` is what a demo profile calls for one palace; scale 1.0 is a palace the
size of Huaibei's (about 200,000 person-times a year): some 360 cases a year, nearly half of them
settled by mediation (调), the rest advised, referred, withdrawn, or taken on to arbitration (裁)
and court (诉); a demonstration hearing every quarter. `LEGAL_STEP` gives the larger Jiangxi
palaces (city level, in service) the same at a small scale. Rows are bulk-inserted; everything
is drawn from the generator passed in.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from activities.events.models import Event
from activities.ledger.models import Activity, ActivityKind
from activities.legal.models import CaseKind, CaseRead, CaseStep, ContactPreference, LegalCase, Outcome, Stage
from activities.offerings.models import PublishState
from bookings.models import DutyShift
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.kinds import Centre
from venues.models import Palace, StaffAssignment, Venue

from .union_people import people

CASES_A_YEAR = 360
HEARINGS_A_YEAR = 4
JIANGXI_SCALE = 0.1
LEGAL_KINDS = ("legal_aid_window", "mediation_room")
_ZONE = ZoneInfo(settings.TIME_ZONE)
# What `seed_legal_for_palace` returns, as `seed_demo` prints it.
LABELS = {
    "legal_cases": _("legal-help cases"),
    "case_steps": _("steps of legal-help cases"),
    "legal_duty_shifts": _("duty shifts of lawyers"),
    "demonstration_hearings": _("demonstration hearings"),
}

# How cases end (weights), and the stages they pass on the way.
ENDINGS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    (Outcome.MEDIATED, (Stage.MEDIATION,), 45),
    (Outcome.ADVICE, (), 20),
    (Outcome.REFERRED, (), 7),
    (Outcome.WITHDRAWN, (Stage.MEDIATION,), 8),
    (Outcome.AWARD, (Stage.MEDIATION, Stage.ARBITRATION), 8),
    (Outcome.MEDIATED, (Stage.MEDIATION, Stage.ARBITRATION), 4),
    (Outcome.JUDGMENT, (Stage.MEDIATION, Stage.ARBITRATION, Stage.LITIGATION), 4),
)
KIND_WEIGHTS = {
    CaseKind.WAGES: 35, CaseKind.DISMISSAL: 18, CaseKind.CONTRACT: 14, CaseKind.INSURANCE: 12,
    CaseKind.INJURY: 10, CaseKind.HOURS: 7, CaseKind.OTHER: 4,
}  # fmt: skip
TEXTS = {
    CaseKind.WAGES: ("公司拖欠{n}个月工资，多次讨要未果。", "项目完工后包工头迟迟不结算工钱，约{m}元。"),
    CaseKind.DISMISSAL: (
        "公司以业绩不达标为由口头辞退，未给任何补偿。",
        "工作{n}年被突然解除合同，想了解经济补偿怎么算。",
    ),
    CaseKind.CONTRACT: ("入职{n}个月了公司一直不签劳动合同。", "合同到期公司不续签，也不说明原因。"),
    CaseKind.INSURANCE: ("公司没有给我缴纳社保，已经工作{n}年。", "社保按最低基数缴纳，与实际工资不符。"),
    CaseKind.INJURY: ("在车间作业时手部受伤，公司不肯申报工伤。", "送餐途中摔伤，平台说不归他们管。"),
    CaseKind.HOURS: ("长期每天工作十二小时，加班费从来没有发过。", "休产假期间公司扣发全部工资。"),
    CaseKind.OTHER: ("公司扣押身份证不还，想咨询怎么办。", "培训后离职公司要求赔偿培训费{m}元。"),
}
EMPLOYERS = ("某建筑劳务公司", "某物流公司", "某电子厂", "某餐饮管理公司", "某物业服务公司", "某纺织厂",
             "某汽车配件公司", "某外卖配送站", "某商贸公司", "")  # fmt: skip
NOTES = {
    Stage.MEDIATION: ("已联系用人单位，约定调解时间。", "双方同意到调解室面谈。"),
    Stage.ARBITRATION: ("调解未成，协助申请劳动仲裁。", "已协助准备仲裁申请书和证据。"),
    Stage.LITIGATION: ("对仲裁裁决不服，协助向法院起诉。",),
    Stage.CLOSED: ("", "已告知当事人结果。"),
}
ROTA = (("王律师", (1, 3), (time(14), time(17))), ("李律师", (0, 2), (time(9), time(12))),
        ("张律师", (4,), (time(14), time(17))), ("刘调解员", (2, 4), (time(9), time(11, 30))))  # fmt: skip
HEARINGS = tuple(
    f"劳动争议示范性庭审：{case}纠纷"
    for case in ("追索劳动报酬", "工伤认定", "解除劳动合同经济补偿", "新就业形态劳动者权益")
)


def _text(rng: random.Random, kind: str) -> str:
    return rng.choice(TEXTS[kind]).format(n=rng.randint(2, 8), m=rng.randrange(3000, 60000, 500))


def _plan_case(rng: random.Random, opened: date, today: date) -> tuple[list[tuple[str, str, date]], str, str]:
    """The dated steps of one case (stage, outcome, day) up to today, its stage and its outcome."""
    ending = rng.choices(ENDINGS, weights=[w for *_x, w in ENDINGS])[0]
    outcome, stages = ending[0], ending[1]
    steps = [(Stage.INTAKE, "", opened)]
    day = opened
    for stage in (*stages, Stage.CLOSED):
        gap = {Stage.MEDIATION: (1, 7), Stage.ARBITRATION: (10, 30), Stage.LITIGATION: (30, 60)}.get(stage)
        if stage == Stage.CLOSED:
            gap = (0, 2) if not stages else (5, 45)
        day = day + timedelta(days=rng.randint(*gap))
        if day > today:
            return steps, steps[-1][0], ""
        steps.append((stage, outcome if stage == Stage.CLOSED else "", day))
    return steps, Stage.CLOSED, outcome


def _rota(palace: Palace) -> int:
    """Lawyers on duty at the palace's legal windows that have nobody on the roster yet."""
    venues = list(Venue.objects.filter(palace=palace, kind__in=LEGAL_KINDS, is_active=True))
    staffed = set(DutyShift.objects.filter(venue__in=venues).values_list("venue_id", flat=True))
    rows = []
    for venue in venues:
        if venue.pk in staffed:
            continue
        lines = ROTA[3:] if venue.kind == "mediation_room" else ROTA[:3]
        for person, weekdays, (starts, ends) in lines:
            role = "劳动争议调解员" if "调解" in person else "律师"
            rows += [
                DutyShift(
                    palace=palace, venue=venue, person=person, role=role, weekday=d, starts=starts, ends=ends
                )
                for d in weekdays
            ]
    DutyShift.objects.bulk_create(rows)
    return len(rows)


def _hearings(rng: random.Random, palace: Palace, today: date, n: int) -> int:
    venue = (
        Venue.objects.filter(
            palace=palace, is_active=True, kind__in=("multi_function_hall", "mediation_room")
        )
        .order_by("kind", "pk")
        .first()
    )
    if venue is None or n <= 0:
        return 0
    rows = []
    for i in range(n):
        # Every quarter or so, the last one still to come.
        day = today - timedelta(days=int(365 * (n - 1 - i) / n)) + timedelta(days=12)
        day -= timedelta(days=(day.weekday() - 2) % 7)  # a Wednesday
        starts = datetime.combine(day, time(14, 30), tzinfo=_ZONE)
        rows.append(
            Event(
                palace=palace,
                title=HEARINGS[i % len(HEARINGS)],
                kind=ActivityKind.DEMO_HEARING,
                centre=Centre.SERVICE,
                venue=venue,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                local_date=day,
                speaker="市劳动人事争议仲裁院、市中级人民法院",
                description="法院、仲裁院走进工人文化宫，现场开庭审理真实劳动争议案件，职工旁听并与法官、律师交流。",
                state=PublishState.PUBLISHED,
            )
        )
    Event.objects.bulk_create(rows)
    # The hearings already held are in the palace's activity ledger too, with their audience.
    Activity.objects.bulk_create(
        [
            Activity(
                palace=palace,
                title=event.title,
                kind=ActivityKind.DEMO_HEARING,
                centre=Centre.SERVICE,
                venue=venue,
                date=event.local_date,
                participants=rng.randint(40, 160),
            )
            for event in rows
            if event.local_date <= today
        ]
    )
    return len(rows)


def seed_legal_for_palace(*, palace: Palace, rng: random.Random, today: date, scale: float) -> dict[str, int]:
    """A year of legal help at `palace` up to `today` (nothing dated after it), `scale` times a
    Huaibei-sized palace's. Returns the rows written, by kind."""
    n_cases = max(1, round(CASES_A_YEAR * scale))
    workers = people(rng, min(n_cases, 400))
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    zone_now = datetime.combine(today, time(8), tzinfo=_ZONE)
    cases, plans = [], []
    for _i in range(n_cases):
        opened = today - timedelta(days=rng.randint(0, 364))
        kind = rng.choices(kinds, weights=weights)[0]
        steps, stage, outcome = _plan_case(rng, opened, today - timedelta(days=1))
        closed_on = steps[-1][2] if stage == Stage.CLOSED else None
        cases.append(
            LegalCase(
                palace=palace,
                user_id=rng.choice(workers),
                kind=kind,
                description=_text(rng, kind),
                employer=rng.choice(EMPLOYERS),
                contact=rng.choices(ContactPreference.values, weights=(6, 3, 1))[0],
                stage=stage,
                outcome=outcome,
                opened_on=opened,
                closed_on=closed_on,
                created_at=min(
                    datetime.combine(opened, time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=_ZONE),
                    zone_now,
                ),
            )
        )
        plans.append(steps)
    LegalCase.objects.bulk_create(cases, batch_size=500)
    step_rows = [
        CaseStep(
            case=case,
            stage=stage,
            outcome=outcome,
            on=day,
            note=rng.choice(NOTES.get(stage, ("",))),
            created_at=datetime.combine(day, time(16), tzinfo=_ZONE),
        )
        for case, steps in zip(cases, plans, strict=True)
        for stage, outcome, day in steps
    ]
    CaseStep.objects.bulk_create(step_rows, batch_size=1000)
    hearings = _hearings(rng, palace, today, max(1, round(HEARINGS_A_YEAR * scale)) if scale >= 0.25 else 1)
    return {
        "legal_cases": len(cases),
        "case_steps": len(step_rows),
        "legal_duty_shifts": _rota(palace),
        "demonstration_hearings": hearings,
    }


def _jiangxi_palaces() -> list[Palace]:
    return list(
        Palace.objects.filter(level=Palace.Level.CITY, status=Palace.Status.IN_SERVICE).order_by(
            "region__code", "pk"
        )
    )


def build_legal(ctx: DemoContext) -> None:
    rng = ctx.rng("legal")
    for palace in _jiangxi_palaces():
        for key, n in seed_legal_for_palace(
            palace=palace, rng=rng, today=ctx.today, scale=JIANGXI_SCALE
        ).items():
            ctx.count(LABELS[key], n)
    # The demo palace's staff member (13800000003) holds the legal-service duty, so the case desk
    # can be seen; the demo worker has a case of their own there.
    demo_palace = Palace.objects.filter(name=DEMO_PALACE_NAME).first()
    staff = ctx.users.get("palace_staff")
    if demo_palace is not None and staff is not None:
        StaffAssignment.objects.filter(user=staff, palace=demo_palace).update(legal_service=True)
    worker = ctx.users.get("worker")
    if demo_palace is not None and worker is not None:
        opened = ctx.today - timedelta(days=9)
        case = LegalCase.objects.create(
            palace=demo_palace,
            user=worker,
            kind=CaseKind.WAGES,
            description="公司拖欠两个月工资共计8600元，多次找人事部门都说再等等。",
            employer="南昌某物流公司",
            contact=ContactPreference.PHONE,
            stage=Stage.MEDIATION,
            opened_on=opened,
        )
        CaseStep.objects.bulk_create(
            [
                CaseStep(case=case, stage=Stage.INTAKE, on=opened),
                CaseStep(
                    case=case,
                    stage=Stage.MEDIATION,
                    on=opened + timedelta(days=3),
                    note=NOTES[Stage.MEDIATION][0],
                ),
            ]
        )
        ctx.count(LABELS["legal_cases"], 1)


def wipe_legal() -> None:
    CaseRead.objects.all().delete()
    CaseStep.objects.all().delete()
    LegalCase.objects.all().delete()
    Event.objects.filter(kind=ActivityKind.DEMO_HEARING).delete()
    Activity.objects.filter(kind=ActivityKind.DEMO_HEARING).delete()


def legal_exists() -> bool:
    return LegalCase.objects.exists()


LEGAL_STEP = Step("legal", build_legal, wipe=wipe_legal, has_data=legal_exists)
