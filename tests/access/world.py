"""The access matrix's world: the standard world plus one of every object a URL can point at.

Everything a route's URL names (a booking, a course, a session, a wish, a survey, a rating, a
hosting call and application, a subsidy, a campaign, a rotation, a monthly ledger and its manual
line, an evaluation and its evidence file, …) belongs to palace A, and the worker-owned ones belong
to `worker`, so one table can say who may open each URL; evaluation schemes are the province's.
Rows are written through the services (as the portal itself would write them) where a service
exists.

"Now" is Monday 2026-11-23 08:00 in Asia/Shanghai (tests.bookings.support.NOW) while it is built
and while the matrix runs.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.classes.services.enrolments import enrolment_create
from activities.events.services import event_register
from activities.innovation import services as innovation
from activities.ledger.services import activity_create
from activities.legal.services import case_create
from activities.media.services import article_create, article_publish, channel_create
from activities.models import Survey
from activities.ratings.services import rating_create
from activities.series.services import series_create
from activities.teams.services import join_request_create, join_request_decide, team_save
from alliance import services as alliance
from bookings.calendars import calendar_feed_for
from bookings.models import Appeal, Booking, Occurrence, Suspension
from bookings.services.offering import attendance_roll_call
from bookings.services.staff import duty_shift_create
from performance.evaluation import services as evaluation
from performance.evaluation.models import Indicator
from performance.ledgers.models import Ledger
from performance.ledgers.services import ledger_aggregate_month
from performance.workflow.services import manual_line_add
from tests.activities.support import make_course, make_event, make_term
from tests.activities.voice_support import survey as make_survey
from tests.activities.voice_support import wish as make_wish
from tests.alliance.support import apply, open_call
from tests.bookings.support import NOW, at, book, write_booking
from tests.conftest import build_world
from tests.factories import SatellitePointFactory, StaffAssignmentFactory, UserFactory, VenueFactory
from venues.models import StaffAssignment


def frozen():
    """The clock of the whole matrix (patched where the portal reads it)."""
    return mock.patch("django.utils.timezone.now", return_value=NOW)


def build_access_world() -> SimpleNamespace:
    w = build_world()
    po = w.province_officer

    # A city officer of city 2: palace B (in city 2's county) is theirs, palace A is not.
    w.city_officer_b = UserFactory(phone="13800000007", real_name="冯亮")
    StaffAssignmentFactory(user=w.city_officer_b, role=StaffAssignment.Role.CITY_OFFICER, region=w.city2)

    # The worker's venue booking, a group request for the hall, a confidential appointment.
    w.booking = book(w.worker, w.venue_a, days=1, hour=10)
    w.window = VenueFactory(palace=w.palace_a, name="法律援助窗口", kind="legal_aid_window")
    w.shift = duty_shift_create(
        actor=w.staff_a, venue=w.window, person="张律师", weekday=0, starts=time(9), ends=time(12), now=NOW
    )
    w.appointment = book(w.worker2, w.window, days=0, hour=11, matter="公司拖欠工资三个月")
    w.hall = VenueFactory(palace=w.palace_a, name="多功能厅", kind="multi_function_hall")
    # A service point of the 15-minute circle, run by palace A.
    w.service_point = SatellitePointFactory(
        palace=w.palace_a,
        kind="outdoor_station",
        name="八一广场户外劳动者服务站",
        region=w.city1,
        latitude=28.6741,
        longitude=115.9089,
        services=["rest", "water"],
        open_all_hours=True,
    )
    w.request = book(
        w.worker,
        w.hall,
        days=3,
        hour=14,
        hours=2,
        purpose="职工合唱排练",
        organisation="江铃工会",
        party_size=40,
    )

    # The ledger, the night school and a lecture, with the worker signed up for both.
    w.activity = activity_create(
        actor=w.staff_a,
        palace=w.palace_a,
        title="劳模讲堂",
        kind="lecture",
        centre="education",
        date=date(2026, 10, 10),
        participants=120,
    )
    w.term = make_term(w)
    w.course = make_course(w, w.term, completion_percent=10)
    w.session = Occurrence.objects.filter(offering=w.course.offering).order_by("start").first()
    w.series = series_create(actor=w.staff_a, palace=w.palace_a, name="淮工阅读", kind="brand")
    w.article = article_publish(
        actor=w.staff_a,
        article=article_create(actor=w.staff_a, palace=w.palace_a, title="劳动美", body="正文"),
    )
    w.channel = channel_create(
        actor=w.staff_a, palace=w.palace_a, kind="livestream", name="直播间", url="https://example.org/live"
    )
    w.event = make_event(w)
    w.enrolment = enrolment_create(user=w.worker, course=w.course, now=NOW)
    w.registration = event_register(user=w.worker, event=w.event, now=NOW)
    # Present at the first session: the course counts as completed (its certificate exists).
    attendance_roll_call(
        actor=w.staff_a,
        occurrence=w.session,
        present=[w.enrolment.pk],
        now=w.session.start + timedelta(hours=1),
    )

    # The worker rated a court booking they attended two days ago.
    attended = write_booking(w.worker, w.venue_a, at(-2, 10), status=Booking.Status.CHECKED_IN)
    w.rating = rating_create(user=w.worker, booking=attended, stars=4, comment="场地干净", now=NOW)

    # Worker voice: the worker's wish, a published survey and a draft one being built.
    w.wish = make_wish(w.palace_a, w.worker)
    w.survey = make_survey(w.palace_a)
    w.draft = make_survey(w.palace_a, status=Survey.Status.DRAFT, title="2027年春季需求调查")
    w.question = w.draft.questions.order_by("position").first()
    w.choice = w.question.choices.order_by("position").first()

    # Innovation: a studio in palace A's alliance, a mentor without an account, the worker's problem.
    w.studio = innovation.studio_save(
        actor=w.staff_a,
        palace=w.palace_a,
        name="洪都劳模创新工作室",
        kind="model_worker",
        leader_name="刘师傅",
        field="machinery",
        founded_year=2016,
    )
    innovation.studio_join(actor=w.staff_a, studio=w.studio, joined_on=date(2024, 3, 1))
    w.mentor = innovation.mentor_save(actor=w.staff_a, palace=w.palace_a, name="李工", field="machinery")
    w.problem = innovation.problem_create(
        actor=w.worker, palace=w.palace_a, title="焊接变形", field="machinery", description="薄板焊后翘曲"
    )

    # The alliance: both palaces are members; A leads a rotation and organises a campaign that
    # counts A's lecture; a past call (A applied, was approved and granted a subsidy) and an
    # open one.
    alliance.membership_join(actor=po, palace=w.palace_a, joined_on=date(2022, 12, 20), founding=True)
    alliance.membership_join(actor=po, palace=w.palace_b, joined_on=date(2023, 6, 1))
    w.rotation = alliance.rotation_save(
        actor=po,
        name="2026年下半年",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 12, 31),
        leads=[w.palace_a],
    )
    w.campaign = alliance.campaign_save(
        actor=po,
        title="点亮万家灯火，情暖赣鄱职工",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 1, 31),
        organiser=w.palace_a,
        rotation=w.rotation,
        participants=[w.palace_a, w.palace_b],
    )
    w.tag = alliance.campaign_tag(actor=w.staff_a, campaign=w.campaign, activity=w.activity)
    with mock.patch("django.utils.timezone.now", return_value=NOW - timedelta(days=40)):
        w.call = open_call(w, title="全省职工篮球友谊赛")
        w.application = apply(w, w.call)
    alliance.application_review(actor=po, application=w.application, scores=[35, 25])
    w.application = alliance.application_decide(actor=po, application=w.application, approve=True)
    w.subsidy = alliance.subsidy_grant(actor=po, application=w.application, amount="30000")
    w.open_call = open_call(w, title="全省职工演讲比赛", event_kind="performance", budget="50000")
    # Texts only palace A's rows put on a page (for the matrix's `shows` on pages).
    w.application_link = reverse("alliance_manage:application", args=[w.application.pk])
    w.palace_a_name = w.palace_a.name

    w.feed = calendar_feed_for(w.worker)

    # Legal help: staff A holds the legal-service duty (manager A does not); the worker's case.
    StaffAssignment.objects.filter(user=w.staff_a, palace=w.palace_a).update(legal_service=True)
    w.legal_case = case_create(
        actor=w.worker,
        palace=w.palace_a,
        kind="wages",
        description="公司拖欠工资三个月",
        employer="某建筑公司",
    )
    # Teams: a dance troupe with the worker as a member and worker2's open request to join.
    w.team = team_save(actor=w.staff_a, palace=w.palace_a, name="职工舞蹈队", kind="professional")
    joined = join_request_create(actor=w.worker, team=w.team)
    join_request_decide(actor=w.staff_a, join_request=joined, accept=True)
    w.team_member = w.team.members.get(user=w.worker)
    w.join_request = join_request_create(actor=w.worker2, team=w.team)

    # Performance: palace A's ledger of October 2026 (the month of its lecture), computed by the
    # aggregation as the nightly task would.
    ledger_aggregate_month(month=date(2026, 10, 1), palace_ids=[w.palace_a.pk], now=NOW)
    w.ledger = Ledger.objects.get(palace=w.palace_a, month=date(2026, 10, 1))
    # What no system counts: the manager's line of volunteer hours, while the month is open.
    w.manual_line = manual_line_add(
        actor=w.manager_a, ledger=w.ledger, metric="volunteer_hours", value="36", note="志愿服务签到表"
    )
    build_evaluation(w)
    build_employment(w)

    # Last, so that it refuses none of the above: a no-show at palace A suspended the worker,
    # who appealed.
    no_show = write_booking(w.worker, w.venue_a, at(-3, 10), status=Booking.Status.NO_SHOW)
    w.suspension = Suspension.objects.create(
        user=w.worker, starts_at=at(-1, 9), ends_at=at(13, 9), reason="30天内3次预约未到场"
    )
    w.suspension.no_shows.add(no_show)
    w.appeal = Appeal.objects.create(suspension=w.suspension, text="那天生病住院了")
    return w


def build_employment(w: SimpleNamespace) -> None:
    """Employment at palace A: a partner employer and its published posting (carried by a job fair
    and a livestream), the worker's application with an interview; the worker's open residency
    application and worker2's accepted residency with a loan-interest subsidy."""
    from activities.employment import services as jobs

    w.employer = jobs.employer_create(actor=w.staff_a, palace=w.palace_a, name="江铃汽车股份有限公司")
    w.posting = jobs.posting_create(
        actor=w.staff_a,
        palace=w.palace_a,
        employer=w.employer,
        title="汽车装配工",
        kind="full_time",
        pay_min=4500,
        pay_max=6500,
        place="南昌市青山湖区",
        openings=5,
        valid_until=NOW.date() + timedelta(days=30),
        now=NOW,
    )
    w.posting = jobs.posting_publish(actor=w.staff_a, posting=w.posting, now=NOW)
    w.job_fair = make_event(w, title="春风行动招聘会", kind="job_fair", centre="service")
    jobs.job_fair_postings_set(actor=w.staff_a, event=w.job_fair, postings=[w.posting])
    w.livestream = jobs.livestream_save(
        actor=w.staff_a,
        palace=w.palace_a,
        title="直播荐岗：汽车制造专场",
        stream_url="https://live.example.cn/room/8",
        starts_at=at(-2, 19),
        viewers=3200,
        postings=[w.posting],
    )
    w.job_application = jobs.job_apply(user=w.worker, posting=w.posting, note="有驾照", now=NOW)
    w.interview = jobs.interview_record(
        actor=w.staff_a, application=w.job_application, held_on=NOW.date(), outcome="pending"
    )
    w.residency = jobs.residency_apply(user=w.worker, palace=w.palace_a, project="手工皂工作室", now=NOW)
    w.resident = jobs.residency_apply(user=w.worker2, palace=w.palace_a, project="社区团购小程序", now=NOW)
    w.resident = jobs.residency_decide(
        actor=w.staff_a,
        residency=w.resident,
        accept=True,
        starts_on=NOW.date(),
        ends_on=NOW.date() + timedelta(days=365),
        now=NOW,
    )
    w.support = jobs.support_record(
        actor=w.staff_a,
        residency=w.resident,
        kind="loan_interest",
        amount="8000",
        granted_on=NOW.date(),
        now=NOW,
    )
    w.posting_title = w.posting.title


# The smallest file the evidence check accepts as a PNG (it sniffs the signature).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def build_evaluation(w: SimpleNamespace) -> None:
    """The standardisation evaluation: the province's published schemes of 2023 and 2024 (two
    categories each, a manual and a formula indicator) and a 2025 draft being written. Palace A's
    2023 evaluation is concluded (it is on 2023's league table); its 2024 one, with an evidence
    file, is submitted to the city. Evidence is stored under MEDIA_ROOT (a temporary folder for
    the matrix, see conftest)."""
    po, manager = w.province_officer, w.manager_a
    w.scheme = _published_scheme(po, 2024)

    w.draft_scheme = evaluation.scheme_create(actor=po, year=2025, name="2025年度标准化评估（征求意见稿）")
    w.draft_category = evaluation.category_save(
        actor=po, scheme=w.draft_scheme, name="服务职工", max_score="100"
    )
    w.draft_indicator = evaluation.indicator_save(
        actor=po, category=w.draft_category, code="S1", text="职工满意度", max_score="100"
    )
    w.draft_scheme_name = w.draft_scheme.name

    # 2023: self-evaluated, forwarded by the city, concluded by the province.
    scheme_2023 = _published_scheme(po, 2023)
    a1 = scheme_2023.indicators.get(code="A1")
    concluded = evaluation.evaluation_start(actor=manager, scheme=scheme_2023, palace=w.palace_a)
    evaluation.evaluation_self_save(actor=manager, evaluation=concluded, entries={a1.pk: {"score": "50"}})
    evaluation.evaluation_submit(actor=manager, evaluation=concluded)
    evaluation.evaluation_review(actor=w.city_officer, evaluation=concluded, forward=True, opinion="同意报送")
    evaluation.evaluation_conclude(actor=po, evaluation=concluded, entries={a1.pk: {"score": "48"}})

    # 2024: self-evaluated with a photo as evidence, submitted, waiting for the city's review.
    a1 = w.scheme.indicators.get(code="A1")
    w.evaluation = evaluation.evaluation_start(actor=manager, scheme=w.scheme, palace=w.palace_a)
    evaluation.evaluation_self_save(
        actor=manager, evaluation=w.evaluation, entries={a1.pk: {"score": "55", "note": "见测绘报告"}}
    )
    w.evidence = evaluation.evidence_add(
        actor=manager,
        evaluation=w.evaluation,
        indicator_id=a1.pk,
        upload=SimpleUploadedFile("场馆照片.png", PNG, content_type="image/png"),
    )
    w.evaluation = evaluation.evaluation_submit(actor=manager, evaluation=w.evaluation)


def _published_scheme(po, year: int):
    """A complete scheme of `year` written and published by the province: 60 points of facilities
    (A1, manual) and 40 of activities (B1, a formula over the ledgers' activity count)."""
    scheme = evaluation.scheme_create(actor=po, year=year, name=f"{year}年度标准化评估")
    facilities = evaluation.category_save(actor=po, scheme=scheme, name="阵地建设", max_score="60")
    reach = evaluation.category_save(actor=po, scheme=scheme, name="活动开展", max_score="40")
    evaluation.indicator_save(actor=po, category=facilities, code="A1", text="场馆面积达标", max_score="60")
    evaluation.indicator_save(
        actor=po,
        category=reach,
        code="B1",
        text="全年开展活动场次",
        max_score="40",
        kind=Indicator.Kind.FORMULA,
        formula={"kind": "ratio_to_target", "metric": "activities", "target": 100},
    )
    return evaluation.scheme_publish(actor=po, scheme=scheme)
