"""Issue 10 end to end, on a phone: a palace manager submits a month, the city returns it with a
reason, the manager adds a manual line and submits again, the province accepts; the month then
shows as accepted (已核定) and locked, with the whole history."""

from datetime import date
from decimal import Decimal

import pytest

from performance.models import Ledger, LedgerFigure, LedgerStep, ManualLine
from tests.performance.workflow_support import make_ledger

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-word-123"  # tests/factories.UserFactory
MONTH = date(2025, 3, 1)


def sign_in(page, base_url: str, phone: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", phone)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def open_menu_entry(page, text: str) -> None:
    """The phone menu is folded behind its toggle, the staff's entries in its work menu: open
    both, follow the entry."""
    page.locator("[data-nav-toggle]").click()
    # A locator inside `has` is relative to the group, so it names the link without #site-nav.
    group = page.locator("#site-nav details.nav-group", has=page.locator("a", has_text=text))
    group.locator("summary").click()
    with page.expect_navigation():
        group.locator("a", has_text=text).click()


def status_of(page) -> str:
    return page.locator(".wf-status-badge").get_attribute("data-status")


def then_the_province_sees_the_month_reported(page, base_url: str, palace) -> None:
    """The provincial view of the month: the review queue counts it reported and accepted, and
    the provincial dashboard (perf-dash) shows its figures and its reporting rate."""
    page.goto(f"{base_url}/performance/review/?month=2025-03")
    rate = page.locator(".wf-rate .stat").nth(1)
    assert rate.locator(".stat-value").inner_text() == "1"
    row = page.locator(".wf-queue-row", has_text=palace.name)
    assert "已核定" in row.inner_text()

    page.goto(f"{base_url}/performance/dashboard/?month=2025-03")
    stats = page.locator(".pd-stats").first.inner_text()
    assert "56,789" in stats  # the month's person-times, read from the accepted ledger
    assert "1,234" in stats  # and its activities
    # Palace A reported; palace B, in service too, has no ledger: one of two.
    reporting = page.locator(".pd-stat", has_text="台账报送率").inner_text()
    assert "50.0%" in reporting
    assert "应报2份，已报1份" in reporting


def test_a_month_is_submitted_returned_fixed_resubmitted_and_accepted_on_phones(
    live_server, open_page, world
):
    base = live_server.url
    ledger = make_ledger(world.palace_a, MONTH, activities=1234, person_times=56789, utilisation="61.5")
    ledger_url = f"/performance/palace/{world.palace_a.pk}/ledgers/2025-03/"

    # The palace manager, on a phone: the menu's "月度台账" → the palace's months → this month.
    manager = open_page("phone")
    sign_in(manager, base, world.manager_a.phone)
    open_menu_entry(manager, "月度台账")
    manager.wait_for_url(f"**/performance/palace/{world.palace_a.pk}/ledgers/")
    with manager.expect_navigation():
        manager.locator(f'a.btn[href="{ledger_url}#submit"]').click()
    assert "2025年3月" in manager.locator("h1").inner_text()
    assert "56,789" in manager.locator(".wf-headline").inner_text()
    manager.fill("textarea[name=explanation]", "本月数据已核对。")
    with manager.expect_navigation():
        manager.locator("#submit button[type=submit]").click()
    assert status_of(manager) == "submitted"
    assert manager.locator("#submit").count() == 0  # nothing more to submit
    assert manager.locator(".wf-line-form").count() == 0  # lines frozen once submitted

    # The city officer, on a phone: the review queue → this palace → return with a reason.
    city = open_page("phone")
    sign_in(city, base, world.city_officer.phone)
    open_menu_entry(city, "台账审核")
    city.goto(f"{base}/performance/review/?month=2025-03")
    card = city.locator(".wf-queue-row", has_text=world.palace_a.name)
    assert "待市总工会审核" in card.inner_text()
    with city.expect_navigation():
        card.locator("a", has_text="审核或退回").click()
    city.fill("textarea[name=reason]", "请补充本月帮助就业人数。")
    with city.expect_navigation():
        city.locator(".wf-return button[type=submit]").click()
    assert status_of(city) == "returned"

    # The manager sees the reason, adds the missing line and submits again.
    manager.goto(base + ledger_url)
    assert "请补充本月帮助就业人数。" in manager.locator(".wf-returned").inner_text()
    manager.select_option("select[name=metric]", "jobs_placed")
    manager.fill("input[name=value]", "12")
    manager.fill(".wf-line-form textarea[name=note]", "直播荐岗活动，电话回访确认")
    with manager.expect_navigation():
        manager.locator(".wf-line-form button[type=submit]").click()
    assert "直播荐岗活动，电话回访确认" in manager.locator(".wf-lines").inner_text()
    with manager.expect_navigation():
        manager.locator("#submit button[type=submit]").click()
    assert status_of(manager) == "submitted"

    # The province, on a phone: accepts from the review queue, then opens the month.
    province = open_page("phone")
    sign_in(province, base, world.province_officer.phone)
    province.goto(f"{base}/performance/review/?month=2025-03")
    card = province.locator(".wf-queue-row", has_text=world.palace_a.name)
    with province.expect_navigation():
        card.locator("button", has_text="核定并锁定").click()
    assert "/performance/review/" in province.url
    province.goto(base + ledger_url)
    assert status_of(province) == "accepted"
    assert "已核定" in province.locator(".wf-status").inner_text()
    assert province.locator(".wf-locked").is_visible()
    assert "直接核定" in province.locator(".wf-status").inner_text()  # the city returned, never accepted
    history = province.locator(".wf-history li")
    assert history.count() == 4
    assert "请补充本月帮助就业人数。" in province.locator(".wf-history").inner_text()

    # The manager's page is locked too: no forms, the figures frozen in the snapshot.
    manager.goto(base + ledger_url)
    assert manager.locator(".wf-locked").is_visible()
    assert manager.locator("form.wf-line-form, #submit").count() == 0
    ledger = Ledger.objects.get(pk=ledger.pk)
    assert ledger.status == "accepted"
    assert list(LedgerStep.objects.filter(ledger=ledger).values_list("action", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    assert ManualLine.objects.get(ledger=ledger).value == Decimal(12)
    figures = LedgerFigure.objects.filter(ledger=ledger)
    assert all(f.locked_value == f.value for f in figures)
    assert figures.get(metric="jobs_placed").locked_value == Decimal(12)

    then_the_province_sees_the_month_reported(province, base, world.palace_a)
