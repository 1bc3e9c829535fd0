"""Demo activity ledger: what the palaces in service logged, from 2023 to the eve of the anchor day.

One demo step (see `venues.demo.builder`): a quarter of a million rows, drawn in memory and written
with one prepared INSERT (`_insert`), a few seconds on SQLite:

- every palace in service logs activities from 2023-01-01 (or from its opening, for the few that
  opened in 2023) until the day before the anchor day (the demo's clock stands early on the anchor
  day: nothing of it has happened yet), never on a day the whole palace is closed; planned, closed
  and unfinished palaces log nothing (closed palaces have no closing date to log up to);
- the published 2024 figures hold exactly (DOMAIN.md): `PUBLISHED_ACTIVITIES` rows dated 2024
  whose participants add up to `PUBLISHED_PERSON_TIMES`, among them the livestreamed basketball
  final (171,800 viewers, about 20,000 likes) and the online speech contest (about 100,000
  viewers). The other years are drawn at the same pace: 2023 smaller (the alliance had just
  started), later years a little bigger;
- city-level palaces and big cities do more; busier at weekends, before the Spring Festival and
  at the Lantern Festival, around 五一 and in the summer, quiet in the Spring Festival holiday;
- titles by kind (劳模讲堂, 五一课堂, 直播荐岗, 灯谜 ...), each kind in its centre, at a venue of
  that centre when the palace has one, otherwise at a satellite point or an off-site place;
  partners (宫企融合, 宫校合作, 宫协联办) and the 四季有约 programmes now and then;
- livestreams, 直播荐岗 job fairs and the two published provincial competitions carry viewers and
  likes; the participants are always the people on site (person-times, 人次), so the viewers
  never count in the person-times.

Everything is drawn from the step's own seeded generator, so a seed and an anchor day give the
same rows every time.
"""

from __future__ import annotations

import math
import random
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from operator import itemgetter
from string import Formatter

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.ledger.models import Activity, ActivityKind, PartnerKind
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.demo.vocabulary import SECOND_CITY_PALACES
from venues.kinds import Centre
from venues.models import Closure, Palace, SatellitePoint, Venue

Kind = ActivityKind
# Plain strings: the rows go to the database cursor as they are (see `_insert`).
C, E, H, S = (c.value for c in (Centre.CULTURE, Centre.EDUCATION, Centre.HEALTH, Centre.SERVICE))
ENTERPRISE, SCHOOL, ASSOCIATION, NO_PARTNER = (
    k.value for k in (PartnerKind.ENTERPRISE, PartnerKind.SCHOOL, PartnerKind.ASSOCIATION, PartnerKind.NONE)
)

FIRST_YEAR = 2023
# Activities of a whole year across the province; a year under way gets its share so far.
YEAR_ACTIVITIES = {2023: 51_600, 2024: 67_400, 2025: 69_800, 2026: 71_500}
LATER_GROWTH = 1.02  # a year after the last listed one: this much more than the year before
PUBLISHED_YEAR = 2024
PUBLISHED_ACTIVITIES = 67_400
PUBLISHED_PERSON_TIMES = 7_627_700
ROWS_PER_INSERT = 1000  # at most; 17 parameters a row

# Who does how much: the level of the palace, then the size of its city.
CITY_LEVEL_WEIGHT, SECOND_CITY_WEIGHT, COUNTY_WEIGHT = 3.2, 2.2, 1.0
CITY_WEIGHT = {
    "360100": 1.35, "360200": 0.9, "360300": 0.9, "360400": 1.15, "360500": 0.85, "360600": 0.8,
    "360700": 1.3, "360800": 1.05, "360900": 1.1, "361000": 0.95, "361100": 1.15,
}  # fmt: skip
CITY_AUDIENCE, COUNTY_AUDIENCE = 1.25, 0.9  # participants, relative to the templates' ranges
MAX_DRAWN_VIEWERS = 30_000  # no everyday livestream comes near the provincial finals

# 春节 (first day of the lunar year); other years fall back to early February.
SPRING_FESTIVAL = {
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3),
}  # fmt: skip
WEEKDAY_WEIGHT = (0.75, 0.95, 0.95, 0.95, 1.0, 1.35, 1.2)
PERIOD_WEIGHT = {"new_year": 1.45, "holiday": 0.35, "lantern": 1.35, "mayday": 1.4, "summer": 1.2}


def _periods(day: date) -> frozenset[str]:
    """The seasons a day lies in; seasonal templates are drawn only then."""
    spring_festival = SPRING_FESTIVAL.get(day.year, date(day.year, 2, 1))
    offset = (day - spring_festival).days
    m, d = day.month, day.day
    tags = set()
    if -25 <= offset < 0:
        tags.add("new_year")  # 迎新春, 福进万家
    elif 0 <= offset < 7:
        tags.add("holiday")
    elif 7 <= offset <= 15:
        tags.add("lantern")  # up to 元宵
    if ((m == 1 and d >= 15) or m == 2) and "holiday" not in tags:
        tags.add("winter")  # school holidays: 寒假放心托管
    if (offset >= 7 and m <= 3) or m in (9, 10):
        tags.add("jobs")  # 春风行动, 金秋招聘月
    if m == 3:
        tags.add("march")  # 学雷锋, 三八
    if m == 4 and d >= 16:
        tags.add("reading")  # 世界读书日
    if (m == 4 and d >= 20) or (m == 5 and d <= 10):
        tags.add("mayday")
    if m == 5 and 15 <= d <= 25:
        tags.add("may20")
    if (m == 5 and d >= 15) or m == 6 or (m == 7 and d <= 15):
        tags.add("graduates")
    if m in (7, 8):
        tags.add("summer")
    if m == 8:
        tags.add("qixi")
    if m in (9, 10, 11):
        tags.add("autumn")  # 影画巡展
    if (m == 9 and d >= 10) or (m == 10 and d <= 7):
        tags.add("national_day")  # 中秋, 国庆
    return frozenset(tags)


def _day_weight(day: date, periods: frozenset[str]) -> float:
    weight = WEEKDAY_WEIGHT[day.weekday()]
    for tag in periods:
        weight *= PERIOD_WEIGHT.get(tag, 1.0)
    if (day.month == 1 and day.day <= 3) or (day.month == 10 and day.day <= 7):
        weight *= 0.75  # 元旦 and 国庆 holidays
    return weight


# --- Words ----------------------------------------------------------------------------------------

WORDS: dict[str, tuple[str, ...]] = {
    "model_story": (
        "从学徒到大国工匠", "三十年坚守电力一线", "公交线路上的温暖服务", "稀土生产线上的技术攻关",
        "千年瓷都的匠心传承", "铜冶炼炉前的创新之路", "高铁检修的毫米精度", "乡村医生的坚守",
        "建筑工地上的“金牌焊工”", "平凡岗位上的不平凡", "一颗螺丝钉的担当",
    ),
    "may_topic": (
        "劳动合同与工资支付", "职工权益保护知识", "安全生产与应急避险", "数字技能入门",
        "职场沟通与团队协作", "新就业形态劳动者权益", "职业病防治知识", "女职工特殊劳动保护",
    ),
    "topic": (
        "家庭教育与亲子沟通", "中医养生与四季保健", "防范电信网络诈骗", "井冈山精神与红色文化",
        "江西非遗文化漫谈", "营养膳食与慢病预防", "职场压力与心理调适", "赣鄱历史文化",
        "职工理财与消费安全", "颈椎腰椎健康防护",
    ),
    "law": ("劳动合同法", "民法典与家庭生活", "工伤保险条例", "劳动争议调解仲裁法", "反电信网络诈骗法"),
    "trade": (
        "焊工", "电工", "数控车工", "汽车维修", "钳工", "瓷板画", "茶艺", "电商运营", "叉车驾驶",
        "中式烹调", "美容美发", "育婴", "家政服务", "无人机操作",
    ),
    "cert": ("电工证", "焊工证", "育婴员", "健康管理师", "保育员", "中式烹调师", "养老护理员", "叉车证"),
    "it": ("AI办公应用", "短视频拍摄与剪辑", "Excel数据处理", "智能手机应用", "网络直播带货"),
    "book": (
        "平凡的世界", "人世间", "红星照耀中国", "活着", "苏东坡传", "围城", "文化苦旅", "乡土中国",
        "大国工匠", "长征", "额尔古纳河右岸", "三体", "钢铁是怎样炼成的", "朝花夕拾", "我与地坛",
    ),
    "photo": (
        "最美劳动者", "赣鄱新貌", "奋斗的身影", "城市之光", "美丽乡村", "工地上的四季",
        "我的岗位我的家", "山水江西",
    ),
    "cheer": ("奋进新征程", "劳动最光荣", "匠心筑梦", "幸福赣鄱", "奋斗者之歌"),
    "opera": ("赣剧《牡丹亭》选段", "采茶戏《睄妹子》", "黄梅戏经典选段", "京剧名段", "弋阳腔专场"),
    "dest": ("园区", "社区", "企业", "乡村", "工地", "车间"),
    "industry": (
        "电子信息", "新能源", "汽车制造", "物流快递", "家政服务", "餐饮服务", "纺织服装", "医药健康",
    ),
    "craft": ("剪纸教学", "瓷板画技法", "采茶戏名段赏析", "书法入门", "非遗手工", "手机摄影技巧", "茶艺展示"),
    "fitness": ("八段锦", "瑜伽", "健身操", "工间操", "太极拳"),
    "film": ("长津湖", "我和我的祖国", "我和我的家乡", "中国医生", "悬崖之上", "守岛人", "万里归途"),
    "round": ("小组赛", "半决赛", "邀请赛", "联赛"),
}  # fmt: skip
OFF_SITE = {
    "square": ("{unit}人民广场", "{unit}城市广场", "{unit}文化广场", "{unit}滨江公园"),
    "park": ("{unit}人民公园", "{unit}湿地公园", "{unit}滨江公园"),
    "station": ("{city}火车站", "{city}高铁站", "{unit}汽车客运站"),
    "sports": ("{unit}体育中心", "{unit}全民健身中心", "{unit}体育馆"),
    "pool": ("{unit}游泳馆", "{unit}体育中心游泳馆"),
    "pitch": ("{unit}体育中心足球场", "{unit}全民健身中心足球场"),
    "community": ("{unit}城南社区", "{unit}建设路社区", "{unit}幸福里社区", "{unit}新村社区"),
    "hall": ("{unit}人民会堂", "{unit}会展中心", "{unit}职工服务中心"),
    "jobs": ("{unit}人力资源市场", "{unit}会展中心", "{unit}人民广场"),
    "workshop": ("{unit}职业技能实训基地", "{unit}工业园区实训基地"),
    "online": ("线上（网络直播）",),
}
PARTNERS = {
    "enterprise": (
        "国网{unit}供电公司", "{unit}自来水有限公司", "{unit}公共交通有限公司", "{unit}城市建设投资集团",
        "中国移动{unit}分公司", "中国邮政{unit}分公司",
    ),
    "big_enterprise": (
        "江铃汽车集团有限公司", "江西铜业集团有限公司", "国网江西省电力有限公司", "江西洪都航空工业集团",
        "江西省建工集团有限责任公司", "江西省高速公路投资集团", "新余钢铁集团有限公司",
        "晶科能源股份有限公司",
    ),
    "school": ("{unit}第一中学", "{unit}实验小学", "{unit}第二小学", "{unit}实验中学"),
    "college": ("{unit}职业中等专业学校", "{city}技师学院", "{city}职业技术学院", "{city}开放大学"),
    "arts": ("{unit}音乐家协会", "{unit}戏剧家协会", "{unit}职工文体协会"),
    "dance": ("{unit}舞蹈家协会", "{unit}广场舞协会"),
    "music": ("{unit}音乐家协会", "{unit}合唱协会"),
    "photo": ("{unit}摄影家协会",),
    "calligraphy": ("{unit}书法家协会", "{unit}美术家协会"),
    "gallery": ("{unit}摄影家协会", "{unit}美术家协会"),
    "sport": ("{unit}职工体育协会", "{unit}体育总会"),
    "basketball": ("{unit}篮球协会",),
    "badminton": ("{unit}羽毛球协会",),
    "table_tennis": ("{unit}乒乓球协会",),
    "chess": ("{unit}棋类协会",),
    "volunteer": ("{unit}志愿者协会", "{unit}义工联合会", "{unit}红十字会"),
    "reading": ("{unit}作家协会", "{unit}阅读推广协会"),
}  # fmt: skip
SPRING, SUMMER_WINTER, AUTUMN = "四季有约·福进万家", "四季有约·放心托管", "四季有约·影画巡展"


@dataclass(frozen=True)
class Template:
    """A kind of activity a palace runs, with where, how big and with whom."""

    kind: str
    centre: str
    titles: tuple[str, ...]
    people: tuple[int, int, float]  # participants: low + (high - low) * random() ** skew
    venues: tuple[str, ...] = ()  # venue kinds (of `centre`) it is held at, when the palace has one
    at_venue: float = 0.85  # how often it is held at one of them then
    away: str = "square"  # OFF_SITE places when not at a venue nor at a point
    at_point: float = 0.5  # how often, away from the venues, at one of the palace's satellite points
    seats: float = 0.0  # participants at most the venue's capacity times this (0: no cap)
    weight: float = 1.0
    when: str = ""  # a period of `_periods`: drawn only then
    days: tuple[int, int] = (1, 1)  # how long it runs
    partners: tuple[tuple[str, float, str], ...] = ()  # (partner kind, chance, PARTNERS list)
    programme: str = ""  # the 四季有约 programme it belongs to, with `in_programme` chance
    in_programme: float = 0.0
    online: tuple[int, float] | None = None  # livestreamed: (median viewers, spread)


def T(kind, centre, titles, people, **options) -> Template:  # reads as a row of the table below
    return Template(kind.value, centre, tuple(titles), people, **options)


TEMPLATES: tuple[Template, ...] = (
    # Lectures: 劳模讲堂, 五一课堂, the workers' classroom.
    T(Kind.LECTURE, E, ["劳模讲堂：{model_story}"], (40, 220, 1.6),
      venues=("multi_function_hall", "classroom"), seats=1.2, weight=4.5, away="hall",
      partners=((ENTERPRISE, 0.15, "enterprise"),)),
    T(Kind.LECTURE, E, ["五一课堂：{may_topic}", "“五一”职工大讲堂：{may_topic}"], (50, 260, 1.5),
      venues=("multi_function_hall", "classroom"), seats=1.2, weight=12, when="mayday", away="hall"),
    T(Kind.LECTURE, E, ["职工大讲堂：{topic}", "职工课堂：{topic}", "女职工健康讲座：{topic}"],
      (25, 160, 1.7), venues=("multi_function_hall", "classroom", "library"), seats=1.2, weight=7,
      away="community", partners=((SCHOOL, 0.1, "school"),)),
    T(Kind.LECTURE, E, ["普法讲座：{law}", "工会法律服务进基层：{law}解读"], (30, 180, 1.7),
      venues=("multi_function_hall", "classroom"), seats=1.2, weight=3.5, at_venue=0.6, at_point=0.8,
      away="community"),
    # Reading exchanges at the workers' library.
    T(Kind.READING_EXCHANGE, E, ["职工书屋读书会：共读《{book}》", "“悦读赣鄱”职工读书分享会（第{n}期）",
      "职工书屋好书推荐交流会"], (12, 70, 1.5), venues=("library", "e_reading", "classroom"), seats=1.5,
      weight=8, away="community", at_point=0.8, partners=((ASSOCIATION, 0.12, "reading"),)),
    T(Kind.READING_EXCHANGE, E, ["世界读书日主题阅读分享会", "“书香飘赣鄱”全民阅读交流会"], (30, 150, 1.5),
      venues=("library", "multi_function_hall"), seats=2.5, weight=10, when="reading",
      partners=((ASSOCIATION, 0.25, "reading"),)),
    T(Kind.READING_EXCHANGE, E, ["“书香三八”女职工读书交流会"], (20, 90, 1.5),
      venues=("library", "e_reading"), seats=1.5, weight=5, when="march"),
    # Exhibitions: photography, calligraphy, lantern riddles, the labour movement.
    T(Kind.EXHIBITION, C, ["“{photo}”职工摄影作品展"], (80, 700, 2.2),
      venues=("exhibition_hall", "art_gallery"), seats=40, weight=1.2, days=(5, 30), away="hall",
      partners=((ASSOCIATION, 0.45, "photo"),)),
    T(Kind.EXHIBITION, C, ["“翰墨飘香”职工书法美术作品展", "职工书画作品展"], (80, 700, 2.2),
      venues=("exhibition_hall", "art_gallery"), seats=40, weight=1.0, days=(5, 30), away="hall",
      partners=((ASSOCIATION, 0.45, "calligraphy"),)),
    T(Kind.EXHIBITION, C, ["职工非遗剪纸作品展", "劳模风采图片展", "“三个精神”主题展览"], (80, 700, 2.2),
      venues=("exhibition_hall", "art_gallery"), seats=40, weight=0.8, days=(5, 30), away="hall"),
    T(Kind.EXHIBITION, C, ["影画巡展：“{photo}”摄影展", "“影画巡展”职工书画作品巡回展"], (115, 780, 2.0),
      venues=("exhibition_hall", "art_gallery"), at_venue=0.5, at_point=0.7, seats=40, weight=4,
      when="autumn", days=(3, 15), programme=AUTUMN, in_programme=0.85, away="square",
      partners=((ASSOCIATION, 0.35, "gallery"),)),
    T(Kind.EXHIBITION, C, ["元宵灯谜展猜活动", "“闹元宵·猜灯谜”职工游园会"], (115, 940, 1.8),
      venues=("leisure_square", "exhibition_hall", "art_gallery"), seats=8, weight=30, when="lantern",
      days=(1, 3), programme=SPRING, in_programme=0.6),
    T(Kind.EXHIBITION, C, ["迎新春灯谜竞猜", "迎新春职工书画作品展"], (80, 620, 1.8),
      venues=("exhibition_hall", "art_gallery"), seats=30, weight=8, when="new_year", days=(1, 10),
      programme=SPRING, in_programme=0.5),
    # Competitions: sports where there are courts (or at the sports centre), singing and chess in
    # the culture centre, skills and speeches in the education centre.
    T(Kind.COMPETITION, H, ["{year}年职工羽毛球比赛", "“工会杯”职工羽毛球赛"], (35, 190, 1.6),
      venues=("badminton",), at_point=0, seats=30, weight=3, days=(1, 2), away="sports",
      partners=((ASSOCIATION, 0.2, "badminton"), (ENTERPRISE, 0.15, "enterprise"))),
    T(Kind.COMPETITION, H, ["{year}年职工乒乓球比赛", "职工乒乓球团体赛"], (25, 160, 1.6),
      venues=("table_tennis",), at_point=0, seats=30, weight=3, days=(1, 2), away="sports",
      partners=((ASSOCIATION, 0.2, "table_tennis"),)),
    T(Kind.COMPETITION, H, ["{unit}职工篮球赛（{round}）", "“工会杯”职工篮球赛"], (45, 350, 1.8),
      venues=("basketball",), at_point=0, seats=25, weight=2.5, days=(1, 3), away="sports",
      partners=((ENTERPRISE, 0.2, "enterprise"), (ASSOCIATION, 0.15, "basketball"))),
    T(Kind.COMPETITION, H, ["职工气排球比赛", "“工会杯”职工气排球赛"], (25, 190, 1.7),
      venues=("air_volleyball",), at_point=0, seats=20, weight=1.2, away="sports",
      partners=((ASSOCIATION, 0.15, "sport"),)),
    T(Kind.COMPETITION, H, ["职工台球邀请赛"], (20, 100, 1.7), venues=("billiards",), at_point=0, seats=20,
      weight=0.5, away="sports"),
    T(Kind.COMPETITION, H, ["职工游泳比赛"], (30, 200, 1.7), venues=("swimming_pool",), at_point=0, seats=5,
      weight=0.4, away="pool"),
    T(Kind.COMPETITION, H, ["职工五人制足球赛"], (40, 260, 1.7), venues=("football",), at_point=0, seats=20,
      weight=0.5, days=(1, 3), away="pitch"),
    T(Kind.COMPETITION, H, ["职工拔河比赛", "职工趣味运动会", "职工健步走比赛"], (55, 350, 1.8),
      at_venue=0, at_point=0.3, away="sports", weight=2, partners=((ENTERPRISE, 0.25, "enterprise"),)),
    T(Kind.COMPETITION, C, ["职工歌手大赛", "“{cheer}”职工合唱比赛"], (60, 400, 2.0),
      venues=("theatre", "folk_stage"), at_point=0.2, seats=1, weight=1.2,
      partners=((ASSOCIATION, 0.25, "music"),)),
    T(Kind.COMPETITION, C, ["职工象棋比赛", "职工围棋比赛", "职工掼蛋比赛"], (20, 150, 1.8),
      venues=("chess_cards",), at_point=0.5, away="community", seats=3, weight=1.2,
      partners=((ASSOCIATION, 0.25, "chess"),)),
    T(Kind.COMPETITION, C, ["职工广场舞比赛"], (60, 400, 2.0), venues=("leisure_square",), seats=1,
      weight=0.8, partners=((ASSOCIATION, 0.25, "dance"),)),
    T(Kind.COMPETITION, E, ["职工技能比武：{trade}"], (25, 200, 1.7), venues=("skill_training",), seats=2,
      weight=1.5, at_point=0.5, away="workshop", partners=((ENTERPRISE, 0.35, "enterprise"),)),
    T(Kind.COMPETITION, E, ["“{cheer}”职工演讲比赛", "安全生产知识竞赛", "职工诗词大会"], (25, 200, 1.7),
      venues=("multi_function_hall",), seats=1.5, weight=1.2, at_point=0.3, away="hall"),
    # Training: skills and certificates, for the new forms of employment too.
    T(Kind.TRAINING, E, ["{trade}技能培训班", "{cert}考前培训", "职工电脑技能培训：{it}",
      "新就业形态劳动者技能培训", "应急救护（AED）培训"], (15, 90, 1.4),
      venues=("skill_training", "classroom", "multi_function_hall"), seats=1.2, weight=15, days=(1, 5),
      at_point=0.8, away="workshop",
      partners=((SCHOOL, 0.25, "college"), (ENTERPRISE, 0.15, "enterprise"))),
    T(Kind.TRAINING, E, ["工会干部业务培训班", "工会财务知识培训"], (30, 150, 1.5),
      venues=("multi_function_hall", "classroom"), seats=1.2, weight=2, days=(1, 3), away="hall"),
    T(Kind.TRAINING, H, ["{fitness}公益培训班", "社会体育指导员培训"], (15, 60, 1.4),
      venues=("yoga", "dance_rehearsal", "gym"), seats=1.5, weight=3, days=(1, 5), away="park"),
    # Child care in the school holidays (四季有约·放心托管): person-times over the weeks.
    T(Kind.OTHER, E, ["暑期职工子女放心托管班（第{n}期）", "“快乐暑假”职工子女托管班"], (115, 920, 1.3),
      venues=("classroom", "multi_function_hall", "library"), seats=40, weight=5, when="summer",
      days=(10, 30), away="community", programme=SUMMER_WINTER, in_programme=0.9,
      partners=((SCHOOL, 0.3, "school"),)),
    T(Kind.OTHER, E, ["寒假职工子女放心托管班", "“温暖寒假”职工子女托管服务"], (75, 620, 1.3),
      venues=("classroom", "library"), seats=30, weight=4, when="winter", days=(7, 20), away="community",
      programme=SUMMER_WINTER, in_programme=0.9, partners=((SCHOOL, 0.25, "school"),)),
    # Job fairs, 直播荐岗 from the employment window.
    T(Kind.JOB_FAIR, S, ["直播荐岗：{industry}企业专场"], (8, 40, 1.2), venues=("employment_window",),
      at_venue=0.95, at_point=0, away="jobs", weight=1.5, online=(4000, 0.8),
      partners=((ENTERPRISE, 0.5, "enterprise"),)),
    T(Kind.JOB_FAIR, S, ["“春风行动”专场招聘会", "农民工返岗就业专场招聘会", "金秋招聘月专场招聘会",
      "“工会就业服务月”{industry}专场招聘会"], (100, 1000, 2.0), at_venue=0, at_point=0.5, away="jobs",
      weight=8, when="jobs", partners=((ENTERPRISE, 0.3, "big_enterprise"),)),
    T(Kind.JOB_FAIR, S, ["高校毕业生就业见习招聘会", "退役军人专场招聘会"], (80, 600, 2.0), at_venue=0,
      at_point=0.3, away="jobs", weight=3, when="graduates", partners=((SCHOOL, 0.4, "college"),)),
    # Singles mixers and collective weddings.
    T(Kind.MIXER, C, ["“缘聚{unit}”单身职工联谊会", "“花开有约”青年职工交友活动"], (40, 200, 1.5),
      venues=("dance_hall", "leisure_square", "folk_stage"), at_venue=0.6, away="park", seats=1.5,
      weight=1.2, partners=((ENTERPRISE, 0.3, "enterprise"),)),
    T(Kind.MIXER, C, ["七夕单身青年职工交友活动", "“鹊桥会”七夕职工联谊活动"], (60, 300, 1.5),
      venues=("dance_hall", "leisure_square"), at_venue=0.5, away="park", seats=2, weight=12, when="qixi"),
    T(Kind.WEDDING, C, ["{year}年{unit}职工集体婚礼"], (120, 600, 1.5), venues=("leisure_square", "theatre"),
      at_venue=0.5, at_point=0, away="park", seats=1, weight=0.15,
      partners=((ENTERPRISE, 0.3, "enterprise"),)),
    T(Kind.WEDDING, C, ["“520”新风集体婚礼", "“爱在五月”职工集体婚礼"], (150, 700, 1.5),
      venues=("leisure_square", "theatre"), at_venue=0.5, at_point=0, away="park", seats=1, weight=3,
      when="may20"),
    T(Kind.WEDDING, C, ["“喜迎国庆”职工集体婚礼"], (150, 700, 1.5), venues=("leisure_square", "theatre"),
      at_venue=0.5, at_point=0, away="park", seats=1, weight=1, when="national_day"),
    # Volunteer services, mostly away from the palace.
    T(Kind.VOLUNTEER_SERVICE, S, ["“工会有爱”义诊义剪进社区", "职工志愿者环保行动", "法律援助进基层",
      "困难职工家庭走访慰问"], (15, 210, 1.8), at_venue=0, at_point=0.6, away="community", weight=6,
      partners=((ASSOCIATION, 0.3, "volunteer"),)),
    T(Kind.VOLUNTEER_SERVICE, S, ["学雷锋志愿服务进社区", "“三八”女职工关爱志愿服务"], (25, 260, 1.8),
      at_venue=0, at_point=0.6, away="community", weight=20, when="march",
      partners=((ASSOCIATION, 0.3, "volunteer"),)),
    T(Kind.VOLUNTEER_SERVICE, S, ["“送清凉”慰问一线职工", "夏季高温一线职工慰问"], (40, 340, 1.8),
      at_venue=0, at_point=0.7, away="community", weight=12, when="summer",
      partners=((ENTERPRISE, 0.3, "enterprise"),)),
    T(Kind.VOLUNTEER_SERVICE, S, ["春运“暖冬行动”志愿服务", "“福进万家”新春送温暖"], (50, 420, 1.8),
      at_venue=0, at_point=0.4, away="station", weight=10, when="new_year", programme=SPRING,
      in_programme=0.5),
    # Livestreams: people on site, viewers online.
    T(Kind.LIVESTREAM, C, ["“云上文化宫”直播：{craft}", "非遗技艺直播课：{craft}"], (5, 60, 1.5),
      venues=("theatre", "folk_stage", "art_gallery"), seats=1, away="online", at_point=0.1, weight=2.2,
      online=(1800, 0.8)),
    T(Kind.LIVESTREAM, H, ["健身直播课：{fitness}", "“云健身”工间操直播"], (3, 40, 1.5),
      venues=("yoga", "gym", "dance_rehearsal"), seats=1, away="online", at_point=0.1, weight=1.5,
      online=(1200, 0.8)),
    T(Kind.LIVESTREAM, E, ["职工书屋直播荐书：《{book}》", "“劳动者港湾”直播访谈"], (3, 30, 1.5),
      venues=("library", "e_reading", "multi_function_hall"), seats=1, away="online", at_point=0.1,
      weight=1.2, online=(1500, 0.8)),
    # Performances on the palace's stages, in the squares, and 送文化 to parks, villages and sites.
    T(Kind.PERFORMANCE, C, ["周末职工剧场：{opera}", "职工合唱团专场音乐会", "“{cheer}”职工文艺演出"],
      (75, 540, 1.6), venues=("theatre", "folk_stage"), at_point=0.2, away="hall", seats=1, weight=4,
      partners=((ASSOCIATION, 0.2, "arts"),)),
    T(Kind.PERFORMANCE, C, ["送文化进{dest}文艺演出", "职工文艺轻骑兵巡演", "广场舞展演"], (60, 460, 1.7),
      venues=("leisure_square",), at_venue=0.2, at_point=0.7, weight=4,
      partners=((ENTERPRISE, 0.25, "enterprise"), (ASSOCIATION, 0.15, "dance"))),
    T(Kind.PERFORMANCE, C, ["迎新春职工文艺演出", "“福进万家”新春文艺演出", "新春送春联送祝福"],
      (90, 620, 1.6), venues=("theatre", "folk_stage", "leisure_square"), at_venue=0.5, at_point=0.6,
      seats=1, weight=14, when="new_year", programme=SPRING, in_programme=0.7,
      partners=((ASSOCIATION, 0.2, "arts"),)),
    T(Kind.PERFORMANCE, C, ["“五一”劳动者之歌文艺汇演", "庆“五一”职工文艺晚会"], (115, 690, 1.5),
      venues=("theatre", "folk_stage", "leisure_square"), seats=1, weight=6, when="mayday"),
    T(Kind.PERFORMANCE, C, ["“夏夜纳凉”广场文艺演出", "“欢乐消夏”职工广场舞晚会"], (75, 460, 1.6),
      venues=("leisure_square", "folk_stage"), at_venue=0.6, seats=2, weight=5, when="summer"),
    T(Kind.PERFORMANCE, C, ["喜迎国庆职工文艺晚会", "“中秋·国庆”职工游园活动"], (90, 620, 1.6),
      venues=("theatre", "leisure_square"), seats=1.5, weight=6, when="national_day"),
    # Other: screenings (影画巡展 in autumn), hands-on activities, walks and workplace exercise.
    T(Kind.OTHER, C, ["职工电影专场：《{film}》", "公益电影放映：《{film}》"], (45, 310, 1.4),
      venues=("theatre",), at_venue=0.7, at_point=0.8, away="square", seats=1, weight=3.5),
    T(Kind.OTHER, C, ["“影画巡展”公益电影进{dest}：《{film}》"], (45, 310, 1.4), at_venue=0, at_point=0.8,
      weight=4, when="autumn", programme=AUTUMN, in_programme=0.9),
    T(Kind.OTHER, C, ["职工亲子手工活动", "“我们的节日”民俗文化体验活动", "职工插花体验活动"], (15, 90, 1.5),
      venues=("art_gallery", "folk_stage", "chess_cards"), seats=1.5, weight=4, away="community"),
    T(Kind.OTHER, H, ["职工健步走活动"], (50, 500, 1.8), at_venue=0, at_point=0.3, away="park", weight=1.5),
    T(Kind.OTHER, H, ["职工工间操推广", "职工健身指导服务"], (20, 120, 1.6), venues=("gym", "yoga"),
      at_venue=0.4, at_point=0.8, away="community", weight=2),
)  # fmt: skip


# --- The published 2024 activities ----------------------------------------------------------------


@dataclass(frozen=True)
class Fixed:
    """An activity the published figures name; held at a `venue_kind` venue of a city-level palace."""

    title: str
    kind: str
    centre: str
    day: date
    venue_kind: str
    off_site: str  # where, if no city-level palace has such a venue
    participants: int
    online_viewers: int
    likes: int
    partner_kind: str
    partner_name: str


# Both are competitions (what they were) that were livestreamed (the online figures): the kind says
# what happened, the viewers and likes how far it reached, as for 直播荐岗 job fairs.
BASKETBALL_FINAL = Fixed(
    "全省职工篮球赛总决赛（直播）", Kind.COMPETITION.value, H, date(2024, 11, 16),
    "basketball", "南昌国际体育中心",
    participants=860, online_viewers=171_800, likes=20_160,
    partner_kind=ASSOCIATION, partner_name="江西省职工体育协会",
)  # fmt: skip
SPEECH_CONTEST = Fixed(
    "“奋斗者·正青春”全省职工网络演讲比赛（直播）", Kind.COMPETITION.value, E, date(2024, 4, 26),
    "multi_function_hall", "线上（网络直播）",
    participants=286, online_viewers=100_300, likes=13_460,
    partner_kind=NO_PARTNER, partner_name="",
)  # fmt: skip
FIXED = (SPEECH_CONTEST, BASKETBALL_FINAL)


# --- Drawing the rows -----------------------------------------------------------------------------


def _names(pattern: str) -> tuple[str, ...]:
    return tuple(name for _text, name, _spec, _conv in Formatter().parse(pattern) if name)


@dataclass
class _Pattern:
    text: str
    names: tuple[str, ...]


@dataclass
class _Site:
    """What the rows of one palace need to know about it, gathered once."""

    index: int
    palace: Palace
    unit: str
    city: str
    audience: float
    venues: dict[str, list[Venue]]
    palace_id: int
    points: list[int]
    logged_by: list[int | None]
    opens: date | None = None
    closed_days: frozenset[date] = frozenset()


@dataclass
class _Drawn:
    """One year's rows as column lists (cheap to build, scale and sort), plus the caps."""

    rows: list[list]
    caps: list[int]  # participants at most this (0: no cap)


class _Ledger:
    def __init__(self, ctx: DemoContext, rng: random.Random):
        self.ctx = ctx
        self.rng = rng
        self.last_day = ctx.today - timedelta(days=1)
        self.patterns = {id(t): [_Pattern(text, _names(text)) for text in t.titles] for t in TEMPLATES}
        self.venue_choices: dict[tuple[int, int], list[tuple[int, int]]] = {}  # (venue id, cap)
        self.closed_venues: set[tuple[int, date]] = set()
        self.sites = self._sites()

    # --- The palaces ------------------------------------------------------------------------------

    def _sites(self) -> list[_Site]:
        ctx, rng = self.ctx, self.rng
        in_service = [p for p in ctx.palaces if p.status == Palace.Status.IN_SERVICE]
        ids = {p.pk for p in in_service}
        venues: dict[int, dict[str, list[Venue]]] = defaultdict(lambda: defaultdict(list))
        for v in ctx.venues:
            if v.is_active and v.palace_id in ids:
                venues[v.palace_id][v.kind].append(v)
        points: dict[int, list[int]] = defaultdict(list)
        for pk, palace_id in (
            SatellitePoint.objects.filter(palace_id__in=ids).order_by("pk").values_list("pk", "palace_id")
        ):
            points[palace_id].append(pk)
        closed: dict[int, set[date]] = defaultdict(set)
        for c in Closure.objects.filter(palace_id__in=ids):
            days = {c.start_date + timedelta(days=n) for n in range((c.end_date - c.start_date).days + 1)}
            if c.venue_id is None:
                closed[c.palace_id] |= days
            else:
                self.closed_venues |= {(c.venue_id, d) for d in days}
        staff = [
            u.pk for key in ("palace_staff", "palace_staff", "palace_manager") if (u := ctx.users.get(key))
        ]
        sites = []
        for index, palace in enumerate(in_service):
            region = palace.region
            city_region = region if palace.level == Palace.Level.CITY else region.parent
            opens = None
            if palace.year_built and palace.year_built >= FIRST_YEAR:
                opens = date(palace.year_built, rng.randint(3, 10), rng.randint(1, 28))
            sites.append(
                _Site(
                    index=index,
                    palace=palace,
                    unit=region.name,
                    city=city_region.name,
                    audience=CITY_AUDIENCE if palace.level == Palace.Level.CITY else COUNTY_AUDIENCE,
                    venues=venues[palace.pk],
                    palace_id=palace.pk,
                    points=points[palace.pk],
                    logged_by=staff if palace.name == DEMO_PALACE_NAME else [None],
                    opens=opens,
                    closed_days=frozenset(closed[palace.pk]),
                )
            )
        return sites

    def _weight(self, site: _Site) -> float:
        palace = site.palace
        if palace.level == Palace.Level.CITY:
            level = SECOND_CITY_WEIGHT if palace.name in SECOND_CITY_PALACES.values() else CITY_LEVEL_WEIGHT
            city_code = palace.region.code
        else:
            level, city_code = COUNTY_WEIGHT, palace.region.parent.code
        rooms = sum(len(v) for v in site.venues.values())
        return level * CITY_WEIGHT[city_code] * (0.8 + 0.02 * rooms) * self.rng.lognormvariate(0, 0.2)

    # --- One year ---------------------------------------------------------------------------------

    def year(self, year: int, weights: list[float]) -> _Drawn:
        """The rows of one year (up to the last day), in no particular order."""
        rng = self.rng
        first, last = date(year, 1, 1), min(date(year, 12, 31), self.last_day)
        full_days = (date(year, 12, 31) - first).days + 1
        all_days = [first + timedelta(days=n) for n in range(full_days)]
        periods = [_periods(d) for d in all_days]
        day_weights = [_day_weight(d, p) for d, p in zip(all_days, periods, strict=True)]
        n_days = (last - first).days + 1
        target = YEAR_ACTIVITIES.get(year) or round(
            YEAR_ACTIVITIES[max(YEAR_ACTIVITIES)] * LATER_GROWTH ** (year - max(YEAR_ACTIVITIES))
        )
        if n_days < full_days:
            target = round(target * sum(day_weights[:n_days]) / sum(day_weights))
        days, periods, day_weights = all_days[:n_days], periods[:n_days], day_weights[:n_days]
        fixed = [f for f in FIXED if f.day.year == year and f.day <= last]
        target -= len(fixed)

        # Each palace's days (open, not closed) and its share of the year's activities.
        site_days = []
        for site, weight in zip(self.sites, weights, strict=True):
            own = day_weights
            if (site.opens and site.opens > first) or site.closed_days:
                own = [
                    0.0 if (site.opens and d < site.opens) or d in site.closed_days else w
                    for d, w in zip(days, day_weights, strict=True)
                ]
            site_days.append((site, own, weight * sum(own)))
        counts = _apportion(target, [share for *_rest, share in site_days])

        dists = {}
        for p in set(periods):
            usable = [t for t in TEMPLATES if not t.when or t.when in p]
            dists[p] = (usable, list(accumulate(t.weight for t in usable)))
        rows: list[list] = []
        caps: list[int] = []
        for (site, own, _share), count in zip(site_days, counts, strict=True):
            if not count:
                continue
            drawn = rng.choices(range(n_days), cum_weights=list(accumulate(own)), k=count)
            by_period: dict[frozenset, list[int]] = defaultdict(list)
            for i in drawn:
                by_period[periods[i]].append(i)
            for p in sorted(by_period, key=sorted):
                usable, cum = dists[p]
                chosen = rng.choices(usable, cum_weights=cum, k=len(by_period[p]))
                for i, template in zip(by_period[p], chosen, strict=True):
                    self._row(site, days[i], template, rows, caps)
        for f in fixed:
            rows.append(self._fixed(f))
            caps.append(-1)  # never rescaled
        return _Drawn(rows, caps)

    def _row(self, site: _Site, day: date, t: Template, rows: list[list], caps: list[int]) -> None:
        rng = self.rng
        random_ = rng.random
        venue = point = None
        off_site = ""
        cap = 0
        if t.venues and random_() < t.at_venue:
            key = (site.index, id(t))
            choices = self.venue_choices.get(key)
            if choices is None:
                choices = self.venue_choices[key] = [
                    (v.pk, max(1, int(v.capacity * t.seats)) if t.seats else 0)
                    for k in t.venues
                    for v in site.venues.get(k, ())
                ]
            if choices:
                venue, cap = choices[int(random_() * len(choices))]
                if (venue, day) in self.closed_venues:
                    venue, cap = None, 0
        if venue is None:
            if site.points and random_() < t.at_point:
                point = site.points[int(random_() * len(site.points))]
            else:
                places = OFF_SITE[t.away]
                off_site = places[int(random_() * len(places))].format(unit=site.unit, city=site.city)
        low, high, skew = t.people
        participants = int((low + (high - low) * random_() ** skew) * site.audience)
        if cap and participants > cap:
            participants = cap
        pattern = self.patterns[id(t)]
        pattern = pattern[int(random_() * len(pattern))]
        if pattern.names:
            title = pattern.text.format_map(self._fill(pattern.names, site, day))
        else:
            title = pattern.text
        end = None
        if t.days[1] > 1:
            shortest, longest = t.days
            length = shortest + int(random_() * (longest - shortest + 1))
            if length > 1:
                end = min(day + timedelta(days=length - 1), self.last_day)
                if end == day:
                    end = None
        partner_kind, partner_name = NO_PARTNER, ""
        if t.partners:
            r = random_()
            for kind, chance, names in t.partners:
                if r < chance:
                    options = PARTNERS[names]
                    partner_kind = kind
                    partner_name = options[int(random_() * len(options))].format(
                        unit=site.unit, city=site.city
                    )
                    break
                r -= chance
        programme = t.programme if t.in_programme and random_() < t.in_programme else ""
        viewers = likes = 0
        if t.online:
            median, spread = t.online
            viewers = min(int(median * site.audience * rng.lognormvariate(0, spread)), MAX_DRAWN_VIEWERS)
            likes = int(viewers * (0.03 + 0.11 * random_()))
        logged_by = site.logged_by[int(random_() * len(site.logged_by))]
        rows.append(
            [
                day, site.palace_id, title, t.kind, t.centre, venue, point, off_site,
                end, participants, viewers, likes, partner_kind, partner_name, programme, logged_by,
            ]
        )  # fmt: skip
        caps.append(cap)

    def _fill(self, names: tuple[str, ...], site: _Site, day: date) -> dict[str, object]:
        values: dict[str, object] = {}
        for name in names:
            if name == "unit":
                values[name] = site.unit
            elif name == "city":
                values[name] = site.city
            elif name == "year":
                values[name] = day.year
            elif name == "n":
                values[name] = self.rng.randint(1, 12)
            else:
                words = WORDS[name]
                values[name] = words[int(self.rng.random() * len(words))]
        return values

    def _fixed(self, f: Fixed) -> list:
        """A published activity, at the first city-level palace with the venue it needs."""
        demo = next(s for s in self.sites if s.palace.name == DEMO_PALACE_NAME)
        hosts = [demo] + [s for s in self.sites if s.palace.level == Palace.Level.CITY and s is not demo]
        for site in hosts:
            if site.venues.get(f.venue_kind):
                venue_id, off_site = site.venues[f.venue_kind][0].pk, ""
                break
        else:
            site, venue_id, off_site = demo, None, f.off_site
        return [
            f.day, site.palace.pk, f.title, f.kind, f.centre, venue_id, None, off_site, None,
            f.participants, f.online_viewers, f.likes, f.partner_kind, f.partner_name, "", site.logged_by[0],
        ]  # fmt: skip


def _apportion(total: int, shares: list[float]) -> list[int]:
    """`total` split in proportion to `shares`, in whole numbers that add up exactly (largest remainders)."""
    whole = sum(shares)
    if total <= 0 or whole <= 0:
        return [0] * len(shares)
    exact = [total * s / whole for s in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _rescale(drawn: _Drawn, total: int) -> None:
    """Scale the participants of the drawn rows so that all rows add up to exactly `total`.

    Fixed rows (cap -1) keep theirs. Each drawn row is scaled by the same factor, rounded down,
    then the rows with the largest fractions get one more until the sum is exact; no row goes
    above its venue's cap. (The draws are calibrated so that the factor stays close to 1.)
    """
    rows, caps = drawn.rows, drawn.caps
    P = 9  # the participants column
    fixed = sum(r[P] for r, cap in zip(rows, caps, strict=True) if cap < 0)
    free = [i for i, cap in enumerate(caps) if cap >= 0]
    drawn_sum = sum(rows[i][P] for i in free)
    factor = (total - fixed) / drawn_sum
    fractions = []
    for i in free:
        exact = rows[i][P] * factor
        value = math.floor(exact)
        cap = caps[i]
        if cap and value >= cap:
            value = cap
        else:
            fractions.append((value - exact, i))
        rows[i][P] = value
    missing = total - fixed - sum(rows[i][P] for i in free)
    fractions.sort()
    while missing > 0 and fractions:
        still = []
        for _f, i in fractions:
            if missing == 0:
                break
            if not caps[i] or rows[i][P] < caps[i]:
                rows[i][P] += 1
                missing -= 1
                still.append((_f, i))
        fractions = still
    if missing:
        raise AssertionError("the ledger's participants cannot reach the published total")  # unreachable


# --- Writing --------------------------------------------------------------------------------------

COLUMNS = (
    "date", "palace_id", "title", "kind", "centre", "venue_id", "satellite_point_id", "off_site", "end_date",
    "participants", "online_viewers", "likes", "partner_kind", "partner_name", "programme", "created_by_id",
)  # fmt: skip


def draw_ledger(ctx: DemoContext) -> list[list]:
    """Every row of the demo ledger, in the order of their dates, as `COLUMNS` lists."""
    rng = ctx.rng("ledger")
    ledger = _Ledger(ctx, rng)
    weights = [ledger._weight(site) for site in ledger.sites]
    rows: list[list] = []
    for year in range(FIRST_YEAR, ledger.last_day.year + 1):
        drawn = ledger.year(year, weights)
        if year == PUBLISHED_YEAR and ledger.last_day >= date(year, 12, 31):
            _rescale(drawn, PUBLISHED_PERSON_TIMES)
        rows += drawn.rows
    rows.sort(key=itemgetter(0, 1))  # stable: same-day rows of a palace keep their draw order
    return rows


# Staff log an activity on the evening of its first day, between these times (every quarter hour).
LOGGED_FROM, LOGGED_QUARTERS = time(17, 0), 16


def _rows_per_insert(columns: int) -> int:
    limit = connection.features.max_query_params  # None: PostgreSQL's 65,535
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 32):
        limit = 32_766  # SQLite's limit since 3.32 (Django assumes the older 999)
    return max(1, min(ROWS_PER_INSERT, (limit or 65_535) // columns))


def _insert(rows: list[list], rng: random.Random) -> None:
    """Write the rows with multi-row INSERT statements, `_rows_per_insert` rows each.

    Not `bulk_create`, which prepares every value of every row through the fields (about 90 µs a
    row, half a minute for the ledger on SQLite) and would stamp every `created_at` with the wall
    clock instead of the evening each activity was logged. The values are the ones the ORM would
    write (plain strings and numbers; dates and times adapted by the backend). The statements go
    through `executemany`, which the debug cursor logs without formatting 17,000 parameters.
    """
    ops = connection.ops
    table = ops.quote_name(Activity._meta.db_table)
    columns = [*COLUMNS, "created_at"]
    head = f"INSERT INTO {table} ({', '.join(ops.quote_name(c) for c in columns)}) VALUES "  # noqa: S608
    one = f"({', '.join(['%s'] * len(columns))})"
    dates: dict[date, object] = {}  # each day adapted once: its value, and its evening's quarters
    evenings: dict[date, list[object]] = {}

    def adapt(day: date) -> None:
        dates[day] = ops.adapt_datefield_value(day)
        first = timezone.make_aware(datetime.combine(day, LOGGED_FROM))
        evenings[day] = [
            ops.adapt_datetimefield_value(first + timedelta(minutes=15 * n)) for n in range(LOGGED_QUARTERS)
        ]

    random_ = rng.random
    values: list[object] = []
    for r in rows:
        day, end = r[0], r[8]
        if day not in dates:
            adapt(day)
        if end is not None and end not in dates:
            adapt(end)
        values += (dates[day], *r[1:8], None if end is None else dates[end], *r[9:])
        values.append(evenings[day][int(random_() * LOGGED_QUARTERS)])
    per_insert = _rows_per_insert(len(columns))
    width = per_insert * len(columns)
    full = len(rows) // per_insert
    with connection.cursor() as cursor:
        if full:
            cursor.executemany(
                head + ", ".join([one] * per_insert),
                (values[n * width : (n + 1) * width] for n in range(full)),
            )
        if rest := len(rows) - full * per_insert:
            cursor.executemany(head + ", ".join([one] * rest), [values[full * width :]])


def build_ledger(ctx: DemoContext) -> None:
    rows = draw_ledger(ctx)
    _insert(rows, ctx.rng("ledger:logged"))
    ctx.count(_("activities"), len(rows))


def wipe_ledger() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Activity._meta.db_table)}")  # noqa: S608


def ledger_exists() -> bool:
    return Activity.objects.exists()


LEDGER_STEP = Step("ledger", build_ledger, wipe=wipe_ledger, has_data=ledger_exists)
