"""Demo bookings: three weeks of history and the open booking windows of the busiest palaces.

One demo step (see `venues.demo.builder`), written with bulk inserts rather than through the
services (tens of thousands of rows), but every row is one the services could have written:

- a `BookingRule` with its kind's defaults for every active venue, and a duty roster for every
  service window (lawyers on rotation at the legal-aid windows, and so on);
- bookings at every city-level palace and a few county ones: `PAST_DAYS` of history (mostly
  checked in, some no-shows and cancellations) and the future up to each venue's booking window,
  busier on weekday evenings and at weekends; popular venues are full at peak times in the
  coming days, with a few people on the waitlist (who joined after the places were taken);
- exclusive venues never hold two overlapping bookings; a `SlotCounter` for every booked slot of
  a shared venue or service window holds exactly the places of its holding bookings (and of its
  no-shows: `no_shows_mark` releases nothing, the places stayed taken); appointments
  lie inside duty shifts, each with its (fictional) matter; group requests pending, approved and
  declined; the per-person limits of the rules hold for every worker;
- a pool of demo workers (phone numbers `POOL_PHONE_PREFIX` + four digits), and bookings in
  every state for the demo accounts: the union member has upcoming bookings, a waitlist place,
  a history and one no-show; the second worker has two no-shows (one more would suspend them);
  one pool worker is suspended and has appealed.

The demo's clock stands at `DEMO_HOUR` on the anchor day: nothing of that day has begun yet.
Everything is drawn from the step's own seeded generator, so a seed and an anchor day give the
same rows every time.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palace_portal.users.models import User
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.demo.jiangxi import CITIES
from venues.kinds import BookingMode
from venues.models import Closure, OpeningHours, Palace, Venue
from venues.selectors import venue_slots

from .models import (
    Appeal,
    AppointmentMatter,
    Booking,
    BookingRule,
    CalendarFeed,
    DutyShift,
    MatterRead,
    Notification,
    SlotCounter,
    Suspension,
)
from .rules import rule_defaults
from .services.common import CODE_ALPHABET

Status = Booking.Status
Mode = BookingMode

DEMO_HOUR = time(8, 0)  # the demo's "now" on the anchor day: days open for booking at this hour
PAST_DAYS = 21
COUNTY_PALACES = 4  # county-level palaces with bookings, besides every city-level one
POOL_SIZE = 2000
POOL_PHONE_PREFIX = "1390791"  # the demo workers' numbers: this block, four digits each
MEMBER_SHARE = 0.7
CODE_LENGTH = 8

# How likely a slot is booked, by local start hour (from that hour on), weekdays and weekends.
WEEKDAY_BUSY = ((0, 0.05), (12, 0.04), (14, 0.07), (17, 0.25), (18, 0.70), (21, 0.15))
WEEKEND_BUSY = ((0, 0.35), (12, 0.25), (14, 0.45), (18, 0.60), (21, 0.15))
EXCLUSIVE_POPULARITY = {
    "badminton": 1.0, "basketball": 0.9, "table_tennis": 0.6, "karaoke": 0.5, "billiards": 0.5,
    "air_volleyball": 0.4, "football": 0.4, "dance_rehearsal": 0.3, "classroom": 0.15,
    "skill_training": 0.15,
}  # fmt: skip
# Shared venues: the share of the capacity booked through the portal at the busiest hour.
SHARED_POPULARITY = {
    "gym": 0.02, "swimming_pool": 0.02, "yoga": 0.04, "dance_hall": 0.008, "chess_cards": 0.01,
    "library": 0.004, "e_reading": 0.008, "art_gallery": 0.002, "exhibition_hall": 0.003,
}  # fmt: skip
APPOINTMENT_BUSY = 0.25
# Full in the coming days at peak hours, with people waiting.
FULL_AT_PEAK = frozenset({"badminton", "basketball", "gym", "swimming_pool"})
PEAK_DAYS = 3  # days from the anchor day (0, 1, 2)
FULL_SHARED_SLOT_CHANCE = 0.25
WAITLIST_CHANCE = {Mode.EXCLUSIVE: 0.3, Mode.SHARED: 0.6}

# --- Words ----------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏万熊涂邹喻付"
)
GIVEN_SINGLE = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华辉鹏燕玲斌宇浩凯婷晨欣琳"
GIVEN_FIRST = "建志文小春海国晓子雨思俊家嘉佳永德玉红美秋雪立新"
GIVEN_SECOND = "国华明军平峰强英芳兰琴梅燕林辉杰涛宇轩婷怡颖萱磊"
WORKPLACES = (
    "江铃汽车集团有限公司", "江西铜业集团有限公司", "南昌轨道交通集团有限公司", "国网江西省电力有限公司",
    "江西洪都航空工业集团", "江西省建工集团有限责任公司", "南昌市公共交通运输集团", "中国邮政南昌市分公司",
    "南昌顺达物流有限公司", "江西晶科光伏材料有限公司", "南昌市第一医院", "南昌市自来水有限责任公司",
    "九江石化有限责任公司", "新余钢铁集团有限公司", "赣州稀土集团有限公司", "景德镇陶瓷文化旅游集团",
    "萍乡市城市建设投资集团", "上饶市公共交通集团", "吉安市中心人民医院", "宜春市锂电新能源产业园企业",
    "抚州市城市管理局", "鹰潭市铜产业园企业", "江西省高速公路服务区", "南昌经开区电子信息企业",
)  # fmt: skip
ORGANISATION_PATTERNS = (
    "{city}公交集团工会", "{city}供电公司工会", "{city}第一人民医院工会", "{city}自来水公司工会",
    "{city}建筑工程公司工会", "{city}邮政分公司工会", "{city}实验中学工会", "{city}环卫处工会",
)  # fmt: skip
NANCHANG_ORGANISATIONS = ("江铃汽车集团工会", "南昌轨道交通集团工会", "江西洪都航空工业集团工会")
PURPOSES = (
    "公司年会", "职工技能比武颁奖典礼", "劳模事迹报告会", "迎新春文艺汇演", "安全生产知识讲座",
    "职工合唱比赛", "工会会员代表大会", "新员工入职培训", "退休职工联欢会", "青年职工联谊活动",
    "职工书法摄影作品展开幕式", "“工会杯”职工演讲比赛",
)  # fmt: skip
DECLINE_REASONS = (
    "该时段场馆已安排全市职工文艺汇演彩排，请改选其他日期。",
    "申请人数超过场馆安全容量，请调整人数后重新申请。",
    "申请材料不完整，请补充活动方案后重新提交。",
)
MATTERS = {
    "legal_aid_window": (
        "咨询劳动合同续签问题", "公司拖欠三个月工资，想了解如何维权", "加班费计算方式咨询",
        "工伤认定申请流程咨询", "被单位口头辞退，咨询经济补偿", "试用期被延长是否合法",
        "社保断缴补缴问题咨询", "竞业限制协议条款咨询",
    ),
    "employment_window": (
        "咨询职业技能提升补贴申领", "求职登记，希望找到物流相关岗位", "咨询再就业培训课程安排",
        "了解近期招聘会信息", "咨询灵活就业人员社保补贴", "创业担保贷款申请咨询",
    ),
    "aid_window": (
        "申请困难职工帮扶", "咨询子女助学金申请条件", "家人重病，咨询医疗救助", "咨询帮扶档案更新材料",
    ),
    "mutual_insurance_window": (
        "办理职工互助保障参保", "住院互助金申领材料咨询", "咨询女职工特殊疾病互助保障",
    ),
    "relief_window": ("咨询临时救助申请", "咨询送温暖慰问政策", "遭遇意外，咨询救助申请流程"),
    "consultation_window": (
        "工作压力大，预约心理咨询", "家庭关系困扰，希望获得心理疏导", "咨询职工心理健康讲座安排",
    ),
    "mediation_room": (
        "与单位就年终奖发放存在争议，申请调解", "劳务派遣用工纠纷调解", "离职时工资结算争议调解",
        "带薪年休假争议调解",
    ),
}  # fmt: skip
APPEAL_TEXT = "最近单位连续加班，临时无法前往，也没来得及取消预约。以后一定提前取消，恳请解除预约限制。"
SUSPENSION_REASON = "{days}天内有{count}次预约未到场签到。"

# Duty rosters by kind, one line per person: (title after a drawn surname, role, weekdays,
# (from, until)). The hours are cut to the palace's opening hours; county palaces keep half.
_AM, _PM = (time(9), time(12)), (time(14, 30), time(17, 30))
ROSTERS: dict[str, tuple[tuple[str, str, tuple[int, ...], tuple[time, time]], ...]] = {
    "legal_aid_window": (
        ("律师", "律师", (1, 3), (time(14), time(17))),
        ("律师", "律师", (0, 2), _AM),
        ("律师", "律师", (4,), _PM),
        ("律师", "律师", (5,), _AM),
    ),
    "employment_window": (("老师", "就业指导员", (0, 1, 2, 3, 4), _AM),),
    "aid_window": (("干事", "帮扶干事", (0, 1, 2, 3, 4), _PM), ("干事", "帮扶干事", (2, 5), _AM)),
    "mutual_insurance_window": (("专员", "互助保障专员", (1, 3, 5), _AM),),
    "relief_window": (("干事", "救助干事", (0, 2, 4), _AM),),
    "consultation_window": (
        ("老师", "心理咨询师", (5, 6), _PM),
        ("老师", "心理咨询师", (2,), (time(19), time(21))),
    ),
    "mediation_room": (("调解员", "劳动争议调解员", (2, 4), _PM),),
}


# --- Helpers --------------------------------------------------------------------------------------


_ZONE = ZoneInfo(settings.TIME_ZONE)


def _local(moment: datetime) -> datetime:
    # `timezone.localtime` looks the zone up per call; tens of thousands of calls add up.
    return moment.astimezone(_ZONE)


def _busy(table, hour: int) -> float:
    value = table[0][1]
    for since, p in table:
        if hour >= since:
            value = p
    return value


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _between(rng: random.Random, low: datetime, high: datetime, skew: float = 1.0) -> datetime:
    """A moment in [low, high], whole minutes; skew > 1 leans towards `low`."""
    span = max(int((high - low).total_seconds() // 60), 0)
    return low + timedelta(minutes=int(span * rng.random() ** skew))


@dataclass
class _Person:
    user: User
    member: bool
    no_shows: int = 0
    # Bookings counted by the limits (not cancelled, declined or waiting): per local day
    # (start, end, that rule's daily limit), per week (weekly limits), future actives (limits).
    days: dict[date, list[tuple[datetime, datetime, int]]] = field(default_factory=dict)
    weeks: dict[date, list[int]] = field(default_factory=dict)
    active: list[int] = field(default_factory=list)
    # Open bookings (waiting included) by venue: nobody books the same venue twice at once.
    open_ranges: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)


COUNTED = frozenset({Status.OFFERED, Status.CONFIRMED, Status.CHECKED_IN, Status.NO_SHOW, Status.PENDING})
# What takes a slot's places or an exclusive range: the holding statuses, and no-shows, which held
# their places until the check-in window closed (`no_shows_mark` releases nothing).
TAKES = frozenset({*Booking.HOLDING, Status.NO_SHOW})


class _Planner:
    """Collects bookings in memory, keeping every invariant, then writes them in bulk."""

    def __init__(self, ctx: DemoContext, rng: random.Random):
        self.ctx = ctx
        self.rng = rng
        self.now = timezone.make_aware(datetime.combine(ctx.today, DEMO_HOUR))
        self.rules: dict[int, BookingRule] = {}
        self.shifts: dict[int, list[DutyShift]] = defaultdict(list)
        self.hours: dict[int, list[OpeningHours]] = defaultdict(list)
        self.closures: dict[int, list[Closure]] = defaultdict(list)
        self.bookings: list[Booking] = []
        self.matters: list[tuple[Booking, str]] = []
        self.codes: set[str] = set()
        # Exclusive venues: slot starts held. Shared venues and windows: places held per slot.
        self.held: dict[int, set[datetime]] = defaultdict(set)
        self.taken: dict[tuple[int, datetime], int] = {}
        self.slot_info: dict[tuple[int, datetime], tuple[Venue, datetime, int]] = {}
        self.holders: dict[tuple[int, datetime], list[Booking]] = defaultdict(list)
        self.pending: dict[int, set[datetime]] = defaultdict(set)
        self.people: dict[int, _Person] = {}
        self.pool: list[_Person] = []
        self.members: list[_Person] = []
        self._slot_cache: dict[tuple[int, date], list[tuple[datetime, datetime, int]]] = {}
        # The demo palace's check-ins and decisions are by its demo staff (who see them on their pages).
        self.demo_palace_id = ctx.palace(DEMO_PALACE_NAME).pk
        self.demo_staff, self.demo_manager = ctx.users["palace_staff"], ctx.users["palace_manager"]

    # --- Slots ------------------------------------------------------------------------------------

    def slots(self, venue: Venue, day: date) -> list[tuple[datetime, datetime, int]]:
        """(start, end, capacity) as `bookings.selectors.day_slots` gives them, from memory."""
        key = (venue.pk, day)
        cached = self._slot_cache.get(key)
        if cached is not None:
            return cached
        base = venue_slots(
            venue, day, hours=self.hours[venue.palace_id], closures=self.closures[venue.palace_id]
        )
        if venue.booking_mode == Mode.APPOINTMENT:
            shifts = [
                s
                for s in self.shifts[venue.pk]
                if s.date == day or (s.date is None and s.weekday == day.weekday())
            ]
            result = []
            for s in base:
                begins, ends = _local(s.start).time(), _local(s.end).time()
                count = sum(1 for shift in shifts if shift.starts <= begins and ends <= shift.ends)
                if count:
                    result.append((s.start, s.end, count))
        else:
            result = [(s.start, s.end, s.capacity) for s in base]
        self._slot_cache[key] = result
        return result

    def duty_shifts_at(self, venue: Venue, start: datetime, end: datetime) -> list[DutyShift]:
        day = _local(start).date()
        begins, ends = _local(start).time(), _local(end).time()
        return [
            s
            for s in self.shifts[venue.pk]
            if (s.date == day or (s.date is None and s.weekday == day.weekday()))
            and s.starts <= begins
            and ends <= s.ends
        ]

    def free_run(self, venue: Venue, slots, i: int, length: int) -> tuple[datetime, datetime] | None:
        """`length` consecutive free slots from index i of an exclusive venue's day, or None."""
        if i + length > len(slots):
            return None
        held = self.held[venue.pk] | self.pending[venue.pk]
        for k in range(i, i + length):
            if slots[k][0] in held or (k > i and slots[k][0] != slots[k - 1][1]):
                return None
        return slots[i][0], slots[i + length - 1][1]

    # --- People -----------------------------------------------------------------------------------

    def person(self, user: User) -> _Person:
        p = self.people.get(user.pk)
        if p is None:
            p = self.people[user.pk] = _Person(user, bool(user.membership_number))
        return p

    def fits(self, p: _Person, venue: Venue, start: datetime, end: datetime, status: str) -> bool:
        """Would the services have let this person hold this booking, given their others?"""
        rule = self.rules[venue.pk]
        if venue.member_only and not p.member:
            return False
        if status in Booking.OPEN and any(s < end and start < e for s, e in p.open_ranges.get(venue.pk, ())):
            return False
        if status in COUNTED:
            day = _local(start).date()
            on_day = p.days.get(day, [])
            if any(s < end and start < e for s, e, _limit in on_day):
                return False  # nobody is in two places at once
            if len(on_day) + 1 > min([rule.max_per_day, *(limit for *_r, limit in on_day)]):
                return False
            week = p.weeks.get(day - timedelta(days=day.weekday()), [])
            if len(week) + 1 > min([rule.max_per_week, *week]):
                return False
        future_active = status in Booking.ACTIVE and end > self.now
        return not future_active or len(p.active) + 1 <= min([rule.max_active, *p.active])

    def record(self, p: _Person, venue: Venue, start: datetime, end: datetime, status: str) -> None:
        rule = self.rules[venue.pk]
        if status in Booking.OPEN:
            p.open_ranges.setdefault(venue.pk, []).append((start, end))
        if status in COUNTED:
            day = _local(start).date()
            p.days.setdefault(day, []).append((start, end, rule.max_per_day))
            p.weeks.setdefault(day - timedelta(days=day.weekday()), []).append(rule.max_per_week)
        if status in Booking.ACTIVE and end > self.now:
            p.active.append(rule.max_active)
        if status == Status.NO_SHOW:
            p.no_shows += 1

    def pick(self, venue: Venue, start: datetime, end: datetime, status: str) -> _Person | None:
        pool = self.members if venue.member_only else self.pool
        for _attempt in range(30):
            p = self.rng.choice(pool)
            if status == Status.NO_SHOW and p.no_shows >= settings.BOOKING_NO_SHOW_LIMIT - 1:
                continue  # one more would have suspended them
            if self.fits(p, venue, start, end, status):
                return p
        return None

    # --- Bookings ---------------------------------------------------------------------------------

    def code(self) -> str:
        while True:
            value = "".join(self.rng.choices(CODE_ALPHABET, k=CODE_LENGTH))
            if value not in self.codes:
                self.codes.add(value)
                return value

    def window_opened(self, venue: Venue, start: datetime) -> datetime:
        """When the start's day opened for booking (the earliest the booking can have been made)."""
        rule = self.rules[venue.pk]
        day = _local(start).date() - timedelta(days=rule.window_days)
        return timezone.make_aware(datetime.combine(day, rule.window_opens_at))

    def latest_creation(self, start: datetime) -> datetime:
        return min(start - timedelta(minutes=10), self.now - timedelta(minutes=1))

    def add(
        self,
        venue: Venue,
        start: datetime,
        end: datetime,
        status: str,
        person: _Person | None = None,
        *,
        party: int = 1,
        created_at: datetime | None = None,
        purpose: str = "",
        organisation: str = "",
        matter: str = "",
    ) -> Booking | None:
        """One booking, if someone may hold it; the slot's places and the person's counts follow."""
        rng = self.rng
        rule = self.rules[venue.pk]
        opened, latest = self.window_opened(venue, start), self.latest_creation(start)
        if opened >= latest:
            return None
        if status == Status.CANCELLED:
            # Cancelled by the worker before the deadline (and before now).
            deadline = min(start - timedelta(minutes=rule.cancel_deadline_minutes), self.now)
            if deadline - opened < timedelta(minutes=30):
                status = Status.CHECKED_IN if start < self.now else Status.CONFIRMED
            else:
                latest = deadline - timedelta(minutes=10)
        if person is None:
            person = self.pick(venue, start, end, status)
            if person is None:
                return None
        elif not self.fits(person, venue, start, end, status):
            raise ValueError(f"demo booking breaks a rule: {venue.name} {start} {status}")
        if created_at is None:
            created_at = _between(rng, opened, latest, skew=2.0 if venue.kind in FULL_AT_PEAK else 1.0)
        booking = Booking(
            # Ids rather than objects: assigning related objects costs more than the row itself.
            palace_id=venue.palace_id,
            venue_id=venue.pk,
            user_id=person.user.pk,
            mode=venue.booking_mode,
            exclusive=venue.booking_mode in (Mode.EXCLUSIVE, Mode.REQUEST),
            start=start,
            end=end,
            local_date=_local(start).date(),
            party_size=party,
            status=status,
            fee=venue.fee,
            check_in_code=self.code(),
            purpose=purpose,
            organisation=organisation,
            created_at=created_at,
        )
        if status == Status.CHECKED_IN:
            opens = max(
                start - timedelta(minutes=rule.checkin_opens_minutes - 5), created_at + timedelta(minutes=1)
            )
            booking.checked_in_at = _between(
                rng, opens, start + timedelta(minutes=rule.checkin_closes_minutes - 5)
            )
            if venue.palace_id == self.demo_palace_id:
                booking.checked_in_by_id = self.demo_staff.pk
        elif status == Status.CANCELLED:
            booking.cancelled_at = _between(
                rng, created_at + timedelta(minutes=1), latest + timedelta(minutes=10)
            )
        self.record(person, venue, start, end, status)
        if venue.booking_mode == Mode.APPOINTMENT:
            self.matters.append((booking, matter or rng.choice(MATTERS[venue.kind])))
        if status != Status.WAITLISTED:
            self._hold(venue, booking)
        self.bookings.append(booking)
        return booking

    def _hold(self, venue: Venue, booking: Booking) -> None:
        holding = booking.status in TAKES
        if booking.exclusive:
            if booking.status == Status.PENDING:
                self.pending[venue.pk].update(self._starts_in(venue, booking.start, booking.end))
            elif holding:
                for s in self._starts_in(venue, booking.start, booking.end):
                    if s in self.held[venue.pk]:
                        raise ValueError(f"demo booking overlaps: {venue.name} {s}")
                    self.held[venue.pk].add(s)
                    self.holders[(venue.pk, s)].append(booking)
            return
        key = (venue.pk, booking.start)
        if key not in self.slot_info:
            day = _local(booking.start).date()
            slot = next(s for s in self.slots(venue, day) if s[0] == booking.start)
            self.slot_info[key] = (venue, slot[1], slot[2])
            self.taken[key] = 0
        if holding:
            self.taken[key] += booking.party_size
            if self.taken[key] > self.slot_info[key][2]:
                raise ValueError(f"demo slot overbooked: {venue.name} {booking.start}")
            self.holders[key].append(booking)
            if venue.booking_mode == Mode.APPOINTMENT:
                shifts = self.duty_shifts_at(venue, booking.start, booking.end)
                booking.duty_shift_id = shifts[(self.taken[key] - 1) % len(shifts)].pk

    def _starts_in(self, venue: Venue, start: datetime, end: datetime) -> list[datetime]:
        day = _local(start).date()
        return [s for s, _e, _c in self.slots(venue, day) if start <= s < end]

    def places_left(self, venue: Venue, start: datetime, capacity: int) -> int:
        return capacity - self.taken.get((venue.pk, start), 0)

    def waitlist(self, venue: Venue, start: datetime, end: datetime, party: int = 1, person=None):
        """Someone joins the queue of a full slot, after every booking holding it was made."""
        holders = self.holders.get((venue.pk, start), [])
        if not holders or start < self.now:
            return None
        after = max(b.created_at for b in holders) + timedelta(minutes=self.rng.randint(1, 90))
        latest = self.latest_creation(start)
        if after >= latest:
            return None
        return self.add(
            venue,
            start,
            end,
            Status.WAITLISTED,
            person,
            party=party,
            created_at=_between(self.rng, after, latest),
        )

    # --- Status and size --------------------------------------------------------------------------

    def past_status(self, no_show_share: float = 0.05) -> str:
        r = self.rng.random()
        if r < no_show_share:
            return Status.NO_SHOW
        if r < no_show_share + 0.10:
            return Status.CANCELLED
        return Status.CHECKED_IN

    def future_status(self) -> str:
        return Status.CANCELLED if self.rng.random() < 0.06 else Status.CONFIRMED

    def party(self, venue: Venue) -> int:
        rule = self.rules[venue.pk]
        rng = self.rng
        if venue.booking_mode == Mode.EXCLUSIVE:
            low = min(rule.max_party, max(rule.min_party, 2, round(venue.capacity * 0.25)))
            high = max(low, round(rule.max_party * 0.8)) if rule.max_party > 4 else rule.max_party
            return rng.randint(low, high)
        if venue.booking_mode == Mode.SHARED:
            size = rng.choices((1, 2, 3, 4), weights=(70, 22, 5, 3))[0]
            return max(rule.min_party, min(size, rule.max_party))
        if venue.booking_mode == Mode.REQUEST:
            return max(rule.min_party, min(rule.max_party, round(venue.capacity * rng.uniform(0.3, 0.9))))
        return 1


# --- Building ------------------------------------------------------------------------------------


def _palaces_with_bookings(ctx: DemoContext, rng: random.Random) -> list[Palace]:
    in_service = [p for p in ctx.palaces if p.status == Palace.Status.IN_SERVICE]
    city = [p for p in in_service if p.level == Palace.Level.CITY]
    county = [p for p in in_service if p.level == Palace.Level.COUNTY]
    return city + rng.sample(county, min(COUNTY_PALACES, len(county)))


def _build_rules(plan: _Planner, venues: list[Venue]) -> None:
    rows = [BookingRule(venue=v, palace=v.palace, **rule_defaults(v)) for v in venues]
    BookingRule.objects.bulk_create(rows)
    plan.rules = {r.venue.pk: r for r in rows}
    plan.ctx.count(_("booking rules"), len(rows))


def _roster_times(
    hours: list[OpeningHours], weekday: int, wanted: tuple[time, time]
) -> tuple[time, time] | None:
    """The wanted hours of a shift cut to the palace's opening hours that day (at least 1 h)."""
    best = None
    for h in sorted((h for h in hours if h.weekday == weekday), key=lambda h: h.opens):
        starts, ends = max(h.opens, wanted[0]), min(h.closes, wanted[1])
        if _minutes(ends) - _minutes(starts) >= 60 and (best is None or ends > best[1]):
            best = (starts, ends)
    if best is None:
        # Open at other hours that day only: the shift moves to the first three open hours.
        for h in sorted((h for h in hours if h.weekday == weekday), key=lambda h: h.opens):
            if _minutes(h.closes) - _minutes(h.opens) >= 60:
                return h.opens, _time(min(_minutes(h.closes), _minutes(h.opens) + 180))
    return best


def _build_rosters(plan: _Planner, venues: list[Venue], demo_palace: Palace) -> None:
    rng = plan.rng
    rows = []
    for venue in venues:
        roster = ROSTERS.get(venue.kind)
        if venue.booking_mode != Mode.APPOINTMENT or roster is None:
            continue
        hours = plan.hours[venue.palace_id]
        city_level = venue.palace.level == Palace.Level.CITY
        lines = roster if city_level else roster[: max(1, len(roster) // 2)]
        surnames = rng.sample(SURNAMES, len(lines))
        for (title, role, weekdays, wanted), surname in zip(lines, surnames, strict=True):
            for weekday in weekdays:
                times = _roster_times(hours, weekday, wanted)
                if times is not None:
                    rows.append(
                        DutyShift(
                            palace=venue.palace,
                            venue=venue,
                            person=f"{surname}{title}",
                            role=role,
                            weekday=weekday,
                            starts=times[0],
                            ends=times[1],
                        )
                    )
        if venue.palace is demo_palace and venue.kind == "legal_aid_window":
            # A one-off: a volunteer lawyer's Saturday of free advice, on a day the palace opens.
            for offset in range(5, 19):
                day = plan.ctx.today + timedelta(days=offset)
                if day.weekday() != 5:
                    continue
                times = _roster_times(hours, 5, (time(9), time(12)))
                closed = any(
                    c.start_date <= day <= c.end_date and c.venue_id in (None, venue.pk)
                    for c in plan.closures[venue.palace_id]
                )
                if times is not None and not closed:
                    rows.append(
                        DutyShift(
                            palace=venue.palace,
                            venue=venue,
                            person="志愿律师服务团",
                            role="律师",
                            date=day,
                            starts=times[0],
                            ends=times[1],
                        )
                    )
                    break
    DutyShift.objects.bulk_create(rows)
    for shift in rows:
        plan.shifts[shift.venue.pk].append(shift)
    plan.ctx.count(_("duty shifts"), len(rows))


def _build_pool(plan: _Planner) -> None:
    """Demo workers: realistic names, 70% union members, one shared password hash."""
    rng, ctx = plan.rng, plan.ctx
    taken = set(User.objects.filter(phone__startswith=POOL_PHONE_PREFIX).values_list("phone", flat=True))
    suffixes = rng.sample(range(10_000), POOL_SIZE + 50)
    phones = [p for p in (f"{POOL_PHONE_PREFIX}{s:04d}" for s in suffixes) if p not in taken][:POOL_SIZE]
    password = ctx.users["worker"].password  # the demo password's hash, made once by the accounts step
    users = []
    for n, phone in enumerate(phones):
        if rng.random() < 0.4:
            given = rng.choice(GIVEN_SINGLE)
        else:
            given = rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)
        city = rng.randint(1, len(CITIES))
        member = rng.random() < MEMBER_SHARE
        users.append(
            User(
                phone=phone,
                real_name=rng.choice(SURNAMES) + given,
                password=password,
                membership_number=f"36{city:02d}00{rng.randint(2008, 2026)}{n:04d}" if member else "",
                workplace=rng.choice(WORKPLACES),
                date_joined=plan.now - timedelta(days=rng.randint(40, 900), minutes=rng.randint(0, 1439)),
            )
        )
    User.objects.bulk_create(users)
    plan.pool = [plan.person(u) for u in users]
    plan.members = [p for p in plan.pool if p.member]
    ctx.count(_("demo workers"), len(users))


# --- Bookings of the demo accounts ----------------------------------------------------------------


def _find(
    plan: _Planner, venue: Venue, days, hours, length: int = 1, party: int = 1, person=None, status=None
):
    """The first free run of `length` slots starting at one of `hours`, over `days` offsets (and
    one `person` may hold with `status`, when given)."""
    for offset in days:
        day = plan.ctx.today + timedelta(days=offset)
        slots = plan.slots(venue, day)
        for i, (start, end, capacity) in enumerate(slots):
            if _local(start).hour not in hours:
                continue
            if venue.booking_mode in (Mode.EXCLUSIVE, Mode.REQUEST):
                run = plan.free_run(venue, slots, i, length)
            else:
                run = (start, end) if plan.places_left(venue, start, capacity) >= party else None
            if run and (person is None or plan.fits(person, venue, *run, status)):
                return run
    return None


def _demo_accounts(plan: _Planner, venues: list[Venue], demo_palace: Palace) -> None:
    ctx = plan.ctx
    here = [v for v in venues if v.palace is demo_palace]

    def of_kind(*kinds: str, members: bool = True) -> list[Venue]:
        return [v for v in here if v.kind in kinds and (members or not v.member_only)]

    evening, daytime = (18, 19, 20), (9, 10, 14, 15, 16)
    worker = plan.person(ctx.users["worker"])
    second = plan.person(ctx.users["worker_non_member"])
    courts = of_kind("badminton")
    exclusive = of_kind("badminton", "table_tennis", "karaoke", "billiards")
    shared = of_kind("gym", "swimming_pool", "yoga") or of_kind("chess_cards", "library")
    open_shared = of_kind("chess_cards", "library", "e_reading", members=False)
    windows = of_kind("legal_aid_window") or of_kind("employment_window", "aid_window")

    def book(venue, days, hours, status, person, length=1, party=None, **extra):
        party = party or plan.party(venue)
        found = _find(plan, venue, days, hours, length, party, person, status)
        if found is None:
            return None
        return plan.add(venue, *found, status, person, party=party, **extra)

    # The member: two upcoming bookings (room for one more), a waitlist place, a history.
    book(courts[0], range(1, 4), evening, Status.CONFIRMED, worker, length=2, party=4)
    book(shared[0], range(2, 4), evening, Status.CONFIRMED, worker, party=1)
    full = _find(plan, courts[-1], range(2, 4), evening, 1)
    if full is not None:
        holder = plan.add(courts[-1], *full, Status.CONFIRMED, party=4)
        if holder is not None:
            plan.waitlist(courts[-1], *full, party=2, person=worker)
    book(courts[0], range(-14, -10), evening, Status.CHECKED_IN, worker, length=2, party=4)
    book(shared[0], range(-7, -4), evening, Status.CHECKED_IN, worker, party=1)
    book(exclusive[-1], range(-22, -17), (19, 20), Status.CHECKED_IN, worker)
    if windows:
        book(
            windows[0], range(-10, -6), range(8, 18), Status.CHECKED_IN, worker, matter="咨询劳动合同续签问题"
        )
    book(exclusive[len(exclusive) // 2], range(-12, -8), daytime, Status.NO_SHOW, worker)
    book(courts[-1], range(-4, -1), evening, Status.CANCELLED, worker, party=3)

    # The non-member: two no-shows within the month, a history and one upcoming booking.
    plain = [v for v in exclusive if not v.member_only]
    book(plain[0], range(-19, -15), evening, Status.NO_SHOW, second)
    book(open_shared[0], range(-8, -5), daytime, Status.NO_SHOW, second, party=1)
    book(open_shared[0], range(-13, -10), daytime, Status.CHECKED_IN, second, party=1)
    book(plain[-1], range(1, 3), evening, Status.CONFIRMED, second)

    # Group requests for the staff to decide: pending, approved, declined.
    halls = of_kind("theatre", "multi_function_hall")
    organisations = (*NANCHANG_ORGANISATIONS, "南昌市公交集团工会")
    for n, (offset, status, purpose) in enumerate(
        (
            (10, Status.PENDING, "公司年会"),
            (17, Status.PENDING, "迎新春文艺汇演"),
            (6, Status.PENDING, "安全生产知识讲座"),
            (24, Status.CONFIRMED, "劳模事迹报告会"),
            (8, Status.DECLINED, "职工合唱比赛"),
            (-9, Status.CHECKED_IN, "职工技能比武颁奖典礼"),
        )
    ):
        hall = halls[n % len(halls)]
        hours = (18, 19) if n % 2 == 0 else (14, 15)
        booking = book(
            hall,
            range(offset, offset + 14),
            hours,
            status,
            None,
            purpose=purpose,
            organisation=organisations[n % len(organisations)],
        )
        if booking is not None and status in (Status.CONFIRMED, Status.DECLINED, Status.CHECKED_IN):
            _decide(plan, booking)


def _decide(plan: _Planner, booking: Booking) -> None:
    """Staff decided the request: at the demo palace its demo manager, elsewhere staff not in the demo."""
    if booking.palace_id == plan.demo_palace_id:
        booking.decided_by_id = plan.demo_manager.pk
    # Decided after the request came in, before it began (and before the demo's "now").
    earliest = booking.created_at + timedelta(minutes=1)
    booking.decided_at = _between(plan.rng, earliest, max(earliest, min(plan.now, booking.start)), skew=2.0)
    if booking.status == Status.DECLINED:
        booking.decision_reason = plan.rng.choice(DECLINE_REASONS)


def _suspended_worker(
    plan: _Planner, venues: list[Venue], demo_palace: Palace
) -> tuple[_Person, list[Booking]]:
    """A pool worker with three no-shows at the demo palace: suspended, and appealing."""
    person = plan.pool[0]
    plan.pool.remove(person)
    if person in plan.members:
        plan.members.remove(person)
    here = [
        v
        for v in venues
        if v.palace is demo_palace and v.booking_mode == Mode.EXCLUSIVE and not v.member_only
    ]
    missed = []
    for n, offset in enumerate((-20, -13, -4)):
        venue = here[n % len(here)]
        found = _find(plan, venue, range(offset, offset + 3), (18, 19, 20), 1)
        if found is not None:
            missed.append(plan.add(venue, *found, Status.NO_SHOW, person))
    return person, missed


# --- The busy province ----------------------------------------------------------------------------


def _fill_exclusive(plan: _Planner, venue: Venue, day: date, offset: int, factor: float) -> None:
    rng, rule = plan.rng, plan.rules[venue.pk]
    slots = plan.slots(venue, day)
    popularity = EXCLUSIVE_POPULARITY.get(venue.kind, 0.2)
    table = WEEKEND_BUSY if day.weekday() >= 5 else WEEKDAY_BUSY
    i = 0
    while i < len(slots):
        start = slots[i][0]
        hour = _local(start).hour
        peak = 0 <= offset < PEAK_DAYS and venue.kind in FULL_AT_PEAK and (hour >= 18 or day.weekday() >= 5)
        p = 1.0 if peak else min(1.0, _busy(table, hour) * popularity * factor)
        if start in plan.held[venue.pk] or rng.random() >= p:
            i += 1
            continue
        length = 2 if rule.max_slots >= 2 and rng.random() < 0.4 else 1
        run = plan.free_run(venue, slots, i, length) or plan.free_run(venue, slots, i, 1)
        if run is None:
            i += 1
            continue
        status = plan.past_status() if offset < 0 else (Status.CONFIRMED if peak else plan.future_status())
        booking = plan.add(venue, *run, status, party=plan.party(venue))
        if booking is not None and booking.status in TAKES:
            if peak and rng.random() < WAITLIST_CHANCE[Mode.EXCLUSIVE]:
                for _n in range(rng.randint(1, 2)):
                    plan.waitlist(venue, start, slots[i][1], party=plan.party(venue))
            i += len(plan._starts_in(venue, *run))
        elif booking is None:
            i += 1


def _fill_shared(plan: _Planner, venue: Venue, day: date, offset: int, factor: float) -> None:
    rng = plan.rng
    table = WEEKEND_BUSY if day.weekday() >= 5 else WEEKDAY_BUSY
    share = SHARED_POPULARITY.get(venue.kind, 0.03)
    for start, end, capacity in plan.slots(venue, day):
        local = _local(start)
        full = (
            0 <= offset < PEAK_DAYS
            and venue.kind in FULL_AT_PEAK
            and local.hour == 19
            and venue.palace.level == Palace.Level.CITY
            and rng.random() < FULL_SHARED_SLOT_CHANCE
        )
        wanted = (
            capacity
            if full
            else int(
                capacity * share * _busy(table, local.hour) * factor * rng.uniform(0.5, 1.5) + rng.random()
            )
        )
        misses = 0
        while plan.places_left(venue, start, capacity) > capacity - wanted and misses < 5:
            party = min(plan.party(venue), plan.places_left(venue, start, capacity))
            status = (
                plan.past_status() if offset < 0 else (Status.CONFIRMED if full else plan.future_status())
            )
            if plan.add(venue, start, end, status, party=party) is None:
                misses += 1
        if (
            full
            and plan.places_left(venue, start, capacity) == 0
            and rng.random() < WAITLIST_CHANCE[Mode.SHARED]
        ):
            for _n in range(rng.randint(1, 3)):
                plan.waitlist(venue, start, end, party=plan.party(venue))


def _fill_appointments(plan: _Planner, venue: Venue, day: date, offset: int, factor: float) -> None:
    rng = plan.rng
    for start, end, capacity in plan.slots(venue, day):
        for _place in range(plan.places_left(venue, start, capacity)):
            if rng.random() < APPOINTMENT_BUSY * factor:
                status = plan.past_status(0.06) if offset < 0 else plan.future_status()
                plan.add(venue, start, end, status)


def _fill_requests(plan: _Planner, venue: Venue, day: date, offset: int, factor: float) -> None:
    rng = plan.rng
    if rng.random() >= (0.25 if day.weekday() >= 5 else 0.1) * factor:
        return
    slots = plan.slots(venue, day)
    if not slots:
        return
    i = rng.randrange(len(slots))
    run = plan.free_run(venue, slots, i, 2 if rng.random() < 0.3 else 1) or plan.free_run(venue, slots, i, 1)
    if run is None:
        return
    r = rng.random()
    if offset < 0:
        status = Status.DECLINED if r < 0.15 else (Status.CANCELLED if r < 0.2 else Status.CHECKED_IN)
    else:
        status = Status.PENDING if r < 0.4 else (Status.DECLINED if r < 0.55 else Status.CONFIRMED)
    palace = venue.palace
    city = palace.region.name if palace.level == Palace.Level.CITY else palace.region.parent.name
    booking = plan.add(
        venue,
        *run,
        status,
        party=plan.party(venue),
        purpose=rng.choice(PURPOSES),
        organisation=rng.choice(ORGANISATION_PATTERNS).format(city=city),
    )
    if booking is not None and booking.status in (Status.CONFIRMED, Status.CHECKED_IN, Status.DECLINED):
        _decide(plan, booking)


FILLERS = {
    Mode.EXCLUSIVE: _fill_exclusive,
    Mode.SHARED: _fill_shared,
    Mode.APPOINTMENT: _fill_appointments,
    Mode.REQUEST: _fill_requests,
}


def _fill(plan: _Planner, venues: list[Venue]) -> None:
    for venue in venues:
        rule = plan.rules[venue.pk]
        level = 1.0 if venue.palace.level == Palace.Level.CITY else 0.5
        horizon = min(rule.window_days, 30)  # requests: the next month is enough
        for offset in range(-PAST_DAYS, horizon):
            # Days ahead fill as they come closer; the last day opens at the demo's "now".
            ahead = 1.0 if offset <= 1 else max(0.35, 1.0 - 0.12 * (offset - 1))
            FILLERS[venue.booking_mode](
                plan, venue, plan.ctx.today + timedelta(days=offset), offset, level * ahead
            )


def _write(plan: _Planner, suspended: tuple[_Person, list[Booking]]) -> None:
    ctx, rng = plan.ctx, plan.rng
    demo_palace_id = ctx.palace(DEMO_PALACE_NAME).pk
    Booking.objects.bulk_create(plan.bookings, batch_size=2000)
    matters = [
        AppointmentMatter(booking_id=b.pk, palace_id=b.palace_id, text=text) for b, text in plan.matters
    ]
    AppointmentMatter.objects.bulk_create(matters, batch_size=2000)
    counters = [
        SlotCounter(
            palace_id=venue.palace_id,
            venue_id=venue.pk,
            start=start,
            end=end,
            capacity=capacity,
            taken=plan.taken[key],
        )
        for key, (venue, end, capacity) in plan.slot_info.items()
        for start in (key[1],)
    ]
    SlotCounter.objects.bulk_create(counters, batch_size=2000)

    # The demo palace's service staff read a few matters before the appointments (audited).
    staff = ctx.users["palace_staff"]
    demo_matters = [
        (m, b)
        for m, (b, _text) in zip(matters, plan.matters, strict=True)
        if b.palace_id == demo_palace_id and b.status == Status.CHECKED_IN
    ][:6]
    MatterRead.objects.bulk_create(
        [
            MatterRead(matter=m, reader=staff, read_at=b.start - timedelta(minutes=rng.randint(5, 60)))
            for m, b in demo_matters
        ]
    )

    person, missed = suspended
    if len(missed) >= settings.BOOKING_NO_SHOW_LIMIT:
        last = max(missed, key=lambda b: b.start)
        closes = last.start + timedelta(minutes=plan.rules[last.venue_id].checkin_closes_minutes)
        starts = closes + timedelta(minutes=rng.randint(1, 5))
        suspension = Suspension.objects.create(
            user=person.user,
            starts_at=starts,
            ends_at=starts + timedelta(days=settings.BOOKING_SUSPENSION_DAYS),
            reason=SUSPENSION_REASON.format(days=settings.BOOKING_NO_SHOW_WINDOW_DAYS, count=len(missed)),
        )
        suspension.no_shows.set(missed)
        Appeal.objects.create(
            suspension=suspension, text=APPEAL_TEXT, created_at=starts + timedelta(hours=20)
        )
    ctx.count(_("bookings"), len(plan.bookings))
    ctx.count(_("slot counters"), len(counters))


def build_bookings(ctx: DemoContext) -> None:
    rng = ctx.rng("bookings")
    plan = _Planner(ctx, rng)
    active = [v for v in ctx.venues if v.is_active]
    palaces = _palaces_with_bookings(ctx, rng)
    palace_ids = {p.pk for p in palaces}
    for h in OpeningHours.objects.filter(palace__status=Palace.Status.IN_SERVICE):
        plan.hours[h.palace_id].append(h)
    for c in Closure.objects.all():
        plan.closures[c.palace_id].append(c)
    demo_palace = ctx.palace(DEMO_PALACE_NAME)

    _build_rules(plan, active)
    _build_rosters(plan, active, demo_palace)
    _build_pool(plan)
    booked = [v for v in active if v.palace_id in palace_ids and v.palace.status == Palace.Status.IN_SERVICE]
    _demo_accounts(plan, booked, demo_palace)
    suspended = _suspended_worker(plan, booked, demo_palace)
    _fill(plan, booked)
    _write(plan, suspended)


# --- Wiping ---------------------------------------------------------------------------------------


def _delete_all(model) -> None:
    """Delete every row of a table at once (dependants already gone): no per-row collection."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def wipe_bookings() -> None:
    """Everything of the bookings app, dependants first, then the demo workers."""
    for model in (
        MatterRead,
        AppointmentMatter,
        Notification,
        Appeal,
        Suspension.no_shows.through,
        Suspension,
        Booking,
        SlotCounter,
        DutyShift,
        BookingRule,
        CalendarFeed,
    ):
        _delete_all(model)
    User.objects.filter(phone__startswith=POOL_PHONE_PREFIX).delete()


def bookings_exist() -> bool:
    return Booking.objects.exists()


DEMO_STEPS = [Step("bookings", build_bookings, wipe=wipe_bookings, has_data=bookings_exist)]
