"""Legal help on the pages and the API: who gets an answer, that each showing is recorded, the
read log, the duty lawyers and demonstration hearings, and the ledger's counts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from activities.events.models import Event
from activities.legal import services
from activities.legal.models import CaseRead, LegalCase, Outcome, Stage
from bookings.models import DutyShift
from performance.ledgers.models import LedgerFigure
from performance.ledgers.services import ledger_aggregate_month
from tests.factories import VenueFactory

from .legal_support import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _reads(user) -> int:
    return CaseRead.objects.filter(reader=user).count()


# --- Pages ----------------------------------------------------------------------------------------


def test_the_legal_help_page_shows_the_duty_lawyers_as_published_and_the_hearings(world, client):
    window = VenueFactory(palace=world.palace_a, name="法律援助窗口", kind="legal_aid_window")
    court = VenueFactory(palace=world.palace_a, name="羽毛球馆2号", kind="badminton")
    DutyShift.objects.create(palace=world.palace_a, venue=window, person="王律师", role="律师", weekday=1,
                             starts=time(14), ends=time(17))  # fmt: skip
    DutyShift.objects.create(palace=world.palace_a, venue=court, person="赵教练", weekday=1,
                             starts=time(14), ends=time(17))  # fmt: skip
    day = timezone.localdate() + timedelta(days=5)
    starts = timezone.make_aware(datetime.combine(day, time(14, 30)))
    Event.objects.create(
        palace=world.palace_a,
        title="劳动争议示范性庭审：追索劳动报酬纠纷",
        kind="demo_hearing",
        centre="service",
        venue=window,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        local_date=day,
        state="published",
    )

    page = client.get(reverse("legal:help", args=[world.palace_a.pk])).content.decode()

    assert "王律师" in page
    assert "14:00–17:00" in page
    assert "赵教练" not in page  # a coach on a court's roster is not a lawyer
    assert "示范性庭审" in page
    assert "王律师" in client.get(reverse("venues:palace_detail", args=[world.palace_a.pk])).content.decode()


def test_asking_for_help_opens_a_case_and_shows_it_to_the_worker(world, client):
    client.force_login(world.worker)
    response = client.post(
        reverse("legal:case_new", args=[world.palace_a.pk]),
        {"kind": "dismissal", "description": "被口头辞退，没有补偿", "employer": "", "contact": "visit"},
    )
    case = LegalCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("legal:case", args=[case.pk])

    page = client.get(response["Location"])
    assert "被口头辞退" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert CaseRead.objects.filter(case=case, reader=world.worker, via=CaseRead.Via.PAGE).count() == 1
    assert "被口头辞退" not in client.get(reverse("legal:mine")).content.decode()  # the list: kind and stage


@pytest.mark.parametrize("role", ["worker2", "staff_a", "manager_a", "city_officer", "province_officer"])
def test_a_case_page_is_not_found_for_anyone_else(world, client, role):
    case = open_case(world)
    client.force_login(getattr(world, role))
    assert client.get(reverse("legal:case", args=[case.pk])).status_code == 404
    assert not CaseRead.objects.exists()


def test_the_lawyer_reads_records_and_moves_a_case_on_their_page(world, client, lawyer):
    case = open_case(world)
    client.force_login(lawyer)
    listing = client.get(reverse("legal_staff:cases", args=[world.palace_a.pk]))
    assert case.reference in listing.content.decode()
    assert CaseRead.objects.filter(reader=lawyer, via=CaseRead.Via.LIST).count() == 1

    url = reverse("legal_staff:case", args=[world.palace_a.pk, case.pk])
    assert "公司拖欠工资三个月" in client.get(url).content.decode()
    response = client.post(url, {"stage": "mediation", "outcome": "", "on": timezone.localdate().isoformat(),
                                 "note": "已约双方面谈"})  # fmt: skip
    assert response.status_code == 302
    assert LegalCase.objects.get(pk=case.pk).stage == Stage.MEDIATION

    refused = client.post(
        url, {"stage": "closed", "outcome": "judgment", "on": timezone.localdate().isoformat()}
    )
    assert refused.status_code == 400
    assert LegalCase.objects.get(pk=case.pk).is_open
    # The list, the page and the refused form shown again; a redirect shows nothing.
    assert _reads(lawyer) == 3


def test_the_read_log_names_the_worker_concerned_only_as_such(world, client, lawyer):
    case = open_case(world)
    services.case_read(reader=world.worker, case=case)
    services.case_read(reader=lawyer, case=case)
    client.force_login(world.manager_a)

    page = client.get(reverse("legal_staff:reads", args=[world.palace_a.pk])).content.decode()

    assert case.reference in page
    assert "王律师" in page
    assert "the worker concerned" in page
    assert world.worker.real_name not in page
    assert "公司拖欠" not in page
    # The manager reads the log, never the cases.
    assert client.get(reverse("legal_staff:cases", args=[world.palace_a.pk])).status_code == 404


# --- API ------------------------------------------------------------------------------------------


def test_the_api_lists_own_cases_and_the_lawyers_palace_cases_only(world, lawyer):
    mine, theirs = open_case(world), open_case(world, user=world.worker2)
    ids = lambda user: {row["id"] for row in _api(user).get("/api/v1/legal-cases/").json()["results"]}  # noqa: E731

    assert ids(world.worker) == {mine.pk}
    assert ids(lawyer) == {mine.pk, theirs.pk}
    for role in ("staff_a", "manager_a", "city_officer", "province_officer", "staff_b"):
        assert ids(getattr(world, role)) == set(), role
    assert _reads(lawyer) == 2
    assert _api().get("/api/v1/legal-cases/").status_code == 401


def test_the_api_case_is_not_found_for_anyone_else_and_each_read_is_recorded(world, lawyer):
    case = open_case(world)
    url = f"/api/v1/legal-cases/{case.pk}/"
    for role in ("worker2", "staff_a", "manager_a", "province_officer"):
        response = _api(getattr(world, role)).get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert _api(lawyer).get(url).json()["description"] == "公司拖欠工资三个月"
    _api(world.worker).get(url)
    assert CaseRead.objects.filter(case=case, via=CaseRead.Via.API).count() == 2


def test_the_api_opens_moves_and_withdraws_cases(world, lawyer):
    created = _api(world.worker).post(
        "/api/v1/legal-cases/", {"palace": world.palace_a.pk, "kind": "injury", "description": "工伤不认"}
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    advance = f"/api/v1/legal-cases/{pk}/advance/"

    assert _api(world.worker).post(advance, {"stage": "mediation"}).status_code == 404
    assert _api(world.staff_a).post(advance, {"stage": "mediation"}).status_code == 404
    assert (
        _api(lawyer).post(advance, {"stage": "mediation", "note": "已联系公司"}).json()["stage"]
        == "mediation"
    )
    back = _api(lawyer).post(advance, {"stage": "mediation"})
    assert back.status_code == 409
    assert back.json()["code"] == "illegal_transition"
    assert _api(lawyer).post(advance, {"stage": "teleport"}).status_code == 400

    assert _api(lawyer).post(f"/api/v1/legal-cases/{pk}/withdraw/").status_code == 404
    withdrawn = _api(world.worker).post(f"/api/v1/legal-cases/{pk}/withdraw/", {"note": "已解决"})
    assert withdrawn.json()["outcome"] == "withdrawn"
    assert _api(world.worker).post("/api/v1/legal-cases/", {"palace": 0, "kind": "wages"}).status_code == 400


# --- The ledger -----------------------------------------------------------------------------------


def test_the_ledger_counts_cases_opened_mediated_and_by_outcome(world, lawyer):
    month = date(2026, 10, 1)
    rows = []
    for n, (outcome, closed) in enumerate(
        [(Outcome.MEDIATED, date(2026, 10, 20)), (Outcome.MEDIATED, date(2026, 10, 21)),
         (Outcome.ADVICE, date(2026, 10, 5)), (Outcome.JUDGMENT, date(2026, 11, 2)), ("", None)]
    ):  # fmt: skip
        rows.append(
            LegalCase(
                palace=world.palace_a,
                user=world.worker if n % 2 else world.worker2,
                kind="wages",
                description="x",
                opened_on=date(2026, 10, 1 + n),
                stage=Stage.CLOSED if outcome else Stage.INTAKE,
                outcome=outcome,
                closed_on=closed,
            )
        )
    LegalCase.objects.bulk_create(rows)

    ledger_aggregate_month(month=month, palace_ids=[world.palace_a.pk, world.palace_b.pk])
    figures = {f.metric: f.value for f in LedgerFigure.objects.filter(palace=world.palace_a, month=month)}

    assert figures["legal_cases_opened"] == 5
    assert figures["legal_cases_closed"] == 3
    assert figures["legal_cases_mediated"] == 2
    assert figures["legal_outcome_advice"] == 1
    assert figures.get("legal_outcome_judgment", 0) == 0  # closed in November
    assert not LedgerFigure.objects.filter(palace=world.palace_b, month=month, metric="legal_cases_opened",
                                           value__gt=0).exists()  # fmt: skip


def test_the_case_desk_takes_a_bounded_number_of_queries(
    world, client, lawyer, django_assert_max_num_queries
):
    for _ in range(3):
        for user in (world.worker, world.worker2):
            open_case(world, user=user)
    client.force_login(lawyer)
    with django_assert_max_num_queries(12):
        client.get(reverse("legal_staff:cases", args=[world.palace_a.pk]) + "?stage=")
    with django_assert_max_num_queries(8):
        assert len(_api(lawyer).get("/api/v1/legal-cases/").json()["results"]) == 6
