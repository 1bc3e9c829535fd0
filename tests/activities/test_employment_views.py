"""Employment's pages: the job list and its filters, a posting's apply box saying why one cannot
apply before the tap, applying and withdrawing, my job search, the residency page with its
residents and their period, the palace page's section, and the staff pages (applicants masked for
officers, forms refusing bad input on the field)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from activities.employment import services
from activities.employment.models import JobApplication, JobPosting, ResidencyApplication

from .employment_support import NOW, TODAY, employer, posting, resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.LANGUAGE_CODE = "en"
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def _as(client, user):
    client.force_login(user)
    return client


def test_the_job_list_shows_open_postings_and_filters_by_kind(client, world):
    posting(world)
    posting(world, title="外卖骑手", kind="flexible")
    posting(world, title="草稿岗位", publish=False)

    html = client.get("/jobs/").content.decode()
    assert "汽车装配工" in html
    assert "外卖骑手" in html
    assert "草稿岗位" not in html
    assert "4,500–6,500" in html

    filtered = client.get("/jobs/?kind=flexible").content.decode()
    assert "外卖骑手" in filtered
    assert "汽车装配工" not in filtered


def test_the_job_list_filters_by_city_and_palace(client, world):
    posting(world)
    posting(world, world.palace_b, title="纺织工")

    assert "纺织工" not in client.get(f"/jobs/?city={world.city1.code}").content.decode()
    html = client.get(f"/jobs/?palace={world.palace_b.pk}").content.decode()
    assert "纺织工" in html
    assert "汽车装配工" not in html


def test_the_job_list_queries_do_not_grow_with_postings(client, world, django_assert_max_num_queries):
    for n in range(12):
        posting(world, title=f"岗位{n}")
    _as(client, world.worker)
    with django_assert_max_num_queries(14):
        client.get("/jobs/")


def test_a_posting_page_offers_the_apply_button_to_a_worker(client, world):
    job = posting(world)
    html = _as(client, world.worker).get(f"/jobs/{job.pk}/").content.decode()
    assert f'action="/jobs/{job.pk}/apply/"' in html


def test_a_posting_page_says_why_one_cannot_apply_before_the_tap(client, world):
    job = posting(world)
    services.job_apply(user=world.worker, posting=job, now=NOW)
    closed = services.posting_close(actor=world.staff_a, posting=posting(world, title="已关闭"), now=NOW)
    expiring = posting(world, title="快过期", valid_until=TODAY)
    _as(client, world.worker)

    assert "You applied on" in client.get(f"/jobs/{job.pk}/").content.decode()
    closed_html = client.get(f"/jobs/{closed.pk}/").content.decode()
    assert "This posting is closed." in closed_html
    assert f"/jobs/{closed.pk}/apply/" not in closed_html
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(days=1)):
        expired_html = client.get(f"/jobs/{expiring.pk}/").content.decode()
    assert "This posting has expired." in expired_html
    assert f"/jobs/{expiring.pk}/apply/" not in expired_html


def test_a_draft_posting_page_is_404_to_workers_and_shown_to_its_staff(client, world):
    draft = posting(world, publish=False)
    assert _as(client, world.worker).get(f"/jobs/{draft.pk}/").status_code == 404
    assert _as(client, world.staff_a).get(f"/jobs/{draft.pk}/").status_code == 200
    assert _as(client, world.staff_b).get(f"/jobs/{draft.pk}/").status_code == 404


def test_applying_from_the_page_then_again_says_already(client, world):
    job = posting(world)
    _as(client, world.worker)

    first = client.post(f"/jobs/{job.pk}/apply/", {"note": "能上夜班"}, follow=True)
    second = client.post(f"/jobs/{job.pk}/apply/", follow=True)

    assert "You applied for 汽车装配工" in first.content.decode()
    assert "You have applied already." in second.content.decode()
    assert JobApplication.objects.get(user=world.worker).note == "能上夜班"


def test_anonymous_apply_is_sent_to_sign_in(client, world):
    response = client.post(f"/jobs/{posting(world).pk}/apply/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_job_search_lists_applications_with_status_and_withdraws(client, world):
    application = services.job_apply(user=world.worker, posting=posting(world), now=NOW)
    services.interview_record(actor=world.staff_a, application=application, held_on=TODAY, outcome="passed")
    _as(client, world.worker)

    html = client.get("/jobs/mine/").content.decode()
    assert "汽车装配工" in html
    assert "interviewing" in html
    assert "Interview on" in html

    client.post(f"/jobs/applications/{application.pk}/withdraw/")
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_a_worker_cannot_withdraw_someone_elses_application(client, world):
    application = services.job_apply(user=world.worker, posting=posting(world), now=NOW)
    response = _as(client, world.worker2).post(f"/jobs/applications/{application.pk}/withdraw/")
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "applied"


def test_the_residency_page_lists_residents_with_their_period_and_takes_applications(client, world):
    resident(world, world.worker2)
    html = client.get(f"/jobs/residency/{world.palace_a.pk}/").content.decode()
    assert "社区团购小程序" in html
    assert "Resident from" in html
    assert world.worker2.real_name not in html  # masked

    _as(client, world.worker)
    response = client.post(f"/jobs/residency/{world.palace_a.pk}/", {"project": "非遗手工坊", "team_size": 2})
    assert response.status_code == 302
    assert ResidencyApplication.objects.get(user=world.worker).project == "非遗手工坊"
    again = client.post(f"/jobs/residency/{world.palace_a.pk}/", {"project": "又一个", "team_size": 1})
    assert again.status_code == 409
    assert "Your application is waiting" in again.content.decode()


def test_the_palace_page_shows_its_jobs_and_residents(client, world):
    posting(world)
    resident(world, world.worker2)
    html = client.get(f"/palaces/{world.palace_a.pk}/").content.decode()
    assert "汽车装配工" in html
    assert "社区团购小程序" in html


def test_staff_see_applicants_in_full_and_the_city_officer_masked(client, world):
    job = posting(world)
    services.job_apply(user=world.worker, posting=job, now=NOW)
    url = f"/staff/jobs/{world.palace_a.pk}/{job.pk}/"

    staff_html = _as(client, world.staff_a).get(url).content.decode()
    officer_html = _as(client, world.city_officer).get(url).content.decode()

    assert world.worker.phone in staff_html
    assert world.worker.phone not in officer_html
    assert world.worker.masked_phone in officer_html
    assert "Record an interview" not in officer_html


def test_staff_draft_a_posting_from_the_form_and_publish_it(client, world):
    boss = employer(world)
    _as(client, world.staff_a)
    form = {
        "employer": boss.pk,
        "title": "数控车工",
        "kind": "full_time",
        "pay_min": "6000",
        "pay_max": "9000",
        "place": "南昌经开区",
        "openings": "4",
        "valid_until": str(TODAY + timedelta(days=14)),
    }
    response = client.post(f"/staff/jobs/{world.palace_a.pk}/new/", form)
    job = JobPosting.objects.get(title="数控车工")
    assert response.status_code == 302
    assert job.state == "draft"

    client.post(f"/staff/jobs/{world.palace_a.pk}/{job.pk}/publish/")
    job.refresh_from_db()
    assert job.state == "published"


def test_the_posting_form_refuses_a_pay_range_upside_down_on_the_field(client, world):
    boss = employer(world)
    form = {
        "employer": boss.pk,
        "title": "x",
        "kind": "full_time",
        "pay_min": "9000",
        "pay_max": "6000",
        "place": "y",
        "openings": "1",
        "valid_until": str(TODAY),
    }
    response = _as(client, world.staff_a).post(f"/staff/jobs/{world.palace_a.pk}/new/", form)
    assert response.status_code == 400
    assert "The highest pay cannot be below the lowest." in response.content.decode()
    assert not JobPosting.objects.exists()


def test_staff_record_an_interview_and_a_placement_from_the_pages(client, world):
    application = services.job_apply(user=world.worker, posting=posting(world), now=NOW)
    base = f"/staff/jobs/{world.palace_a.pk}/applications/{application.pk}"
    _as(client, world.staff_a)

    client.post(f"{base}/interview/", {"held_on": str(TODAY), "outcome": "passed"})
    client.post(f"{base}/decide/", {"decision": "placed", "placed_on": str(TODAY)})

    application.refresh_from_db()
    assert application.status == "placed"
    assert application.placed_on == TODAY
    assert application.interviews.get().outcome == "passed"


def test_staff_decide_a_residency_and_record_support_from_the_pages(client, world):
    row = services.residency_apply(user=world.worker, palace=world.palace_a, project="茶艺工作室", now=NOW)
    base = f"/staff/jobs/{world.palace_a.pk}/residency/{row.pk}"
    _as(client, world.staff_a)

    refused = client.post(f"{base}/decide/", {"decision": "refuse"})
    assert refused.status_code == 400
    client.post(
        f"{base}/decide/",
        {"decision": "accept", "starts_on": str(TODAY), "ends_on": str(TODAY + timedelta(days=180))},
    )
    client.post(f"{base}/support/", {"kind": "loan_interest", "amount": "3000", "granted_on": str(TODAY)})

    row.refresh_from_db()
    assert row.status == "accepted"
    assert row.support.get().amount == 3000
    html = client.get(f"/staff/jobs/{world.palace_a.pk}/residency/").content.decode()
    assert "茶艺工作室" in html
    assert "3,000" in html


def test_a_livestream_form_refuses_a_non_web_link(client, world):
    response = _as(client, world.staff_a).post(
        f"/staff/jobs/{world.palace_a.pk}/live/new/",
        {
            "title": "直播",
            "stream_url": "javascript:alert(1)",
            "starts_at": "2026-11-20T19:00",
            "viewers": "0",
        },
    )
    assert response.status_code == 400


def test_a_job_fairs_postings_are_chosen_by_staff_and_shown_to_workers(client, world):
    from .support import make_event

    job = posting(world)
    fair = make_event(world, title="春风行动招聘会", kind="job_fair", centre="service")
    _as(client, world.staff_a).post(
        f"/staff/jobs/{world.palace_a.pk}/fairs/{fair.pk}/", {"postings": [job.pk]}
    )

    html = client.get(f"/jobs/fairs/{fair.pk}/").content.decode()
    assert "汽车装配工" in html
    assert "春风行动招聘会" in client.get(f"/jobs/{job.pk}/").content.decode()
