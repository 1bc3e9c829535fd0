"""The rules of employment: postings' lifecycle and validation, one application per person and
posting (raced), withdrawing before a decision, interviews and placements, job fairs and
livestreams, the maker residency and its support."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from activities.employment import services
from activities.employment.models import JobApplication, JobPosting, ResidencyApplication
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.bookings.support import SHANGHAI
from tests.factories import UserFactory

from .employment_support import NOW, TODAY, employer, posting, resident
from .support import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


# --- Postings ---------------------------------------------------------------------------------------


def test_a_posting_starts_as_a_draft_and_is_published_dated_today(world):
    draft = posting(world, publish=False)
    assert draft.state == "draft"
    assert draft.published_on is None

    published = services.posting_publish(actor=world.staff_a, posting=draft, now=NOW)

    assert published.state == "published"
    assert published.published_on == TODAY


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"pay_min": 7000, "pay_max": 5000}, "pay_max"),
        ({"pay_min": -1}, "pay_min"),
        ({"pay_max": 2_000_000}, "pay_max"),
        ({"pay_min": "abc"}, "pay_min"),
        ({"openings": 0}, "openings"),
        ({"openings": 10_001}, "openings"),
        ({"kind": "forever"}, "kind"),
        ({"title": "  "}, "title"),
        ({"place": ""}, "place"),
        ({"valid_until": TODAY - timedelta(days=1)}, "valid_until"),
        ({"valid_until": "2026-12-01"}, "valid_until"),
    ],
)
def test_a_posting_with_bad_values_is_refused_on_the_field(world, values, field):
    with pytest.raises(InvalidInput) as refused:
        posting(world, publish=False, **values)
    assert field in refused.value.fields
    assert not JobPosting.objects.exists()


def test_the_database_refuses_a_pay_range_upside_down(world):
    row = posting(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobPosting.objects.filter(pk=row.pk).update(pay_min=9000, pay_max=100)


def test_a_posting_takes_only_an_employer_of_its_palace(world):
    other = employer(world, world.palace_b)
    with pytest.raises(InvalidInput) as refused:
        posting(world, employer=other)
    assert "employer" in refused.value.fields


def test_only_staff_of_the_palace_write_postings(world):
    for outsider in (world.staff_b, world.city_officer, world.worker):
        with pytest.raises(NotFound):
            services.posting_create(
                actor=outsider, palace=world.palace_a, title="x", kind="full_time", now=NOW
            )


def test_a_published_posting_closes_and_then_stays_as_it_is(world):
    row = posting(world)
    closed = services.posting_close(actor=world.staff_a, posting=row, now=NOW)
    assert closed.state == "closed"

    with pytest.raises(RuleViolation) as again:
        services.posting_close(actor=world.staff_a, posting=closed, now=NOW)
    assert again.value.code == "not_published"
    with pytest.raises(RuleViolation) as changed:
        services.posting_update(
            actor=world.staff_a,
            posting=closed,
            employer=closed.employer,
            title="y",
            kind="full_time",
            pay_min=1,
            pay_max=2,
            place="z",
            openings=1,
            valid_until=TODAY,
            now=NOW,
        )
    assert changed.value.code == "posting_closed"


def test_a_draft_cannot_be_closed_nor_published_twice(world):
    draft = posting(world, publish=False)
    with pytest.raises(RuleViolation):
        services.posting_close(actor=world.staff_a, posting=draft, now=NOW)
    published = services.posting_publish(actor=world.staff_a, posting=draft, now=NOW)
    with pytest.raises(RuleViolation) as twice:
        services.posting_publish(actor=world.staff_a, posting=published, now=NOW)
    assert twice.value.code == "not_draft"


def test_a_draft_past_its_last_day_cannot_be_published(world):
    draft = posting(world, publish=False, valid_until=TODAY)
    with pytest.raises(RuleViolation) as late:
        services.posting_publish(actor=world.staff_a, posting=draft, now=NOW + timedelta(days=1))
    assert late.value.code == "posting_expired"


def test_employer_names_are_unique_per_palace(world):
    employer(world)
    with pytest.raises(InvalidInput) as twice:
        employer(world)
    assert "name" in twice.value.fields
    assert employer(world, world.palace_b, name="江铃汽车股份有限公司").palace == world.palace_b


# --- Applying --------------------------------------------------------------------------------------


def test_a_worker_applies_once_and_a_second_apply_is_refused(world):
    row = posting(world)
    application = services.job_apply(user=world.worker, posting=row, note="有驾照", now=NOW)

    assert (application.status, application.local_date, application.palace) == ("applied", TODAY, row.palace)
    with pytest.raises(RuleViolation) as twice:
        services.job_apply(user=world.worker, posting=row, now=NOW)
    assert twice.value.code == "already_applied"
    assert JobApplication.objects.count() == 1


def test_the_database_itself_refuses_a_second_application_of_the_same_person(world):
    row = posting(world)
    services.job_apply(user=world.worker, posting=row, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobApplication.objects.create(
            palace=row.palace, posting=row, user=world.worker, created_at=NOW, local_date=TODAY
        )


def test_when_the_check_is_passed_the_constraint_still_answers_already_applied(world):
    row = posting(world)
    services.job_apply(user=world.worker, posting=row, now=NOW)
    # As if another request's insert landed between this one's check and its insert.
    with (
        mock.patch("django.db.models.query.QuerySet.exists", return_value=False),
        pytest.raises(RuleViolation) as lost,
    ):
        services.job_apply(user=world.worker, posting=row, now=NOW)
    assert lost.value.code == "already_applied"


def _race(calls, *, attempts=50):
    """Run `calls` at once from threads with a database connection each; returns what each did."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            # The SQLite test database answers "locked" to a concurrent writer: retry as a
            # web worker's request would be.
            for _ in range(attempts):
                try:
                    outcomes.append(call())
                    return
                except OperationalError:
                    time.sleep(0.01)
            outcomes.append("gave up")
        except Exception as error:  # collected, asserted below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_applies_racing_make_one_application_and_one_refusal(world):
    row = posting(world)

    outcomes = _race([lambda: services.job_apply(user=world.worker, posting=row, now=NOW)] * 2)

    made = [o for o in outcomes if isinstance(o, JobApplication)]
    refused = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert len(made) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert refused[0].code == "already_applied"
    assert JobApplication.objects.filter(posting=row, user=world.worker).count() == 1


def test_a_draft_is_not_found_a_closed_or_expired_posting_refuses(world):
    draft = posting(world, publish=False)
    with pytest.raises(NotFound):
        services.job_apply(user=world.worker, posting=draft, now=NOW)

    expiring = posting(world, title="仓库管理员", valid_until=TODAY)
    with pytest.raises(RuleViolation) as expired:
        services.job_apply(user=world.worker, posting=expiring, now=NOW + timedelta(days=1))
    assert expired.value.code == "posting_expired"

    closed = services.posting_close(actor=world.staff_a, posting=posting(world, title="叉车司机"), now=NOW)
    with pytest.raises(RuleViolation) as shut:
        services.job_apply(user=world.worker, posting=closed, now=NOW)
    assert shut.value.code == "posting_closed"


def test_apply_refusal_says_why_before_the_tap(world):
    row = posting(world)
    assert services.apply_refusal(world.worker, row, today=TODAY) == ""
    assert "expired" in services.apply_refusal(world.worker, row, today=TODAY + timedelta(days=31))
    services.job_apply(user=world.worker, posting=row, now=NOW)
    assert "already" in services.apply_refusal(world.worker, row, today=TODAY)


def test_a_worker_withdraws_before_a_decision_but_not_after(world):
    row = posting(world)
    first = services.job_apply(user=world.worker, posting=row, now=NOW)
    assert services.application_withdraw(user=world.worker, application=first).status == "withdrawn"
    with pytest.raises(RuleViolation):
        services.application_withdraw(user=world.worker, application=first)

    second = services.job_apply(user=world.worker2, posting=row, now=NOW)
    services.application_decide(actor=world.staff_a, application=second, placed=False, now=NOW)
    with pytest.raises(RuleViolation) as decided:
        services.application_withdraw(user=world.worker2, application=second)
    assert decided.value.code == "already_decided"


def test_only_the_applicant_withdraws(world):
    application = services.job_apply(user=world.worker, posting=posting(world), now=NOW)
    with pytest.raises(NotFound):
        services.application_withdraw(user=world.worker2, application=application)


def test_staff_record_an_interview_then_a_placement(world):
    application = services.job_apply(user=world.worker, posting=posting(world), now=NOW)

    interview = services.interview_record(
        actor=world.staff_a, application=application, held_on=TODAY, outcome="passed", note="表现好"
    )
    application.refresh_from_db()
    assert (interview.outcome, application.status) == ("passed", "interview")

    placed = services.application_decide(
        actor=world.staff_a, application=application, placed=True, placed_on=TODAY, now=NOW
    )
    assert (placed.status, placed.placed_on) == ("placed", TODAY)
    with pytest.raises(RuleViolation):
        services.interview_record(actor=world.staff_a, application=placed, held_on=TODAY, outcome="passed")


def test_a_placement_needs_a_day_not_in_the_future(world):
    application = services.job_apply(user=world.worker, posting=posting(world), now=NOW)
    for day in (None, TODAY + timedelta(days=1)):
        with pytest.raises(InvalidInput) as refused:
            services.application_decide(
                actor=world.staff_a, application=application, placed=True, placed_on=day, now=NOW
            )
        assert "placed_on" in refused.value.fields


def test_other_palaces_and_officers_cannot_decide_or_interview(world):
    application = services.job_apply(user=world.worker, posting=posting(world), now=NOW)
    for outsider in (world.staff_b, world.city_officer, world.worker):
        with pytest.raises(NotFound):
            services.application_decide(actor=outsider, application=application, placed=False, now=NOW)
        with pytest.raises(NotFound):
            services.interview_record(
                actor=outsider, application=application, held_on=TODAY, outcome="passed"
            )


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_racing_a_placement_leaves_one_of_them(world):
    application = services.job_apply(user=world.worker, posting=posting(world), now=NOW)

    outcomes = _race(
        [
            lambda: services.application_withdraw(user=world.worker, application=application),
            lambda: services.application_decide(
                actor=world.staff_a, application=application, placed=True, placed_on=TODAY, now=NOW
            ),
        ]
    )

    assert sum(isinstance(o, JobApplication) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, RuleViolation) for o in outcomes) == 1, outcomes
    application.refresh_from_db()
    assert application.status in ("withdrawn", "placed")


# --- Job fairs and livestreams --------------------------------------------------------------------


def test_a_job_fair_carries_published_postings_of_its_palace(world):
    fair = make_event(world, title="春风行动招聘会", kind="job_fair", centre="service")
    jobs = [posting(world), posting(world, title="质检员")]

    services.job_fair_postings_set(actor=world.staff_a, event=fair, postings=jobs)

    assert set(fair.job_postings.all()) == set(jobs)
    with pytest.raises(InvalidInput):
        services.job_fair_postings_set(
            actor=world.staff_a, event=fair, postings=[posting(world, publish=False)]
        )
    with pytest.raises(InvalidInput):
        services.job_fair_postings_set(
            actor=world.staff_a, event=fair, postings=[posting(world, world.palace_b)]
        )


def test_only_a_job_fair_carries_postings(world):
    lecture = make_event(world)
    with pytest.raises(RuleViolation) as refused:
        services.job_fair_postings_set(actor=world.staff_a, event=lecture, postings=[posting(world)])
    assert refused.value.code == "not_job_fair"


def _stream(world, **values):
    values.setdefault("title", "直播荐岗：新能源专场")
    values.setdefault("stream_url", "https://live.example.cn/room/8")
    values.setdefault("starts_at", datetime(2026, 11, 20, 19, 30, tzinfo=SHANGHAI))
    values.setdefault("viewers", 12800)
    return services.livestream_save(actor=world.staff_a, palace=world.palace_a, **values)


def test_a_livestream_links_its_stream_and_postings_and_counts_viewers(world):
    job = posting(world)
    stream = _stream(world, postings=[job])
    assert (stream.viewers, stream.local_date) == (12800, datetime(2026, 11, 20).date())
    assert list(stream.postings.all()) == [job]

    services.livestream_save(
        actor=world.staff_a,
        palace=world.palace_a,
        livestream=stream,
        title=stream.title,
        stream_url=stream.stream_url,
        starts_at=stream.starts_at,
        viewers=20000,
        postings=[],
    )
    stream.refresh_from_db()
    assert stream.viewers == 20000
    assert not stream.postings.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://live.example.cn/x", "live.example.cn", ""])
def test_a_livestream_needs_an_http_or_https_link(world, url):
    with pytest.raises(InvalidInput) as refused:
        _stream(world, stream_url=url)
    assert "stream_url" in refused.value.fields


def test_a_livestream_refuses_negative_viewers(world):
    with pytest.raises(InvalidInput) as refused:
        _stream(world, viewers=-5)
    assert "viewers" in refused.value.fields


# --- The maker residency --------------------------------------------------------------------------


def test_a_person_has_one_open_residency_application_per_palace(world):
    services.residency_apply(user=world.worker, palace=world.palace_a, project="手工皂工作室", now=NOW)
    with pytest.raises(RuleViolation) as twice:
        services.residency_apply(user=world.worker, palace=world.palace_a, project="另一个", now=NOW)
    assert twice.value.code == "already_applied"
    # Another palace is another application.
    services.residency_apply(user=world.worker, palace=world.palace_b, project="手工皂工作室", now=NOW)


def test_staff_accept_a_residency_with_a_period(world):
    accepted = resident(world)
    assert (accepted.status, accepted.starts_on, accepted.ends_on) == (
        "accepted",
        TODAY,
        TODAY + timedelta(days=365),
    )
    # Decided: a new application may follow (the old one is no longer open).
    services.residency_apply(user=world.worker, palace=world.palace_a, project="第二期", now=NOW)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"starts_on": None, "ends_on": TODAY}, "starts_on"),
        ({"starts_on": TODAY, "ends_on": TODAY - timedelta(days=1)}, "ends_on"),
        ({"starts_on": TODAY, "ends_on": TODAY + timedelta(days=1200)}, "ends_on"),
    ],
)
def test_an_acceptance_needs_a_sensible_period(world, values, field):
    application = services.residency_apply(user=world.worker, palace=world.palace_a, project="x", now=NOW)
    with pytest.raises(InvalidInput) as refused:
        services.residency_decide(actor=world.staff_a, residency=application, accept=True, now=NOW, **values)
    assert field in refused.value.fields


def test_a_refusal_needs_a_reason_and_is_final(world):
    application = services.residency_apply(user=world.worker, palace=world.palace_a, project="x", now=NOW)
    with pytest.raises(InvalidInput) as bare:
        services.residency_decide(actor=world.staff_a, residency=application, accept=False, now=NOW)
    assert "reason" in bare.value.fields

    refused = services.residency_decide(
        actor=world.staff_a, residency=application, accept=False, reason="名额已满", now=NOW
    )
    assert (refused.status, refused.reason) == ("refused", "名额已满")
    with pytest.raises(RuleViolation):
        services.residency_decide(
            actor=world.staff_a, residency=application, accept=True, starts_on=TODAY, ends_on=TODAY, now=NOW
        )


def test_officers_and_other_palaces_cannot_decide_a_residency(world):
    application = services.residency_apply(user=world.worker, palace=world.palace_a, project="x", now=NOW)
    for outsider in (world.staff_b, world.city_officer):
        with pytest.raises(NotFound):
            services.residency_decide(
                actor=outsider, residency=application, accept=False, reason="x", now=NOW
            )


def test_the_applicant_withdraws_an_open_residency_application(world):
    application = services.residency_apply(user=world.worker, palace=world.palace_a, project="x", now=NOW)
    with pytest.raises(NotFound):
        services.residency_withdraw(user=world.worker2, residency=application)
    assert services.residency_withdraw(user=world.worker, residency=application).status == "withdrawn"


def test_support_is_recorded_for_residents_in_yuan(world):
    accepted = resident(world)
    support = services.support_record(
        actor=world.staff_a,
        residency=accepted,
        kind="loan_interest",
        amount="12000.50",
        granted_on=TODAY,
        note="创业担保贷款贴息",
        now=NOW,
    )
    assert support.amount == Decimal("12000.50")
    assert support.palace == world.palace_a

    waiting = services.residency_apply(user=world.worker2, palace=world.palace_a, project="y", now=NOW)
    with pytest.raises(RuleViolation) as not_yet:
        services.support_record(
            actor=world.staff_a, residency=waiting, kind="grant", amount=100, granted_on=TODAY, now=NOW
        )
    assert not_yet.value.code == "not_resident"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"kind": "bribe"}, "kind"),
        ({"granted_on": TODAY + timedelta(days=1)}, "granted_on"),
    ],
)
def test_support_with_bad_values_is_refused(world, values, field):
    accepted = resident(world)
    arguments = {"kind": "grant", "amount": "500", "granted_on": TODAY} | values
    with pytest.raises(InvalidInput) as refused:
        services.support_record(actor=world.staff_a, residency=accepted, now=NOW, **arguments)
    assert field in refused.value.fields


def test_the_database_refuses_an_accepted_residency_without_a_period(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidencyApplication.objects.create(
            palace=world.palace_a, user=UserFactory(), project="x", status="accepted", created_at=NOW
        )
