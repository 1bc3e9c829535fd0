"""The ledger pages per role: who reads, who acts, what everyone else gets (404)."""

from datetime import date

import pytest
from django.urls import reverse

from performance.models import Ledger, LedgerFigure, LedgerStep, ManualLine
from performance.workflow import services
from tests.factories import PalaceFactory
from tests.performance.workflow_support import PAST, line, make_ledger, reload

pytestmark = pytest.mark.django_db

Status = Ledger.Status


def url(name, ledger, *extra):
    return reverse(f"performance:{name}", args=[ledger.palace_id, ledger.month, *extra])


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def ledger(world):
    return make_ledger(world.palace_a)


# --- Reading


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_a", 200),
        ("manager_a", 200),
        ("city_officer", 200),
        ("province_officer", 200),
        ("staff_b", 404),
        ("manager_b", 404),
        ("worker", 404),
    ],
)
def test_the_ledger_pages_answer_by_role(client, world, ledger, who, status):
    signed_in(client, getattr(world, who))
    assert client.get(url("ledger", ledger)).status_code == status
    assert client.get(reverse("performance:palace_ledgers", args=[world.palace_a.pk])).status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, ledger):
    response = client.get(url("ledger", ledger))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("month", ["2024-13", "1999-01", "2024-3"])
def test_a_bad_month_in_the_address_is_404(client, world, month):
    signed_in(client, world.manager_a)
    assert client.get(f"/performance/palace/{world.palace_a.pk}/ledgers/{month}/").status_code == 404


def test_the_ledger_page_names_the_month_and_formats_the_figures(client, world):
    ledger = make_ledger(
        world.palace_a, date(2024, 3, 1), activities=1234, person_times=7627700, utilisation="55.5"
    )
    page = signed_in(client, world.staff_a).get(url("ledger", ledger)).content.decode()
    assert "2024年3月" in page
    assert "7,627,700" in page
    assert "1,234" in page
    assert "55.5" in page
    assert "120" in page  # computed from 120 rows


def test_staff_read_but_see_no_forms(client, world, ledger):
    page = signed_in(client, world.staff_a).get(url("ledger", ledger)).content.decode()
    assert url("submit", ledger) not in page
    assert url("line_add", ledger) not in page
    assert url("accept", ledger) not in page


def test_the_manager_sees_the_submit_and_line_forms(client, world, ledger):
    page = signed_in(client, world.manager_a).get(url("ledger", ledger)).content.decode()
    assert url("submit", ledger) in page
    assert url("line_add", ledger) in page
    assert url("accept", ledger) not in page


def test_the_city_sees_review_forms_once_submitted(client, world, ledger):
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    page = signed_in(client, world.city_officer).get(url("ledger", ledger)).content.decode()
    assert url("accept", ledger) in page
    assert url("return", ledger) in page
    assert url("reopen", ledger) not in page
    assert url("submit", ledger) not in page


def test_the_province_sees_whether_the_city_accepted(client, world, ledger):
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    signed_in(client, world.province_officer)
    assert "尚未审核" in client.get(url("ledger", ledger)).content.decode()
    services.ledger_accept(actor=world.city_officer, ledger=ledger)
    assert "市总工会已通过" in client.get(url("ledger", ledger)).content.decode()
    services.ledger_accept(actor=world.province_officer, ledger=ledger)
    page = client.get(url("ledger", ledger)).content.decode()
    assert url("reopen", ledger) in page
    assert "已核定" in page


# --- Acting through the pages


def test_the_manager_adds_a_line_through_the_page(client, world, ledger):
    signed_in(client, world.manager_a)
    response = client.post(
        url("line_add", ledger), {"metric": "jobs_placed", "value": "12", "note": "招聘会"}
    )
    assert response.status_code == 302
    assert ManualLine.objects.get().value == 12


@pytest.mark.parametrize(
    "data",
    [
        {"metric": "jobs_placed", "value": "-3", "note": "x"},
        {"metric": "jobs_placed", "value": "12", "note": ""},
        {"metric": "nonsense", "value": "1", "note": "x"},
        {"metric": "remark", "value": "1", "note": "x"},
        {"metric": "jobs_placed", "value": "1e400", "note": "x"},
    ],
)
def test_bad_lines_through_the_page_change_nothing(client, world, ledger, data):
    signed_in(client, world.manager_a)
    response = client.post(url("line_add", ledger), data)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not ManualLine.objects.exists()


def test_formula_looking_notes_are_stored_as_typed_and_shown_escaped(client, world, ledger):
    note = '=HYPERLINK("http://x","点我") <script>alert(1)</script>'
    signed_in(client, world.manager_a)
    client.post(url("line_add", ledger), {"metric": "remark", "value": "", "note": note})
    assert ManualLine.objects.get().note == note
    page = client.get(url("ledger", ledger)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;点我&quot;)" in page


def test_the_line_edit_form_comes_alone_for_htmx_and_saves(client, world, ledger):
    existing = line(ledger, world.manager_a)
    signed_in(client, world.manager_a)
    fragment = client.get(url("line_edit", ledger, existing.pk), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert "<html" in client.get(url("line_edit", ledger, existing.pk)).content.decode()
    response = client.post(
        url("line_edit", ledger, existing.pk), {"metric": "volunteer_hours", "value": "99", "note": "更正"}
    )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.value, existing.note) == (99, "更正")


def test_others_cannot_edit_or_delete_lines(client, world, ledger):
    existing = line(ledger, world.manager_a)
    for who in (world.staff_a, world.city_officer, world.province_officer):
        signed_in(client, who)
        assert client.get(url("line_edit", ledger, existing.pk)).status_code == 404
        assert client.post(url("line_delete", ledger, existing.pk)).status_code == 404
    assert ManualLine.objects.count() == 1


def test_a_line_of_another_ledger_is_404(client, world, ledger):
    other = make_ledger(world.palace_a, date(2025, 2, 1))
    stranger = line(other, world.manager_a)
    signed_in(client, world.manager_a)
    assert client.post(url("line_delete", ledger, stranger.pk)).status_code == 404
    assert ManualLine.objects.count() == 1


def test_submitting_with_flags_needs_the_tick(client, world):
    ledger = make_ledger(world.palace_a, source_rows=0)
    signed_in(client, world.manager_a)
    response = client.post(url("submit", ledger), {"explanation": ""})
    assert response.status_code == 400
    assert reload(ledger).status == Status.OPEN
    response = client.post(url("submit", ledger), {"flags_checked": "on", "explanation": "闭馆"})
    assert response.status_code == 302
    assert reload(ledger).status == Status.SUBMITTED


def test_a_return_without_a_reason_is_refused_on_the_page(client, world, ledger):
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    signed_in(client, world.city_officer)
    response = client.post(url("return", ledger), {"reason": "  "})
    assert response.status_code == 400
    assert reload(ledger).status == Status.SUBMITTED
    response = client.post(url("return", ledger), {"reason": "请补充志愿时长说明"})
    assert response.status_code == 302
    assert reload(ledger).status == Status.RETURNED
    page = signed_in(client, world.manager_a).get(url("ledger", ledger)).content.decode()
    assert "请补充志愿时长说明" in page


def test_a_refused_step_shows_a_message(client, world, ledger):
    signed_in(client, world.city_officer)
    response = client.post(url("accept", ledger), follow=True)
    assert response.status_code == 200
    assert "只有已报送" in response.content.decode()
    assert not LedgerStep.objects.exists()


def test_staff_cannot_post_actions(client, world, ledger):
    signed_in(client, world.staff_a)
    for name in ("submit", "accept", "return", "reopen"):
        assert client.post(url(name, ledger), {"reason": "x"}).status_code == 404
    assert reload(ledger).status == Status.OPEN


def test_the_queue_accept_returns_to_the_queue(client, world, ledger):
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    signed_in(client, world.city_officer)
    queue = reverse("performance:review") + "?month=2025-03"
    response = client.post(url("accept", ledger), {"next": queue})
    assert response["Location"] == queue
    response = client.post(url("accept", ledger), {"next": "https://evil.example/"})
    assert response["Location"] == url("ledger", ledger)


def test_the_changed_table_shows_after_late_data(client, world, ledger):
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    services.ledger_accept(actor=world.province_officer, ledger=ledger)
    LedgerFigure.objects.filter(ledger=ledger, metric="person_times").update(value=3250)
    page = signed_in(client, world.manager_a).get(url("ledger", ledger)).content.decode()
    assert "+1,250" in page
    assert "2,000" in page


# --- Lists and the review queue


def test_the_palace_list_shows_months_and_the_submit_button_where_due(client, world):
    make_ledger(world.palace_a, date(2025, 2, 1), status="accepted")
    due = make_ledger(world.palace_a, date(2025, 3, 1))
    page = (
        signed_in(client, world.manager_a)
        .get(reverse("performance:palace_ledgers", args=[world.palace_a.pk]) + "?year=2025")
        .content.decode()
    )
    assert "2025年2月" in page
    assert "2025年3月" in page
    assert url("ledger", due) + "#submit" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("city_officer", 200), ("province_officer", 200), ("manager_a", 404), ("staff_a", 404), ("worker", 404)],
)
def test_the_review_queue_is_for_officers(client, world, who, status):
    signed_in(client, getattr(world, who))
    assert client.get(reverse("performance:review")).status_code == status


def test_the_city_queue_shows_only_its_city(client, world):
    make_ledger(world.palace_a, PAST, status="submitted")
    make_ledger(world.palace_b, PAST, status="submitted")
    page = (
        signed_in(client, world.city_officer)
        .get(reverse("performance:review") + "?month=2025-03")
        .content.decode()
    )
    assert world.palace_a.name in page
    assert world.palace_b.name not in page


def test_the_province_filters_by_city_and_status(client, world):
    make_ledger(world.palace_a, PAST, status="submitted")
    make_ledger(world.palace_b, PAST, status="accepted")
    signed_in(client, world.province_officer)
    page = client.get(
        reverse("performance:review") + f"?month=2025-03&city={world.city2.pk}"
    ).content.decode()
    assert world.palace_b.name in page
    assert world.palace_a.name not in page
    page = client.get(reverse("performance:review") + "?month=2025-03&status=awaiting_city").content.decode()
    assert world.palace_a.name in page
    assert world.palace_b.name not in page


def test_a_bad_filter_is_400_not_500(client, world):
    signed_in(client, world.province_officer)
    assert client.get(reverse("performance:review") + "?month=2025-13&city=abc&status=zzz").status_code == 400


def many_palaces(world, n=30):
    palaces = [PalaceFactory(name=f"测试文化宫{i}", region=world.county1) for i in range(n)]
    for i, palace in enumerate(palaces):
        ledger = make_ledger(palace, PAST, status="submitted" if i % 2 else "open")
        line(ledger, world.manager_a)
        LedgerStep.objects.create(ledger=ledger, action="submitted", at=ledger.computed_at)
    return palaces


def test_the_review_queue_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    many_palaces(world)
    signed_in(client, world.province_officer)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("performance:review") + "?month=2025-03")
    assert response.content.decode().count("wf-queue-row") == 32


def test_the_palace_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    for month in range(1, 13):
        ledger = make_ledger(world.palace_a, date(2024, month, 1), status="accepted")
        line(ledger, world.manager_a)
    signed_in(client, world.manager_a)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("performance:palace_ledgers", args=[world.palace_a.pk]) + "?year=2024")
    assert response.status_code == 200


def test_my_ledgers_sends_each_role_to_its_page(client, world):
    assert signed_in(client, world.manager_a).get(reverse("performance:my_ledgers"))["Location"] == reverse(
        "performance:palace_ledgers", args=[world.palace_a.pk]
    )
    assert signed_in(client, world.city_officer).get(reverse("performance:my_ledgers"))[
        "Location"
    ] == reverse("performance:review")
    assert signed_in(client, world.worker).get(reverse("performance:my_ledgers")).status_code == 404


def test_the_ledger_page_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    ledger = make_ledger(world.palace_a)
    for n in range(15):
        line(ledger, world.manager_a, note=f"说明{n}")
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    for _ in range(5):
        services.ledger_return(actor=world.province_officer, ledger=ledger, reason="再核对")
        services.ledger_submit(actor=world.manager_a, ledger=ledger)
    signed_in(client, world.province_officer)
    with django_assert_max_num_queries(25):
        response = client.get(url("ledger", ledger))
    assert response.content.decode().count('wf-line"') == 15


def test_my_ledgers_lists_the_palaces_of_someone_working_for_two(client, world):
    from tests.factories import StaffAssignmentFactory

    StaffAssignmentFactory(user=world.staff_a, role="palace_staff", palace=world.palace_b)
    response = signed_in(client, world.staff_a).get(reverse("performance:my_ledgers"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("performance:palace_ledgers", args=[world.palace_a.pk]) in page
    assert reverse("performance:palace_ledgers", args=[world.palace_b.pk]) in page


def test_the_menu_shows_each_role_its_entry(client, world):
    page = signed_in(client, world.manager_a).get("/").content.decode()
    assert reverse("performance:my_ledgers") in page
    assert reverse("performance:review") not in page
    page = signed_in(client, world.city_officer).get("/").content.decode()
    assert reverse("performance:review") in page
    assert reverse("performance:my_ledgers") not in page
    page = signed_in(client, world.worker).get("/").content.decode()
    assert reverse("performance:review") not in page
    assert reverse("performance:my_ledgers") not in page


def test_the_edit_form_of_a_submitted_months_line_sends_back_to_the_month(client, world, ledger):
    existing = line(ledger, world.manager_a)
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    signed_in(client, world.manager_a)
    response = client.get(url("line_edit", ledger, existing.pk))
    assert response.status_code == 302
    response = client.post(
        url("line_edit", ledger, existing.pk), {"metric": "jobs_placed", "value": "1", "note": "x"}
    )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.metric == "volunteer_hours"


ROLES = ("worker", "staff_a", "manager_a", "staff_b", "manager_b", "city_officer", "province_officer")
ACTIONS = {
    # route: the roles let in (everyone else signed in gets 404, even with an empty form)
    "line_add": {"manager_a"},
    "submit": {"manager_a"},
    "return": {"city_officer", "province_officer"},
    "accept": {"city_officer", "province_officer"},
    "reopen": {"province_officer"},
}


@pytest.mark.parametrize("route", list(ACTIONS))
def test_an_empty_post_is_404_to_those_not_let_in_and_never_a_refusal_to_the_others(client, world, route):
    ledger = make_ledger(world.palace_a)
    for role in ROLES:
        signed_in(client, getattr(world, role))
        status = client.post(url(route, ledger)).status_code
        if role in ACTIONS[route]:
            assert status not in (403, 404, 405), (role, status)
            assert status < 500, (role, status)
        else:
            assert status == 404, (role, status)
    client.logout()
    response = client.post(url("submit", ledger))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("route", ["line_edit", "line_delete"])
def test_line_routes_are_404_to_all_but_the_manager(client, world, route):
    ledger = make_ledger(world.palace_a)
    existing = line(ledger, world.manager_a)
    for role in ROLES:
        signed_in(client, getattr(world, role))
        status = client.post(url(route, ledger, existing.pk)).status_code
        assert (status == 404) is (role != "manager_a"), (role, status)


def test_a_palace_s_ledger_pages_read_as_many_queries_for_years_of_months_lines_and_steps(client, world):
    """Issue 13: the palace's months and one month's ledger, as its staff and as the provincial
    officer: at most ten queries, as many with three years of ledgers, many lines, returns and
    resubmissions, and a year of history behind the flags, as with one ledger of one line."""
    from tests.queries import queries_of

    ledger = make_ledger(world.palace_a, PAST)
    line(ledger, world.manager_a)
    pages = [
        (world.staff_a, lambda: client.get(reverse("performance:palace_ledgers", args=[world.palace_a.pk]))),
        (world.staff_a, lambda: client.get(url("ledger", ledger))),
        (world.province_officer, lambda: client.get(url("ledger", ledger))),
        (
            world.manager_a,
            lambda: client.get(reverse("performance:palace_ledgers", args=[world.palace_a.pk])),
        ),
    ]

    def counts():
        found = []
        for who, page in pages:
            signed_in(client, who)
            found.append(queries_of(page))
        return found

    small = counts()
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            if date(year, month, 1) != PAST:
                other = make_ledger(
                    world.palace_a, date(year, month, 1), status=("open", "accepted")[month % 2]
                )
                line(other, world.manager_a, note=f"{year}-{month}")
    for n in range(15):
        line(ledger, world.manager_a, note=f"说明{n}")
    services.ledger_submit(actor=world.manager_a, ledger=ledger, flags_checked=True)
    for _ in range(3):
        services.ledger_return(actor=world.province_officer, ledger=ledger, reason="再核对")
        services.ledger_submit(actor=world.manager_a, ledger=ledger, flags_checked=True)
    services.ledger_return(actor=world.province_officer, ledger=ledger, reason="再核对")
    assert counts() == small
