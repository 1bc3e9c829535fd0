"""Issue 12 end to end on a phone (390 px): a worker finds a job through the menu and the
filters, applies, sees why they cannot apply twice, and finds the application in 我的求职."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activities.employment import services
from activities.employment.models import JobApplication
from tests.factories import PalaceFactory, RegionFactory, StaffAssignmentFactory, UserFactory
from venues.models import Region, StaffAssignment

from .test_classes import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def jobs(db):
    province = RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="360100", name="南昌市", level=Region.Level.CITY, parent=province)
    palace = PalaceFactory(name="南昌市工人文化宫", level="city", region=city)
    staff = UserFactory(phone="13800000021", real_name="王小明")
    StaffAssignmentFactory(user=staff, role=StaffAssignment.Role.PALACE_STAFF, palace=palace)
    employer = services.employer_create(actor=staff, palace=palace, name="江铃汽车股份有限公司")
    today = timezone.localdate()
    made = {}
    for title, kind in (("汽车装配工", "full_time"), ("外卖骑手", "flexible")):
        draft = services.posting_create(
            actor=staff,
            palace=palace,
            employer=employer,
            title=title,
            kind=kind,
            pay_min=4500,
            pay_max=6500,
            place="南昌市青山湖区",
            openings=5,
            valid_until=today + timedelta(days=30),
            requirements="身体健康，能适应倒班",
        )
        made[kind] = services.posting_publish(actor=staff, posting=draft)
    return made


def test_worker_finds_a_job_on_a_phone_and_applies(live_server, phone_page, jobs):
    worker = UserFactory(phone="13900000041", real_name="吴刚")
    page = phone_page
    sign_in(page, live_server.url, worker.phone)

    # Jobs, from the phone's menu.
    page.locator("[data-nav-toggle]").click()
    with page.expect_navigation():
        page.locator('#site-nav a[href="/jobs/"]').click()
    assert page.locator(".job-card").count() == 2
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    # The filters are folded on a phone: open them, choose the flexible jobs.
    filters = page.locator("details.filter-toggle")
    assert not filters.evaluate("el => el.open")
    filters.locator("summary").click()
    page.select_option("select[name=kind]", "flexible")
    with page.expect_navigation():
        page.locator(".filter-actions button[type=submit]").click()
    cards = page.locator(".job-card")
    assert cards.count() == 1
    assert "外卖骑手" in cards.inner_text()

    # The posting's page, and applying with a note.
    job = jobs["flexible"]
    with page.expect_navigation():
        cards.locator(f'a[href="/jobs/{job.pk}/"]').click()
    page.fill("textarea[name=note]", "有电动车，周末也可以")
    with page.expect_navigation():
        page.locator("#apply button[type=submit]").click()
    page.locator(".message-success").wait_for()
    application = JobApplication.objects.get(user=worker, posting=job)
    assert application.note == "有电动车，周末也可以"
    # Back on the page: no second button, the reason said before any tap.
    assert page.locator("#apply button[type=submit]").count() == 0
    assert "已申请" in page.locator("#apply .why-not").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    # 我的求职: the application and its status.
    with page.expect_navigation():
        page.locator('#apply a[href="/jobs/mine/"]').click()
    item = page.locator(".applicant-list li", has_text="外卖骑手")
    item.wait_for()
    assert "已申请" in item.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
