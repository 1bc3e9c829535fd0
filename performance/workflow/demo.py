"""Demo step: the computed demo ledgers get the history a year of real reporting leaves behind.

Runs after the ledgers' own demo step (which computes every demo month). Every ended month older
than the last three is accepted and locked (its snapshot taken): most of them accepted by the city
first, some returned once and resubmitted, about one in nine handed in after the 10th, so the
on-time rate is not 100%. The last three ended months are a mix: submitted (some accepted by the
city, waiting for the province), returned with a reason, open (not handed in yet), accepted. The
running month stays open. The demo palace (the demo manager's) has manual lines with notes in the
last twelve months (the last ended month with a figure the validation flags). Steps fall between
the month's end and the demo's clock (08:00 on the anchor day); a step that would fall later has
not happened yet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palace_portal.months import add_months, next_month
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.models import Region

from ..ledgers import rollups
from ..ledgers.models import Ledger, LedgerFigure, LedgerStep, ManualLine
from .services import sync_manual_figures

Status = Ledger.Status
Action = LedgerStep.Action
DEMO_HOUR = time(8, 0)
RECENT_MONTHS = 3
LATE_SHARE = 0.11
REOPENED_AGE = 5

RETURN_REASONS = (
    "志愿服务时长缺少签到表说明，请补充后重新报送。",
    "本月服务人次较上月明显偏高，请核实直播观看人数是否误计入到场人次。",
    "法律援助案件数与服务窗口登记不一致，请核对后重新报送。",
    "场馆使用率偏低，请说明闭馆维修天数是否已登记。",
    "帮助就业人数缺少招聘会回访记录，请补充说明。",
)
REOPEN_REASON = "补录漏报的法律援助案件，重新核定。"
EXPLANATIONS = (
    "",
    "",
    "",
    "本月举办直播荐岗活动，线上观看人数较多。",
    "本月部分场馆闭馆维修，服务人次下降。",
)

# (metric, low, high, notes): what the demo palace adds by hand each month.
MANUAL = (
    (
        "volunteer_hours",
        120,
        680,
        ("志愿者服务签到表汇总（职工书屋、服务窗口）", "“四季有约”志愿服务队签到记录"),
    ),
    ("jobs_placed", 8, 90, ("直播荐岗活动达成就业意向，经电话回访确认", "职工夜校技能班结业学员就业回访")),
    ("legal_aid_cases", 2, 25, ("律师轮值接待登记，含劳动争议调解", "维权窗口案件登记簿")),
    ("bought_services", 1, 6, ("购买专业机构瑜伽、舞蹈课程服务", "购买演出团体公益演出服务")),
)
JOB_FAIR_NOTE = "“春风行动”大型招聘会现场达成就业意向，待电话回访核实。"
REMARKS = ("本月一楼多功能厅闭馆维修5天。", "本月承办全省职工篮球友谊赛分赛区比赛。")


@dataclass
class _Plan:
    status: str
    returned_first: bool = False
    city_first: bool = True


def _plan(rng: random.Random, age: int) -> _Plan:
    """What happened to a month `age` months before the last ended one (0 = the last)."""
    roll = rng.random()
    city_first = rng.random() < 0.85
    if age >= RECENT_MONTHS:
        return _Plan(Status.ACCEPTED, returned_first=rng.random() < 0.08, city_first=city_first)
    table = {
        0: ((0.40, Status.OPEN), (0.70, Status.SUBMITTED), (0.80, Status.RETURNED), (1.0, Status.ACCEPTED)),
        1: ((0.03, Status.OPEN), (0.23, Status.SUBMITTED), (0.30, Status.RETURNED), (1.0, Status.ACCEPTED)),
        2: ((0.0, Status.OPEN), (0.08, Status.SUBMITTED), (0.10, Status.RETURNED), (1.0, Status.ACCEPTED)),
    }[age]
    status = next(s for limit, s in table if roll < limit)
    return _Plan(
        status, returned_first=status == Status.ACCEPTED and rng.random() < 0.1, city_first=city_first
    )


def _at(rng: random.Random, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59))))


def _officers(ctx: DemoContext):
    return ctx.users.get("city_officer"), ctx.users.get("province_officer"), ctx.users.get("palace_manager")


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("performance.workflow")
    now = timezone.make_aware(datetime.combine(ctx.today, DEMO_HOUR))
    last_ended = add_months(ctx.today.replace(day=1), -1)
    city_officer, province_officer, manager = _officers(ctx)
    demo_city = ctx.regions.get("360100")
    ledgers = list(Ledger.objects.select_related("palace__region").order_by("month", "palace_id"))
    steps: list[LedgerStep] = []
    changed: list[Ledger] = []
    for ledger in ledgers:
        if ledger.month > last_ended or ledger.computed_at is None:
            continue
        age = (last_ended.year - ledger.month.year) * 12 + last_ended.month - ledger.month.month
        plan = _plan(rng, age)
        if plan.status == Status.OPEN:
            continue
        palace = ledger.palace
        in_demo_city = demo_city is not None and demo_city.pk in (
            palace.region_id,
            palace.region.parent_id if palace.region.level == Region.Level.COUNTY else None,
        )
        reporter = manager if manager is not None and palace.name == DEMO_PALACE_NAME else None
        ended = next_month(ledger.month)
        late = rng.random() < LATE_SHARE
        when = _at(rng, ended + timedelta(days=rng.randint(11, 24) if late else rng.randint(0, 9)))
        planned: list[tuple[str, datetime, object, str]] = [
            (Action.SUBMITTED, when, reporter, rng.choice(EXPLANATIONS))
        ]
        if plan.returned_first or plan.status == Status.RETURNED:
            when += timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 5))
            reviewer = city_officer if in_demo_city else None
            planned.append((Action.RETURNED, when, reviewer, rng.choice(RETURN_REASONS)))
            if plan.status != Status.RETURNED:
                when += timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 5))
                planned.append((Action.SUBMITTED, when, reporter, "已按要求补充说明。"))
        if plan.status in (Status.SUBMITTED, Status.ACCEPTED) and plan.city_first:
            when += timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 5))
            planned.append((Action.CITY_ACCEPTED, when, city_officer if in_demo_city else None, ""))
        if plan.status == Status.ACCEPTED:
            when += timedelta(days=rng.randint(2, 9), hours=rng.randint(1, 5))
            planned.append((Action.ACCEPTED, when, province_officer, ""))
            if reporter is not None and age == REOPENED_AGE:
                # One month of the demo palace was reopened after acceptance and accepted again.
                when += timedelta(days=12)
                planned.append((Action.REOPENED, when, province_officer, REOPEN_REASON))
                when += timedelta(days=1)
                planned.append((Action.SUBMITTED, when, reporter, "已补录法律援助案件2件。"))
                when += timedelta(days=2)
                planned.append((Action.ACCEPTED, when, province_officer, ""))
        _apply(ledger, [step for step in planned if step[1] <= now], steps)
        changed.append(ledger)
    Ledger.objects.bulk_update(
        changed, ["status", "submitted_at", "city_accepted_at", "accepted_at"], batch_size=500
    )
    LedgerStep.objects.bulk_create(steps, batch_size=1000)
    Ledger.objects.filter(pk__in=[ledger.pk for ledger in changed]).sync_first_submission()  # no signals
    # The snapshot of every accepted month, as `ledger_accept` takes it.
    LedgerFigure.objects.filter(ledger__status=Status.ACCEPTED).update(locked_value=F("value"))
    with rollups.batch():  # the manual figures' rollups: once per month, not once per ledger
        lines = _manual_lines(ctx, rng, last_ended)
    # The snapshots above were bulk updates (no signal): the dashboards' rollups from scratch.
    rollups.rebuild()
    ctx.count(_("ledger steps"), len(steps))
    ctx.count(_("manual ledger lines"), lines)


def _apply(ledger: Ledger, planned: list, steps: list[LedgerStep]) -> None:
    """The ledger's status and times after `planned` (action, at, actor, reason) happened."""
    ledger.status = Status.OPEN
    for action, at, actor, reason in planned:
        steps.append(LedgerStep(ledger=ledger, action=action, at=at, actor=actor, reason=reason))
        if action == Action.SUBMITTED:
            ledger.status, ledger.submitted_at, ledger.city_accepted_at = Status.SUBMITTED, at, None
        elif action == Action.RETURNED:
            ledger.status, ledger.city_accepted_at = Status.RETURNED, None
        elif action == Action.CITY_ACCEPTED:
            ledger.city_accepted_at = at
        elif action == Action.ACCEPTED:
            ledger.status, ledger.accepted_at = Status.ACCEPTED, at
        elif action == Action.REOPENED:
            ledger.status, ledger.accepted_at, ledger.city_accepted_at = Status.RETURNED, None, None


def _manual_lines(ctx: DemoContext, rng: random.Random, last_ended: date) -> int:
    """A year of manual lines of the demo palace, written before its months were handed in."""
    manager = ctx.users.get("palace_manager")
    if manager is None:
        return 0
    first = add_months(last_ended, -11)
    ledgers = Ledger.objects.filter(palace__name=DEMO_PALACE_NAME, month__gte=first, month__lte=last_ended)
    new: list[ManualLine] = []
    touched = []
    for ledger in ledgers:
        for code, low, high, notes in MANUAL:
            if rng.random() < 0.8:
                value = Decimal(rng.randint(low, high))
                new.append(
                    ManualLine(
                        ledger=ledger, metric=code, value=value, note=rng.choice(notes), created_by=manager
                    )
                )
        if ledger.month == last_ended:
            # A figure the validation flags, so that the review shows what a flag looks like.
            new.append(
                ManualLine(
                    ledger=ledger,
                    metric="jobs_placed",
                    value=Decimal(3400),
                    note=JOB_FAIR_NOTE,
                    created_by=manager,
                )
            )
        if rng.random() < 0.3:
            new.append(
                ManualLine(
                    ledger=ledger, metric="remark", value=None, note=rng.choice(REMARKS), created_by=manager
                )
            )
        touched.append(ledger)
    ManualLine.objects.bulk_create(new)
    for ledger in touched:
        # Written at the start of the following month, before the month was handed in.
        written = timezone.make_aware(datetime.combine(next_month(ledger.month), time(9, 30)))
        ManualLine.objects.filter(ledger=ledger).update(created_at=written)
    for ledger in touched:
        sync_manual_figures(ledger, *(code for code, *_ in MANUAL))
    # The manual figures were just written: an accepted month's snapshot includes them.
    LedgerFigure.objects.filter(ledger__in=touched, ledger__status=Status.ACCEPTED).update(
        locked_value=F("value")
    )
    return len(new)


def wipe() -> None:
    LedgerStep.objects.all().delete()
    ManualLine.objects.all().delete()


def has_data() -> bool:
    return LedgerStep.objects.exists()


WORKFLOW_STEP = Step("performance.workflow", build, wipe=wipe, has_data=has_data)
