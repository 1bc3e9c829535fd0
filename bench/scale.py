"""Scale data: a province N times the published size, written into its own PostgreSQL database.

    .venv/bin/python bench/scale.py --factor 10 [--seed 2026] [--as-of 2026-12-07] [--db NAME] [--keep]

What it builds (DOMAIN.md's published figures × N, over the 365 days that end four weeks after
`--as-of`, default today in Asia/Shanghai):
- the 11 cities and 100 county-level units of Jiangxi; 98·N palaces in service (15·N city-level,
  83·N county-level, 69·N alliance members) and 24·N projects under way, with opening hours;
- their venues (16 at a county palace, 32 at a city palace, every centre), the duty roster of
  their service windows;
- 20,000·N workers, the staff and managers of every palace, city and provincial officers, and a
  few accounts with a known password and an API token for the benchmarks (`BENCH_ACCOUNTS`);
- 140,000·N venue bookings a year (courts and rooms booked whole, places in gyms and pools,
  appointments at windows, group requests), on a daily and weekly rhythm: evenings and weekends
  busier; statuses by time (checked in, no-show, cancelled; confirmed ahead); the slot counters of
  the places they hold;
- the night school: two terms a year, five courses a term at each palace, weekly sessions,
  sign-ups (with waitlists where a course is full), attendance; events with registration;
- 67,400·N logged activities a year (about 113 person-times each: the published 7.6 million);
- ratings of visits, sessions and events;
- the monthly ledgers of every month, computed by the portal's own aggregation
  (`ledger_aggregate_months`), the older months accepted, the last one submitted.

Every row satisfies the database's constraints (exclusion of overlapping whole bookings, slot
counters within capacity, uniques, checks). Rows are written with COPY and explicit ids, in a
fixed order from one seeded random generator: the same factor, seed and as-of date give the same
rows. The database is named `palace_scale_x<N>` unless `--db` says otherwise; it is dropped at the
end unless `--keep`. A finished database records its recipe in its comment (`recipe()`), so that
benchmarks reuse it (`ensure()`) instead of building it again.

Importable: `build(factor, db_name, seed=…, as_of=…)` builds (dropping any database of that
name first); `ensure(factor, db_name)` returns the recipe of a matching database, building it
only if there is none.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import math
import os
import random
import subprocess
import sys
import time
from base64 import b64encode
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from pg import PG_HOST, PG_PORT, PG_USER, database_url, psql

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOCAL = ZoneInfo("Asia/Shanghai")
GENERATOR_VERSION = 2  # raise when the rows a recipe gives change
DEFAULT_SEED = 2026

# Published figures (DOMAIN.md), per factor 1.
IN_SERVICE, COUNTY_LEVEL, PROJECTS, ALLIANCE = 98, 83, 24, 69
ACTIVITIES_A_YEAR = 67_400
PERSON_TIMES_A_YEAR = 7_627_700
# Not published: sizes that give DOMAIN.md's "×10: 200,000 workers, 2 million bookings".
WORKERS = 20_000
VENUE_BOOKINGS_A_YEAR = 140_000
COURSES_PER_TERM = 5
EVENTS_A_YEAR = 20  # with registration, per palace
EVENT_SIGNUPS = 20  # on average

# The password of the benchmark accounts (BENCH_ACCOUNTS); nobody else has a usable one.
BENCH_PASSWORD = "scale-bench-2026"  # noqa: S105 - a benchmark database's public fixture
UNUSABLE = "!"  # Django's mark of an unusable password

OPEN, CLOSE = 9, 21  # every palace: 09:00–21:00 (Mondays from 14:00 at a third of them)
HOUR_WEIGHTS_WEEKDAY = [2, 3, 2, 1, 1, 2, 2, 3, 4, 6, 7, 5]  # 09:00 … 20:00 starts
HOUR_WEIGHTS_WEEKEND = [4, 6, 5, 2, 2, 5, 6, 6, 5, 5, 6, 4]
DAY_WEIGHTS = [0.75, 0.8, 0.8, 0.85, 1.0, 1.5, 1.4]  # Monday … Sunday

# (kind, count at a county palace, count at a city palace, popularity)
VENUE_PLAN = [
    ("badminton", 2, 4, 5.0), ("table_tennis", 2, 3, 3.0), ("basketball", 1, 2, 3.0),
    ("billiards", 0, 2, 2.0), ("gym", 1, 1, 6.0), ("swimming_pool", 0, 1, 6.0), ("yoga", 1, 1, 4.0),
    ("dance_rehearsal", 0, 1, 2.0), ("karaoke", 1, 2, 3.0), ("chess_cards", 1, 1, 3.0),
    ("dance_hall", 0, 1, 3.0), ("exhibition_hall", 0, 1, 1.0), ("theatre", 0, 1, 0.3),
    ("library", 1, 1, 4.0), ("e_reading", 0, 1, 2.0), ("classroom", 2, 3, 1.0),
    ("skill_training", 1, 2, 1.0), ("multi_function_hall", 1, 1, 0.3), ("legal_aid_window", 1, 1, 0.8),
    ("aid_window", 1, 1, 0.8), ("employment_window", 0, 1, 0.8), ("consultation_window", 0, 1, 0.8),
]  # fmt: skip

ACTIVITY_KINDS = [  # (kind, weight, centre)
    ("performance", 12, "culture"), ("lecture", 14, "education"), ("reading_exchange", 8, "education"),
    ("exhibition", 6, "culture"), ("competition", 10, "health"), ("training", 14, "education"),
    ("job_fair", 3, "service"), ("mixer", 2, "service"), ("wedding", 0.3, "service"),
    ("volunteer_service", 10, "service"), ("livestream", 3, "culture"), ("demo_hearing", 0.7, "service"),
    ("other", 5, "culture"),
]  # fmt: skip
ACTIVITY_TITLES = {
    "performance": "文艺演出", "lecture": "劳模讲堂", "reading_exchange": "职工读书分享会",
    "exhibition": "书画摄影展", "competition": "职工运动会", "training": "免费技能培训",
    "job_fair": "直播荐岗招聘会", "mixer": "青年职工联谊会", "wedding": "集体婚礼",
    "volunteer_service": "志愿服务进企业", "livestream": "线上直播", "demo_hearing": "示范性庭审",
    "other": "四季有约",
}  # fmt: skip
COURSES = [  # (title, centre, venue kind)
    ("书法", "culture", "classroom"), ("国画", "culture", "classroom"), ("瑜伽", "health", "yoga"),
    ("摄影", "culture", "classroom"), ("插花", "culture", "classroom"), ("舞蹈", "health", "dance_rehearsal"),
    ("声乐", "culture", "classroom"), ("电工技能", "education", "skill_training"),
    ("茶艺", "culture", "classroom"), ("太极拳", "health", "yoga"), ("剪纸", "culture", "classroom"),
    ("中式烹饪", "education", "skill_training"), ("育婴师", "education", "skill_training"),
    ("葫芦丝", "culture", "classroom"),
]  # fmt: skip


# --- Plumbing -----------------------------------------------------------------------------------


def django_env(db: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    return {
        **keep,
        "DATABASE_URL": database_url(db),
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.base",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
    }


def recipe(db: str) -> dict | None:
    """The recipe a finished scale database records in its comment, or None (absent, unfinished)."""
    found = psql(
        "postgres",
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{db}'",  # noqa: S608 - a name we chose (checked by _check_name)
    )
    if not found:
        return None
    try:
        data = json.loads(found)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("generator") == "bench/scale.py" else None


def _check_name(db: str) -> str:
    if not db.replace("_", "").isalnum() or not db[0].isalpha() or db != db.lower():
        raise SystemExit(f"not a plain database name: {db!r}")
    return db


def default_as_of() -> date:
    return datetime.now(LOCAL).date()


class Table:
    """Rows of one table, buffered as COPY text and written in chunks."""

    def __init__(self, cursor, name: str, columns: str, timings: dict):
        self.cursor, self.name, self.columns, self.timings = cursor, name, columns, timings
        self.buffer = io.StringIO()
        self.count = self.pending = 0
        self.seconds = 0.0  # inside COPY

    def add(self, *values) -> None:
        self.buffer.write("\t".join(_text(v) for v in values))
        self.buffer.write("\n")
        self.count += 1
        self.pending += 1
        if self.pending >= 200_000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.buffer.seek(0)
            started = time.perf_counter()
            self.cursor.copy_expert(f"COPY {self.name} ({self.columns}) FROM STDIN", self.buffer)
            self.seconds += time.perf_counter() - started
            self.buffer = io.StringIO()
            self.pending = 0

    def close(self) -> int:
        self.flush()
        entry = self.timings.setdefault(self.name, {"rows": 0, "copy": 0.0, "constraints": 0.0})
        entry["rows"] += self.count
        entry["copy"] += self.seconds
        return self.count


def _text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _load_jiangxi():
    """venues/demo/jiangxi.py is plain data; loaded by path so that no Django app is imported."""
    spec = importlib.util.spec_from_file_location("_jiangxi", BASE_DIR / "venues" / "demo" / "jiangxi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _kinds() -> dict:
    """venue kind → (centre, booking mode, capacity), read from venues/kinds.py without Django apps."""
    sys.path.insert(0, str(BASE_DIR))
    from venues.kinds import KINDS

    return {k.code: (str(k.centre), str(k.booking_mode), k.capacity) for k in KINDS}


def password_hash(password: str, salt: str, iterations: int = 1_000_000) -> str:
    """Django's pbkdf2_sha256 format, with a fixed salt so that the rows stay deterministic."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${b64encode(digest).decode()}"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock(hour, minute), LOCAL)


def check_in_code(booking_id: int) -> str:
    """Unique per booking (a bijection of the id on 48 bits), 12 hex digits."""
    return f"{(booking_id * 0x9E3779B97F4B) % (1 << 48):012x}"


def cumulative(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


# --- The generator ------------------------------------------------------------------------------


class Generator:
    def __init__(self, cursor, factor: int, seed: int, as_of: date, timings: dict):
        self.cur, self.factor, self.seed, self.as_of, self.timings = cursor, factor, seed, as_of, timings
        self.rng = random.Random(f"{seed}:{factor}:{as_of.isoformat()}")
        self.now = at(as_of, 12)
        self.first_day = as_of - timedelta(days=337)
        self.after_day = as_of + timedelta(days=28)
        self.days = [
            self.first_day + timedelta(days=n) for n in range((self.after_day - self.first_day).days)
        ]
        self.kinds = _kinds()
        self.counts: dict[str, int] = {}

    def table(self, name: str, columns: str) -> Table:
        return Table(self.cur, name, columns, self.timings)

    def run(self) -> dict:
        steps = self.timings.setdefault("steps", {})
        for step in (self.network, self.people, self.venue_bookings, self.classes, self.events,
                     self.activities, self.counters):  # fmt: skip
            started = time.perf_counter()
            step()
            steps[step.__name__.replace("_", " ")] = time.perf_counter() - started
        return self.counts

    # Regions, palaces, hours, venues, duty roster.
    def network(self) -> None:
        rng, n = self.rng, self.factor
        jiangxi = _load_jiangxi()
        regions = self.table("venues_region", "id, code, name, level, parent_id")
        regions.add(1, jiangxi.PROVINCE_CODE, jiangxi.PROVINCE_NAME, "province", None)
        cities, counties, region_id = [], [], 1
        for city in jiangxi.CITIES:
            region_id += 1
            city_id = region_id
            regions.add(city_id, city.code, city.name, "city", 1)
            cities.append((city_id, city.name, city.area_code))
            for code, name in city.units:
                region_id += 1
                regions.add(region_id, code, name, "county", city_id)
                counties.append((region_id, name, city_id, city.area_code))
        self.counts["regions"] = regions.close()
        self.city_ids = [c[0] for c in cities]

        palaces = self.table(
            "venues_palace",
            "id, name, level, status, address, phone, floor_area, floors, year_built, description, "
            "alliance_member, region_id, directions, picture, picture_alt",
        )
        self.palaces = []  # (id, level, city region id) of palaces in service
        self.city_of_palace: dict[int, int] = {}
        plan = (
            [("city", "in_service")] * (IN_SERVICE - COUNTY_LEVEL) * n
            + [("county", "in_service")] * COUNTY_LEVEL * n
            + [("county", "under_construction")] * (PROJECTS // 2) * n
            + [("city", "equipment")] * (n if n > 1 else 0)
            + [("county", "equipment")] * (PROJECTS // 2 * n - (n if n > 1 else 0))
        )
        per_region: dict[int, int] = {}
        alliance_left = ALLIANCE * n
        for pk, (level, status) in enumerate(plan, start=1):
            if level == "city":
                region, rname, area = cities[pk % len(cities)]
                city_id = region
            else:
                region, rname, city_id, area = counties[pk % len(counties)]
            per_region[region] = per_region.get(region, 0) + 1
            k = per_region[region]
            suffix = "" if k == 1 else f"（第{k}宫）"
            name = f"{rname}{'职工' if level == 'county' else ''}工人文化宫{suffix}"
            member = status == "in_service" and alliance_left > 0 and rng.random() < 0.75
            alliance_left -= member
            palaces.add(
                pk, name, level, status, f"{rname}人民路{rng.randint(1, 300)}号",
                f"{area}-{rng.randint(2000000, 8999999)}", rng.randint(1500, 12000), rng.randint(2, 10),
                rng.randint(1955, 2024), f"{name}：职工的学校和乐园。", member, region, "", "", "",
            )  # fmt: skip
            if status == "in_service":
                self.palaces.append((pk, level, city_id))
                self.city_of_palace[pk] = city_id
        self.counts["palaces"] = palaces.close()
        self.counts["palaces in service"] = len(self.palaces)

        hours = self.table("venues_openinghours", "id, weekday, opens, closes, palace_id")
        hid = 0
        self.monday_late = set()
        for pk, _level, _city in self.palaces:
            late = pk % 3 == 0
            if late:
                self.monday_late.add(pk)
            for weekday in range(7):
                hid += 1
                opens = "14:00" if late and weekday == 0 else f"{OPEN:02d}:00"
                hours.add(hid, weekday, opens, f"{CLOSE:02d}:00", pk)
        self.counts["opening hours"] = hours.close()

        venues = self.table(
            "venues_venue",
            "id, name, centre, kind, booking_mode, capacity, fee, member_only, slot_minutes, facilities, "
            "accessibility, floor, is_active, palace_id, picture, picture_alt",
        )
        shifts = self.table(
            "bookings_dutyshift", "id, person, role, weekday, date, starts, ends, palace_id, venue_id"
        )
        self.venues = []  # (id, palace id, kind, mode, capacity, fee, weight)
        self.venues_of: dict[int, dict[str, list[int]]] = {}
        self.shift_of: dict[tuple[int, int, int], int] = {}  # (venue, weekday, hour) → shift id
        vid = sid = 0
        for pk, level, _city in self.palaces:
            by_kind: dict[str, list[int]] = {}
            for kind, county_count, city_count, popularity in VENUE_PLAN:
                centre, mode, capacity = self.kinds[kind]
                for k in range(city_count if level == "city" else county_count):
                    vid += 1
                    fee = (
                        0
                        if mode in ("appointment", "request") or rng.random() < 0.6
                        else rng.choice([10, 15, 20, 30])
                    )
                    label = kind.replace("_", " ")
                    venues.add(
                        vid, f"{label} {k + 1}", centre, kind, mode, capacity, fee, False, 60, "", "",
                        f"{rng.randint(1, 6)}F", True, pk, "", "",
                    )  # fmt: skip
                    weight = popularity * (1.5 if level == "city" else 1.0) * rng.uniform(0.6, 1.4)
                    self.venues.append((vid, pk, kind, mode, capacity, fee, weight))
                    by_kind.setdefault(kind, []).append(vid)
                    if mode == "appointment":
                        for weekday in range(5):
                            for starts, ends in ((9, 12), (14, 17)):
                                sid += 1
                                role = "律师" if "legal" in kind else "工作人员"
                                shifts.add(
                                    sid, f"值班{sid % 97}", role, weekday, None, f"{starts:02d}:00",
                                    f"{ends:02d}:00", pk, vid,
                                )  # fmt: skip
                                for hour in range(starts, ends):
                                    self.shift_of[(vid, weekday, hour)] = sid
            self.venues_of[pk] = by_kind
        self.counts["venues"] = venues.close()
        self.counts["duty shifts"] = shifts.close()

    # Workers, staff, officers, the benchmark accounts and their tokens.
    def people(self) -> None:
        rng, n = self.rng, self.factor
        users = self.table(
            "users_user",
            "id, password, last_login, is_superuser, phone, real_name, membership_number, workplace, email, "
            "is_staff, is_active, date_joined, new_form_worker, language",
        )
        usable = password_hash(BENCH_PASSWORD, f"scale{self.seed}")
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
        given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
        self.workers = WORKERS * n
        joined = at(self.first_day, 9) - timedelta(days=400)
        uid = 0

        def person(password: str, workplace: str = "") -> int:
            nonlocal uid
            uid += 1
            name = (
                rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.6 else "")
            )
            member = f"36{uid:010d}" if rng.random() < 0.8 else ""
            users.add(
                uid, password, None, False, f"13{uid:09d}", name, member, workplace, "", False, True,
                joined + timedelta(minutes=uid), rng.random() < 0.12, "zh-hans",
            )  # fmt: skip
            return uid

        # Workers first: ids 1 … workers. The first ones book most (see _worker), and the first
        # three are benchmark accounts.
        for k in range(self.workers):
            person(
                usable if k < 3 else UNUSABLE, rng.choice(["", "江铜集团", "南昌铁路局", "顺丰速运", "美团"])
            )
        assignments = self.table(
            "venues_staffassignment", "id, role, created_at, palace_id, region_id, user_id, legal_service"
        )
        aid = 0
        self.staff_of: dict[int, int] = {}
        bench_staff = bench_manager = None
        for index, (pk, _level, _city) in enumerate(self.palaces):
            first = index == 0
            manager = person(usable if first else UNUSABLE, "文化宫")
            aid += 1
            assignments.add(aid, "palace_manager", joined, pk, None, manager, False)
            for k in range(2):
                staff = person(usable if first and k == 0 else UNUSABLE, "文化宫")
                aid += 1
                assignments.add(aid, "palace_staff", joined, pk, None, staff, k == 1)
                self.staff_of.setdefault(pk, staff)
                if first and k == 0:
                    bench_staff = staff
            if first:
                bench_manager = manager
        officers = {}
        bench_city = self.palaces[0][2]  # the city of the benchmark palace
        for city_id in self.city_ids:
            officer = person(usable if city_id == bench_city else UNUSABLE, "市总工会")
            aid += 1
            assignments.add(aid, "city_officer", joined, None, city_id, officer, False)
            if city_id == bench_city:
                officers["city"] = officer
        for k in range(2):
            officer = person(usable if k == 0 else UNUSABLE, "省总工会")
            aid += 1
            assignments.add(aid, "province_officer", joined, None, 1, officer, False)
            officers.setdefault("province", officer)
        self.counts["users"] = users.close()
        self.counts["staff assignments"] = assignments.close()
        self.bench = {
            "worker": 1, "worker_2": 2, "worker_3": 3, "staff": bench_staff, "manager": bench_manager,
            "city_officer": officers["city"], "province_officer": officers["province"],
            "palace": self.palaces[0][0], "city": self.palaces[0][2],  # the officer's city
        }  # fmt: skip
        tokens = self.table("authtoken_token", "key, created, user_id")
        for role in (
            "worker",
            "worker_2",
            "worker_3",
            "staff",
            "manager",
            "city_officer",
            "province_officer",
        ):
            key = hashlib.sha1(f"scale:{self.seed}:{role}".encode()).hexdigest()  # noqa: S324 - a token, not a hash
            tokens.add(key, joined, self.bench[role])
            self.bench[f"{role}_token"] = key
            self.bench[f"{role}_phone"] = f"13{self.bench[role]:09d}"
        tokens.close()

    def _worker(self) -> int:
        """A worker, the low ids more often: the keenest book about 2–3 times a week."""
        return 1 + int(self.workers * self.rng.random() ** 1.3)

    # Venue bookings (1 booking id space for everything in bookings_booking).
    def venue_bookings(self) -> None:
        rng, n = self.rng, self.factor
        self.booking_table = self.table(
            "bookings_booking",
            'id, mode, exclusive, start, "end", local_date, party_size, status, fee, check_in_code, purpose, '
            "organisation, offer_expires_at, decision_reason, decided_at, cancelled_at, checked_in_at, "
            "reminded_at, created_at, updated_at, checked_in_by_id, decided_by_id, palace_id, user_id, "
            "venue_id, "
            "duty_shift_id, queue_rank, offering_id",
        )
        self.booking_id = 0
        self.rated_visits: list[tuple] = []
        venue_cum = cumulative(v[6] for v in self.venues)
        day_cum = cumulative(DAY_WEIGHTS[d.weekday()] for d in self.days)
        weekday_cum, weekend_cum = cumulative(HOUR_WEIGHTS_WEEKDAY), cumulative(HOUR_WEIGHTS_WEEKEND)
        hours = list(range(OPEN, CLOSE))
        windows = {"exclusive": 7, "shared": 3, "appointment": 14, "request": 60}
        taken_whole: set[tuple[int, date, int]] = set()
        places: dict[tuple[int, date, int], int] = {}
        target = VENUE_BOOKINGS_A_YEAR * n
        made = attempts = 0
        while made < target and attempts < target * 3:
            batch = min(200_000, (target - made) * 2)
            venues = rng.choices(self.venues, cum_weights=venue_cum, k=batch)
            days = rng.choices(self.days, cum_weights=day_cum, k=batch)
            for venue, day in zip(venues, days, strict=True):
                attempts += 1
                if made >= target:
                    break
                vid, pk, kind, mode, capacity, _fee, _w = venue
                if (day - self.as_of).days > windows[mode]:
                    continue
                weekday = day.weekday()
                hour = rng.choices(hours, cum_weights=weekend_cum if weekday >= 5 else weekday_cum)[0]
                if weekday == 0 and pk in self.monday_late and hour < 14:
                    continue
                length, party, shift = 1, 1, None
                if mode == "exclusive":
                    if (vid, day, hour) in taken_whole:
                        continue
                    if hour < CLOSE - 1 and (vid, day, hour + 1) not in taken_whole and rng.random() < 0.3:
                        length = 2
                    for h in range(hour, hour + length):
                        taken_whole.add((vid, day, h))
                    party = rng.randint(1, capacity)
                elif mode == "request":
                    hour = rng.choice([9, 14, 18])
                    length = 3
                    if any((vid, day, h) in taken_whole for h in range(hour, hour + length)):
                        continue
                    for h in range(hour, hour + length):
                        taken_whole.add((vid, day, h))
                    party = rng.randint(capacity // 4, capacity)
                elif mode == "appointment":
                    shift = self.shift_of.get((vid, weekday, hour))
                    if shift is None or places.get((vid, day, hour), 0) >= 1:
                        continue
                    places[(vid, day, hour)] = 1
                    party = 1
                else:  # shared
                    party = 1 if kind in ("gym", "library", "e_reading") or rng.random() < 0.7 else 2
                    key = (vid, day, hour)
                    if places.get(key, 0) + party > capacity:
                        continue
                    places[key] = places.get(key, 0) + party
                self._venue_booking(venue, day, hour, length, party, shift)
                made += 1
        self.counts["venue bookings"] = made

    def _venue_booking(self, venue, day: date, hour: int, length: int, party: int, shift) -> None:
        rng = self.rng
        vid, pk, _kind, mode, _capacity, fee, _w = venue
        start, end = at(day, hour), at(day, hour + length)
        past = end <= self.now
        created = start - timedelta(hours=rng.randint(2, 24 * (3 if mode != "request" else 30)))
        r = rng.random()
        purpose = organisation = reason = ""
        decided_at = cancelled_at = checked_in_at = decided_by = checked_in_by = None
        if mode == "request":
            purpose, organisation = (
                "职工文艺汇演排练",
                rng.choice(["江铜集团工会", "市直机关工会", "区总工会"]),
            )
            decided_by, decided_at = self.staff_of[pk], created + timedelta(hours=20)
            if past:
                status = "checked_in" if r < 0.65 else "declined" if r < 0.85 else "cancelled"
            else:
                status = "confirmed" if r < 0.5 else "pending" if r < 0.85 else "declined"
            if status == "pending":
                decided_by = decided_at = None
            if status == "declined":
                reason = "场地已安排其他活动"
        elif past:
            status = "checked_in" if r < 0.78 else "no_show" if r < 0.85 else "cancelled"
        else:
            status = "confirmed" if r < 0.9 else "cancelled"
        if status == "cancelled":
            cancelled_at = created + (start - created) / 2
        if status == "checked_in":
            checked_in_at, checked_in_by = start - timedelta(minutes=rng.randint(0, 20)), self.staff_of[pk]
        user = self._worker()
        self.booking_id += 1
        updated = cancelled_at or checked_in_at or decided_at or created
        self.booking_table.add(
            self.booking_id, mode, mode in ("exclusive", "request"), start, end, day, party, status,
            fee, check_in_code(self.booking_id), purpose, organisation, None, reason, decided_at,
            cancelled_at, checked_in_at, None, created, updated, checked_in_by, decided_by, pk, user, vid,
            shift, None, None,
        )  # fmt: skip
        if status == "checked_in" and rng.random() < 0.08:
            self.rated_visits.append((self.booking_id, pk, user, vid, day, end))

    # The night school: terms, courses, offerings, sessions, sign-ups, attendance.
    def classes(self) -> None:
        rng = self.rng
        terms_t = self.table(
            "activities_term",
            "id, name, starts_on, ends_on, enrolment_opens, enrolment_closes, max_courses, overflow_factor, "
            "palace_id",
        )
        self.offerings_t = self.table(
            "bookings_offering",
            "id, kind, title, capacity, taken, selection, members_only, fee, published, cancelled, opens_at, "
            "closes_at, starts_at, ends_at, offer_minutes, checkin_opens_minutes, checkin_closes_minutes, "
            "family, limit_group, group_limit, drawn_at, created_at, palace_id, venue_id",
        )
        courses_t = self.table(
            "activities_course",
            "id, section_label, title, centre, teacher, partner, weekdays, starts_at, ends_at, description, "
            "picture, priority_rounds, completion_percent, state, created_at, created_by_id, offering_id, "
            "palace_id, section_of_id, venue_id, term_id, skill_training, picture_alt",
        )
        self.occurrences_t = self.table(
            "bookings_occurrence",
            'id, start, "end", local_date, cancelled, note, palace_id, venue_id, offering_id',
        )
        self.attendance_t = self.table(
            "bookings_attendance",
            "id, local_date, method, recorded_at, booking_id, palace_id, recorded_by_id, occurrence_id",
        )
        self.ratings_t = self.table(
            "activities_rating",
            "id, subject, teacher, local_date, stars, comment, hidden_at, hidden_reason, created_at, "
            "updated_at, "
            "booking_id, course_id, event_id, hidden_by_id, occurrence_id, palace_id, user_id, venue_id",
        )
        self.offering_id = self.occurrence_id = self.attendance_id = self.rating_id = 0
        term_plans = []
        for year in range(self.first_day.year, self.after_day.year + 1):
            term_plans.append((f"{year}年春季职工夜校", date(year, 3, 2), date(year, 6, 28)))
            term_plans.append((f"{year}年秋季职工夜校", date(year, 9, 7), date(year, 12, 27)))
        term_plans = [t for t in term_plans if self.first_day <= t[1] < self.after_day]
        tid = cid = 0
        for pk, _level, _city in self.palaces:
            by_kind = self.venues_of[pk]
            for name, starts_on, ends_on in term_plans:
                tid += 1
                opens, closes = at(starts_on - timedelta(days=21), 9), at(starts_on - timedelta(days=7), 18)
                terms_t.add(tid, name, starts_on, ends_on, opens, closes, 2, "1.5", pk)
                for title, centre, venue_kind in rng.sample(COURSES, COURSES_PER_TERM):
                    venue = (by_kind.get(venue_kind) or by_kind["classroom"])[0]
                    cid += 1
                    evening = rng.random() < 0.7
                    weekday = rng.randint(0, 4) if evening else rng.randint(5, 6)
                    hour, minute = (19, 0) if evening else rng.choice([(9, 30), (14, 30)])
                    capacity = rng.choice([20, 25, 30, 40])
                    lottery = rng.random() < 0.3
                    first = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
                    sessions = [
                        first + timedelta(weeks=w) for w in range(17) if first + timedelta(weeks=w) <= ends_on
                    ]
                    self.offering_id += 1
                    oid = self.offering_id
                    self.offerings_t.add(
                        oid, "course", f"{title}班", capacity, 0, "lottery" if lottery else "first_come",
                        False,
                        0, True, False, opens, closes, at(sessions[0], hour, minute),
                        at(sessions[-1], hour + 2, minute), 1440, 30, 30, f"course:{cid}", f"term:{tid}", 2,
                        closes if lottery else None, opens - timedelta(days=3), pk, venue,
                    )  # fmt: skip
                    teacher = rng.choice(["王老师", "李老师", "刘老师", "陈老师", "非遗传承人"])
                    courses_t.add(
                        cid, "", f"{title}班", centre, teacher, "", json.dumps([weekday]),
                        f"{hour:02d}:{minute:02d}",
                        f"{hour + 2:02d}:{minute:02d}", f"{title}，每周一次，共{len(sessions)}课。", "",
                        "[]", 75, "published", opens - timedelta(days=3), self.staff_of[pk], oid, pk, None,
                        venue, tid, venue_kind == "skill_training", "",
                    )  # fmt: skip
                    demand = capacity * rng.uniform(0.5, 1.6)
                    self._signups(pk, oid, venue, "course", capacity, int(demand), opens, closes,
                                  [(at(d, hour, minute), at(d, hour + 2, minute), d) for d in sessions],
                                  course=cid, teacher=teacher)  # fmt: skip
        self.counts["terms"] = terms_t.close()
        self.counts["courses"] = courses_t.close()

    def _signups(self, pk, oid, venue, kind, capacity, demand, opens, closes, sessions, *, course=None,
                 event=None, teacher="") -> None:  # fmt: skip
        rng = self.rng
        occurrence_ids = []
        for start, end, day in sessions:
            self.occurrence_id += 1
            cancelled = rng.random() < 0.02
            self.occurrences_t.add(self.occurrence_id, start, end, day, cancelled, "", pk, venue, oid)
            occurrence_ids.append((self.occurrence_id, start, end, day, cancelled))
        people: set[int] = set()
        held = 0
        for k in range(demand):
            user = self._worker()
            if user in people:
                continue
            people.add(user)
            created = opens + (closes - opens) * (k / max(demand, 1))
            if capacity is not None and held >= capacity:
                status = "waitlisted"
            else:
                status = "cancelled" if rng.random() < 0.1 else "confirmed"
            held += status == "confirmed"
            self.booking_id += 1
            start, end = sessions[0][0], sessions[-1][1]
            cancelled_at = created + timedelta(days=2) if status == "cancelled" else None
            self.booking_table.add(
                self.booking_id, kind, False, start, end, sessions[0][2], 1, status, 0,
                check_in_code(self.booking_id), "", "", None, "", None, cancelled_at, None, None, created,
                cancelled_at or created, None, None, pk, user, None, None,
                k if status == "waitlisted" else None, oid,
            )  # fmt: skip
            if status != "confirmed":
                continue
            attended_any = False
            for occurrence, o_start, o_end, day, cancelled in occurrence_ids:
                if cancelled or o_end > self.now or rng.random() > 0.8:
                    continue
                attended_any = True
                self.attendance_id += 1
                self.attendance_t.add(
                    self.attendance_id, day, "code" if rng.random() < 0.7 else "roll_call",
                    o_start + timedelta(minutes=rng.randint(-10, 10)), self.booking_id, pk,
                    self.staff_of[pk], occurrence,
                )  # fmt: skip
                if course is not None and rng.random() < 0.05:
                    self._rating(
                        "course", pk, user, day, o_end, occurrence=occurrence, course=course, teacher=teacher
                    )
            if event is not None and attended_any and rng.random() < 0.1:
                self._rating("event", pk, user, sessions[0][2], sessions[0][1], event=event)

    def _rating(self, subject, pk, user, day, after, *, occurrence=None, course=None, event=None, venue=None,
                teacher="") -> None:  # fmt: skip
        rng = self.rng
        self.rating_id += 1
        stars = rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 4, 10, 14])[0]
        comment = rng.choice(["", "", "", "很好，下次还来", "老师讲得清楚", "场地干净", "希望多开晚上的时段"])
        created = after + timedelta(hours=rng.randint(1, 48))
        self.ratings_t.add(
            self.rating_id, subject, teacher, day, stars, comment, None, "", created, created, self.booking_id
            if subject != "venue" else None, course, event, None, occurrence, pk, user, venue,
        )  # fmt: skip

    # Events with registration: an offering with one session each.
    def events(self) -> None:
        rng = self.rng
        events_t = self.table(
            "activities_event",
            "id, title, kind, centre, online_url, starts_at, ends_at, local_date, speaker, partner_kind, "
            "partner_name, programme, description, state, created_at, created_by_id, offering_id, palace_id, "
            "venue_id, series_id, picture, picture_alt",
        )
        eid = 0
        kinds = [("lecture", "education"), ("performance", "culture"), ("competition", "health"),
                 ("job_fair", "service"), ("mixer", "service"),
                 ("reading_exchange", "education")]  # fmt: skip
        for pk, _level, _city in self.palaces:
            by_kind = self.venues_of[pk]
            hall = (by_kind.get("theatre") or by_kind["multi_function_hall"])[0]
            for _ in range(EVENTS_A_YEAR):
                eid += 1
                day = rng.choice(self.days)
                hour = rng.choice([9, 14, 19, 19])
                kind, centre = rng.choice(kinds)
                start, end = at(day, hour), at(day, hour + 2)
                capacity = rng.choice([None, 60, 100, 200])
                closes = start - timedelta(hours=2)
                opens = start - timedelta(days=14)
                self.offering_id += 1
                oid = self.offering_id
                title = f"{ACTIVITY_TITLES[kind]}（第{eid}期）"
                self.offerings_t.add(
                    oid, "event", title, capacity, 0, "first_come", False, 0, True, False, opens, closes,
                    start,
                    end, 1440, 30, 30, "", "", None, None, opens - timedelta(days=1), pk, hall,
                )  # fmt: skip
                events_t.add(
                    eid, title, kind, centre, "", start, end, day, "", "none", "", "",
                    f"{title}，欢迎职工报名。",
                    "published", opens - timedelta(days=1), self.staff_of[pk], oid, pk, hall, None, "", "",
                )  # fmt: skip
                demand = int(EVENT_SIGNUPS * rng.uniform(0.3, 1.7))
                self._signups(
                    pk, oid, hall, "event", capacity, demand, opens, closes, [(start, end, day)], event=eid
                )
        self.counts["events"] = events_t.close()
        self.counts["offerings"] = self.offerings_t.close()
        self.counts["sessions"] = self.occurrences_t.close()
        self.counts["bookings (all)"] = self.booking_table.close()
        self.counts["sign-ups"] = self.counts["bookings (all)"] - self.counts["venue bookings"]
        self.counts["attendance"] = self.attendance_t.close()
        for booking, pk, user, venue, day, end in self.rated_visits:
            self.rating_id += 1
            stars = self.rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 3, 10, 12])[0]
            created = end + timedelta(hours=self.rng.randint(1, 48))
            self.ratings_t.add(self.rating_id, "venue", "", day, stars, "", None, "", created, created,
                               booking,
                               None, None, None, None, pk, user, venue)  # fmt: skip
        self.counts["ratings"] = self.ratings_t.close()

    # The activity ledger: 67,400·N a year, logged after the day.
    def activities(self) -> None:
        rng, n = self.rng, self.factor
        table = self.table(
            "activities_activity",
            "id, title, kind, centre, off_site, date, end_date, participants, online_viewers, likes, "
            "partner_kind, partner_name, programme, created_at, created_by_id, palace_id, "
            "satellite_point_id, venue_id, series_id",
        )
        # A whole year of logged activities up to the as-of day (logged after the fact: none ahead).
        past = [self.as_of - timedelta(days=n) for n in range(364, -1, -1)]
        day_cum = cumulative(DAY_WEIGHTS[d.weekday()] for d in past)
        palace_cum = cumulative(3.0 if level == "city" else 1.0 for _pk, level, _c in self.palaces)
        kind_cum = cumulative(k[1] for k in ACTIVITY_KINDS)
        total = ACTIVITIES_A_YEAR * n
        mu = math.log(PERSON_TIMES_A_YEAR / ACTIVITIES_A_YEAR) - 0.5 * 0.9**2  # lognormal with that mean
        days = rng.choices(past, cum_weights=day_cum, k=total)
        palaces = rng.choices(self.palaces, cum_weights=palace_cum, k=total)
        kinds = rng.choices(ACTIVITY_KINDS, cum_weights=kind_cum, k=total)
        for aid, (day, palace, (kind, _w, centre)) in enumerate(
            zip(days, palaces, kinds, strict=True), start=1
        ):
            pk = palace[0]
            online = kind == "livestream" or rng.random() < 0.05
            viewers = int(rng.lognormvariate(7.5, 1.2)) if online else 0
            partner = rng.choices(["none", "enterprise", "school", "association"], weights=[6, 2, 1, 1])[0]
            venue = None
            if rng.random() < 0.4:
                venue = rng.choice(
                    self.venues_of[pk][rng.choice(["multi_function_hall", "classroom", "library"])]
                )
            table.add(
                aid, f"{ACTIVITY_TITLES[kind]}", kind, centre, "", day, None,
                int(rng.lognormvariate(mu, 0.9)), viewers, viewers // 12, partner,
                "" if partner == "none" else "合作单位", "",
                at(day, 21) + timedelta(hours=rng.randint(1, 40)),
                self.staff_of[pk], pk, None, venue, None,
            )  # fmt: skip
        self.counts["activities"] = table.close()

    # What the services keep up to date as they go: slot counters, places taken on offerings.
    def counters(self) -> None:
        started = time.perf_counter()
        self.cur.execute(
            """
            INSERT INTO bookings_slotcounter (start, "end", capacity, taken, palace_id, venue_id)
            SELECT b.start, min(b."end"), min(v.capacity), sum(b.party_size), b.palace_id, b.venue_id
            FROM bookings_booking b JOIN venues_venue v ON v.id = b.venue_id
            WHERE b.offering_id IS NULL AND NOT b.exclusive
            GROUP BY b.venue_id, b.palace_id, b.start
            """
        )
        self.counts["slot counters"] = self.cur.rowcount
        self.cur.execute(
            """
            UPDATE bookings_slotcounter c SET taken = coalesce(h.n, 0) FROM bookings_slotcounter c2
            LEFT JOIN (SELECT venue_id, start, sum(party_size) AS n FROM bookings_booking
                       WHERE offering_id IS NULL AND NOT exclusive
                       AND status IN ('offered', 'confirmed', 'checked_in') GROUP BY 1, 2) h
                ON h.venue_id = c2.venue_id AND h.start = c2.start
            WHERE c.id = c2.id
            """
        )
        self.cur.execute(
            """
            UPDATE bookings_offering o SET taken = h.n FROM (
                SELECT offering_id, count(*) AS n FROM bookings_booking
                WHERE offering_id IS NOT NULL AND status IN ('offered', 'confirmed', 'checked_in') GROUP BY 1
            ) h WHERE h.offering_id = o.id
            """
        )
        self.timings["bookings_slotcounter"] = {
            "rows": self.counts["slot counters"],
            "copy": time.perf_counter() - started,
            "constraints": 0.0,
        }


SEQUENCE_TABLES = [
    "venues_region", "venues_palace", "venues_openinghours", "venues_venue", "bookings_dutyshift",
    "users_user", "venues_staffassignment", "bookings_booking", "bookings_offering", "bookings_occurrence",
    "bookings_attendance", "activities_rating", "activities_term", "activities_course", "activities_event",
    "activities_activity", "bookings_slotcounter",
]  # fmt: skip


def set_aside(cursor) -> list[tuple[str, str, str]]:
    """Drop the foreign keys, exclusion constraints and plain indexes of the tables we fill; returns
    what `restore` adds back. Added back after the load, each is built once and checks every row
    in one pass (a foreign key: one join), instead of row by row during the COPY."""
    tables = [*SEQUENCE_TABLES, "authtoken_token"]
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.contype IN ('f', 'x') AND c.conrelid::regclass::text = ANY(%s)
        ORDER BY 1, 2
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique
          AND i.indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conindid <> 0)
        ORDER BY 1, 2
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for _table, name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [(t, f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}') for t, n, d in constraints] + [
        (t, d) for t, _n, d in indexes
    ]


def restore(cursor, statements: list[tuple[str, str, str]], timings: dict) -> None:
    for table, statement in statements:
        started = time.perf_counter()
        cursor.execute(statement)
        entry = timings.setdefault(table, {"rows": 0, "copy": 0.0, "constraints": 0.0})
        entry["constraints"] += time.perf_counter() - started


def fill(db: str, factor: int, seed: int, as_of: date, timings: dict) -> tuple[dict, dict]:
    """Write the rows (one transaction), then reset the id sequences and ANALYZE."""
    import psycopg2

    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=db)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            set_aside_statements = set_aside(cursor)
            generator = Generator(cursor, factor, seed, as_of, timings)
            counts = generator.run()
            started = time.perf_counter()
            restore(cursor, set_aside_statements, timings)
            timings["steps"]["constraints and indexes added back (every row checked)"] = (
                time.perf_counter() - started
            )
            for table in SEQUENCE_TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our names
                    f"coalesce((SELECT max(id) FROM {table}), 1))"
                )
        connection.autocommit = True
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        timings["steps"]["vacuum analyze"] = time.perf_counter() - started
    finally:
        connection.close()
    return counts, generator.bench


def aggregate_ledgers(db: str, first: date, last: date, now: datetime) -> str:
    """Run the portal's own monthly aggregation for every month (in a Django child process)."""
    code = (
        "import django, json, sys; sys.path.insert(0, '.'); django.setup();"
        "from datetime import date, datetime;"
        "from performance.ledgers.services import ledger_aggregate_months;"
        f"r = ledger_aggregate_months(first=date.fromisoformat('{first}'), last=date.fromisoformat('{last}'),"
        f" now=datetime.fromisoformat('{now.isoformat()}'));"
        "print(json.dumps({'ledgers': sum(x.ledgers for x in r), 'figures': sum(x.figures for x in r)}))"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=BASE_DIR, env=django_env(db), check=True, timeout=3600, capture_output=True,
        text=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def settle_ledgers(db: str, last: date, now: datetime, manager: int, officer: int) -> None:
    """Months before the last two accepted (figures locked), the one before the last submitted."""
    stamp = now.isoformat()
    psql(
        db,
        f"""
        UPDATE performance_ledger SET status = 'accepted', submitted_at = month + interval '1 month 3 days',
            city_accepted_at = month + interval '1 month 6 days',
            accepted_at = month + interval '1 month 9 days'
        WHERE month < date '{last}' - interval '1 month';
        UPDATE performance_ledgerfigure f SET locked_value = f.value FROM performance_ledger l
        WHERE l.id = f.ledger_id AND l.status = 'accepted';
        UPDATE performance_ledger
        SET status = 'submitted', submitted_at = timestamptz '{stamp}' - interval '2 days'
        WHERE month = date '{last}' - interval '1 month';
        INSERT INTO performance_ledgerstep (action, reason, at, actor_id, ledger_id)
        SELECT 'submitted', '', submitted_at, {manager}, id FROM performance_ledger
        WHERE submitted_at IS NOT NULL;
        UPDATE performance_ledger SET first_submitted_at = submitted_at WHERE submitted_at IS NOT NULL;
        INSERT INTO performance_ledgerstep (action, reason, at, actor_id, ledger_id)
        SELECT 'accepted', '', accepted_at, {officer}, id FROM performance_ledger WHERE status = 'accepted';
        ANALYZE performance_ledger; ANALYZE performance_ledgerfigure; ANALYZE performance_ledgerstep;
    """,  # noqa: S608 - dates and ids we made
    )


def build(
    factor: int,
    db_name: str | None = None,
    *,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Create (or re-create) the database, migrate it, fill it; returns the recipe with timings."""
    db = _check_name(db_name or f"palace_scale_x{factor}")
    as_of = as_of or default_as_of()
    timings: dict[str, list] = {}
    started = time.perf_counter()
    psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql("postgres", f"CREATE DATABASE {db}")
    log(f"database {db}: migrating …")
    step = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR, env=django_env(db), check=True, timeout=900,
    )  # fmt: skip
    timings["steps"] = {"migrate": time.perf_counter() - step}
    log(f"filling: factor {factor}, seed {seed}, as of {as_of} …")
    counts, bench = fill(db, factor, seed, as_of, timings)
    step = time.perf_counter()
    first_month = (as_of - timedelta(days=337)).replace(day=1)
    last_month = as_of.replace(day=1)
    now = at(as_of, 12)
    ledgers = json.loads(aggregate_ledgers(db, first_month, last_month, now))
    settle_ledgers(db, last_month, now, bench["manager"], bench["province_officer"])
    timings["steps"]["ledgers (the portal's aggregation, every month)"] = time.perf_counter() - step
    counts["ledgers"], counts["ledger figures"] = ledgers["ledgers"], ledgers["figures"]
    total = time.perf_counter() - started
    size = int(psql("postgres", f"SELECT pg_database_size('{db}')"))
    made = {
        "generator": "bench/scale.py",
        "version": GENERATOR_VERSION,
        "factor": factor,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "first_day": (as_of - timedelta(days=337)).isoformat(),
        "counts": counts,
        "bench": bench,
        "password": BENCH_PASSWORD,
        "seconds": round(total, 1),
        "bytes": size,
    }
    # Recorded last: a database without its recipe is never reused.
    comment = json.dumps(made, ensure_ascii=False).replace("'", "''")
    psql("postgres", f"COMMENT ON DATABASE {db} IS '{comment}'")
    made["timings"] = timings
    return made


def matches(found: dict | None, factor: int, seed: int, max_age_days: int) -> bool:
    if not found or found.get("version") != GENERATOR_VERSION:
        return False
    if found.get("factor") != factor or found.get("seed") != seed:
        return False
    age = (default_as_of() - date.fromisoformat(found["as_of"])).days
    return 0 <= age <= max_age_days


def ensure(
    factor: int,
    db_name: str | None = None,
    *,
    seed: int = DEFAULT_SEED,
    max_age_days: int = 14,
    log: Callable[[str], None] = print,
) -> dict:
    """The recipe of a scale database of this factor and seed, built now unless one exists whose
    as-of date is at most `max_age_days` old (its upcoming bookings still lie ahead)."""
    db = _check_name(db_name or f"palace_scale_x{factor}")
    found = recipe(db)
    if matches(found, factor, seed, max_age_days):
        log(f"database {db}: reusing (factor {factor}, seed {seed}, as of {found['as_of']})")
        found["reused"] = True
        return found
    made = build(factor, db, seed=seed, log=log)
    print_timings(made)
    return made


def print_timings(made: dict) -> None:
    timings = made["timings"]
    tables = {k: v for k, v in timings.items() if k != "steps"}
    width = max(len(name) for name in [*tables, *timings["steps"]]) + 2
    print()
    print(
        f"Scale data ×{made['factor']} (seed {made['seed']}, {made['first_day']} … as of {made['as_of']}), "
        f"{os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.1f}:"
    )
    print(f"  {'table'.ljust(width)}  {'rows':>12}  {'COPY':>8}  {'constraints, indexes':>20}")
    for name, t in sorted(tables.items(), key=lambda item: -item[1]["rows"]):
        print(f"  {name.ljust(width)}  {t['rows']:>12,}  {t['copy']:>6.1f} s  {t['constraints']:>18.1f} s")
    print(f"  {'step (generating rows in Python, with its COPYs)'}")
    for name, seconds in timings["steps"].items():
        print(f"  {name.ljust(width)}  {seconds:>8.1f} s")
    print(f"  {'total'.ljust(width)}  {made['seconds']:>8.1f} s, {made['bytes'] / 2**20:,.0f} MB on disk")
    print("  counts: " + ", ".join(f"{k} {v:,}" for k, v in made["counts"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=10, help="times the published province (default 10)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="the data's today (YYYY-MM-DD)"
    )
    parser.add_argument("--db", default=None, help="database name (default palace_scale_x<factor>)")
    parser.add_argument("--keep", action="store_true", help="keep the database (default: drop it at the end)")
    args = parser.parse_args()
    if args.factor < 1:
        parser.error("--factor must be at least 1")
    db = _check_name(args.db or f"palace_scale_x{args.factor}")
    try:
        made = build(args.factor, db, seed=args.seed, as_of=args.as_of)
        print_timings(made)
    finally:
        if not args.keep:
            psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            print(f"database {db} dropped (--keep keeps it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
